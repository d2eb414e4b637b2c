import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ENGINE } from './helpers/engines';
import { cli, cliJson, makeWorkspace, removeWorkspace, sqlite3, writeFile } from './helpers/workspace';

const CREATE_PROJECTS = `-- version: 1.0.0
-- description: Initial schema
CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO projects (name) VALUES ('alpha'), ('beta');
`;
const DROP_PROJECTS = 'DROP TABLE projects;\n';
const ADD_TAGS = `-- version: 1.1.0
CREATE TABLE tags (id INTEGER PRIMARY KEY, project_id INTEGER REFERENCES projects(id), tag TEXT);
`;

function exampleWorkspace(): string {
  return makeWorkspace({
    'migrations/001_initial_schema.sql': CREATE_PROJECTS,
    'migrations/001_initial_schema.down.sql': DROP_PROJECTS,
    'migrations/002_add_tags.sql': ADD_TAGS,
    'migrations/002_add_tags.down.sql': 'DROP TABLE tags;\n',
  });
}

describe('CLI', () => {
  let root: string;
  let db: string;
  beforeEach(() => {
    root = exampleWorkspace();
    db = path.join(root, 'data', 'app.db');
  });
  afterEach(() => removeWorkspace(root));

  it('reports every migration as pending before the database exists, without creating it', () => {
    const { code, json } = cliJson(root, ['status']);
    assert.equal(code, 0);
    assert.deepEqual(
      json.migrations.map((m: any) => [m.sequence, m.name, m.version, m.status, m.appliedAt]),
      [
        ['001', '001_initial_schema', '1.0.0', 'pending', null],
        ['002', '002_add_tags', '1.1.0', 'pending', null],
      ],
    );
    assert.equal(json.migrations[0].description, 'Initial schema');
    assert.equal(json.migrations[1].description, 'Add tags');
    assert.match(json.migrations[0].checksum, /^[0-9a-f]{64}$/);
    assert.equal(fs.existsSync(db), false);
  });

  it('applies all pending migrations and records them in schema_migrations', () => {
    const up = cli(root, ['up']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /001_initial_schema \(1\.0\.0\) applied/);
    assert.equal(sqlite3(db, 'SELECT name FROM projects ORDER BY id;'), 'alpha\nbeta\n');
    const ledger = sqlite3(db, "SELECT version, status, length(checksum), execution_time_ms >= 0 FROM schema_migrations ORDER BY id;");
    assert.equal(ledger, '1.0.0|applied|64|1\n1.1.0|applied|64|1\n');
    const status = cliJson(root, ['status']).json.migrations;
    assert.deepEqual(status.map((m: any) => m.status), ['applied', 'applied']);
    assert.equal(status[0].checksum, status[0].appliedChecksum);
  });

  it('leaves the file byte-for-byte alone when there is nothing to apply', () => {
    assert.equal(cli(root, ['up']).code, 0);
    const before = fs.readFileSync(db);
    const again = cli(root, ['up']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /Nothing to do/);
    assert.deepEqual(fs.readFileSync(db), before);
  });

  it('down --to the newest applied migration says there is nothing to roll back, not "up to date"', () => {
    assert.equal(cli(root, ['up', '--to', '1']).code, 0);
    const before = fs.readFileSync(db);
    const down = cli(root, ['down', '--to', '1']);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /^No migration after 001_initial_schema is applied; there is nothing to roll back\.\nEngine: /);
    assert.doesNotMatch(down.stdout + down.stderr, /up to date/);
    assert.doesNotMatch(down.stderr, /nothing to roll back/, 'said once, as the result');
    assert.deepEqual(fs.readFileSync(db), before);
    const json = cliJson(root, ['down', '--to', '2']).json;
    assert.deepEqual(json.notes.filter((n: any) => n.code !== 'engine-fallback').map((n: any) => [n.code, n.message]), [['nothing-applied', 'No migration after 002_add_tags is applied; there is nothing to roll back.']]);
  });

  it('down says which tables it dropped that held rows, and that the backup keeps them; a rebuild drops nothing', () => {
    writeFile(root, 'migrations/003_colour.sql', 'ALTER TABLE projects ADD COLUMN colour TEXT;\n');
    writeFile(root, 'migrations/003_colour.down.sql', 'CREATE TABLE projects_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\nINSERT INTO projects_new SELECT id, name FROM projects;\nDROP TABLE projects;\nALTER TABLE projects_new RENAME TO projects;\n');
    assert.equal(cli(root, ['up']).code, 0);
    const rebuilt = cliJson(root, ['down']);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.equal('dropped' in rebuilt.json, false, JSON.stringify(rebuilt.json.dropped));
    sqlite3(db, "INSERT INTO tags (project_id, tag) VALUES (1, 'red');");
    const down = cli(root, ['down', '--to', '0']);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(down.stdout.split('\n').filter((l) => l.startsWith('Dropped')), [
      'Dropped table tags (1 row); the backup keeps its rows.',
      'Dropped table projects (2 rows); the backup keeps its rows.',
    ]);
    assert.match(down.stdout, /the backup keeps its rows\.\nBackup: .*app\.db_\d{8}T\d{9}Z\.db/);
    assert.equal(sqlite3(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('tags', 'projects');"), '0\n');
    assert.equal(cli(root, ['up', '--to', '1']).code, 0);
    assert.deepEqual(cliJson(root, ['down']).json.dropped, [{ table: 'projects', rows: 2 }]);
  });

  it('applies up to a sequence with --to and rolls back with down', () => {
    assert.equal(cli(root, ['up', '--to', '1']).code, 0);
    assert.deepEqual(cliJson(root, ['status']).json.migrations.map((m: any) => m.status), ['applied', 'pending']);
    assert.equal(cli(root, ['up']).code, 0);
    const down = cli(root, ['down']);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(cliJson(root, ['status']).json.migrations.map((m: any) => m.status), ['applied', 'rolled_back']);
    assert.equal(sqlite3(db, "SELECT count(*) FROM sqlite_master WHERE name = 'tags';"), '0\n');
    assert.match(down.stdout, /Backup: .*app\.db_\d{8}T\d{9}Z\.db/);
  });

  it('an empty up file and an empty down file are both no-ops that exit 0 with an info line; a missing down file exits 2', () => {
    writeFile(root, 'migrations/003_nothing.sql', '-- intentionally empty\n');
    writeFile(root, 'migrations/003_nothing.down.sql', '');
    const up = cli(root, ['up']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, /003_nothing\.sql: info: .*no-op/);
    const down = cli(root, ['down']);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stderr, /003_nothing\.down\.sql: info: .*no-op/);
    assert.equal(sqlite3(db, "SELECT status FROM schema_migrations WHERE version = '003';"), 'rolled_back\n');
    writeFile(root, 'migrations/004_no_down.sql', 'CREATE TABLE t4 (x);\n');
    assert.equal(cli(root, ['up']).code, 0);
    const missing = cli(root, ['down']);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /004_no_down has no 004_no_down\.down\.sql, so it cannot be rolled back/);
  });

  it('migrates a database with old orphan rows, warning with table and count; verify still fails; a migration adding one fails', () => {
    assert.equal(cli(root, ['up']).code, 0);
    sqlite3(db, "INSERT INTO tags (project_id, tag) VALUES (99, 'orphan');");
    writeFile(root, 'migrations/003_tag_index.sql', 'CREATE INDEX idx_tags_tag ON tags(tag);\n');
    const up = cli(root, ['up']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, /warning: The database already has foreign key violations \(1: tags: 1 row \(missing projects rows\)\)/);
    assert.equal(sqlite3(db, "SELECT status FROM schema_migrations WHERE version = '003';"), 'applied\n');
    const verify = cli(root, ['verify']);
    assert.equal(verify.code, 1);
    assert.match(verify.stdout, /foreign_key_check.*tags rowid 1 references missing projects row/);
    writeFile(root, 'migrations/004_more_orphans.sql', "INSERT INTO tags (project_id, tag) VALUES (98, 'new orphan');\n");
    const worse = cli(root, ['up']);
    assert.equal(worse.code, 1);
    assert.match(worse.stderr, /004_more_orphans\.sql: error: PRAGMA foreign_key_check is not empty after it ran \(tags rowid 2 references missing projects row\)/);
    assert.equal(sqlite3(db, 'SELECT count(*) FROM tags;'), '1\n');
  });

  it('exits 1 on a failing migration, names file and line, and keeps schema and data as they were', () => {
    writeFile(root, 'migrations/003_broken.sql', 'CREATE TABLE ok_table (id INTEGER);\n\nINSERT INTO no_such_table VALUES (1);\n');
    assert.equal(cli(root, ['up', '--to', '2']).code, 0);
    const run = cli(root, ['up']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /003_broken\.sql:3: error: .*no such table: no_such_table/);
    assert.equal(sqlite3(db, "SELECT count(*) FROM sqlite_master WHERE name = 'ok_table';"), '0\n');
    assert.equal(sqlite3(db, "SELECT status FROM schema_migrations WHERE version = '003';"), 'failed\n');
    assert.equal(sqlite3(db, 'SELECT count(*) FROM projects;'), '2\n');
    assert.deepEqual(fs.readdirSync(path.join(root, 'data')), ['app.db'], 'no backup, and no empty backups folder, of a run that changed nothing');
  });

  it('status shows a failed migration as failed, not applied: "failed at" in the table, failedAt in the JSON', () => {
    writeFile(root, 'migrations/003_broken.sql', 'INSERT INTO no_such_table VALUES (1);\n');
    assert.equal(cli(root, ['up']).code, 1);
    const when = sqlite3(db, "SELECT applied_at FROM schema_migrations WHERE version = '003';").trim();
    const table = cli(root, ['status']).stdout;
    assert.match(table, new RegExp(`^003 +003 +failed +Broken +failed at ${when}$`, 'm'));
    assert.match(table, /^002 +1\.1\.0 +applied +Add tags +\d{4}-\d\d-\d\d[ T][\d:.]+Z?$/m);
    const [applied, failed] = cliJson(root, ['status']).json.migrations.slice(1);
    assert.equal(failed.status, 'failed');
    assert.deepEqual([failed.appliedAt, failed.appliedChecksum, failed.failedAt], [null, null, when]);
    assert.equal(applied.failedAt, null);
    assert.equal(applied.appliedChecksum, applied.checksum);
    assert.ok(applied.appliedAt);
  });

  it('leaves the file byte-for-byte and makes no backup when a rollback fails', () => {
    assert.equal(cli(root, ['up']).code, 0);
    writeFile(root, 'migrations/002_add_tags.down.sql', 'DROP TABLE tags;\nDROP TABLE no_such_table;\n');
    const before = fs.readFileSync(db);
    const backups = path.join(root, 'data', 'backups');
    const backupsBefore = fs.existsSync(backups) ? fs.readdirSync(backups) : [];
    const run = cli(root, ['down']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /002_add_tags\.down\.sql:2: error: .*no such table: no_such_table/);
    assert.deepEqual(fs.readFileSync(db), before);
    assert.deepEqual(fs.existsSync(backups) ? fs.readdirSync(backups) : [], backupsBefore);
  });

  it('flags an applied file edited since as modified, and verify fails', () => {
    assert.equal(cli(root, ['up']).code, 0);
    assert.equal(cli(root, ['verify']).code, 0);
    writeFile(root, 'migrations/002_add_tags.sql', ADD_TAGS + '-- an edit\n');
    assert.equal(cliJson(root, ['status']).json.migrations[1].status, 'modified');
    const verify = cli(root, ['verify']);
    assert.equal(verify.code, 1);
    assert.match(verify.stdout, /✗/);
  });

  it('up refuses (exit 1) while applied files were edited or removed, naming them all, unless --allow-modified', () => {
    assert.equal(cli(root, ['up', '--to', '1']).code, 0);
    writeFile(root, 'migrations/001_initial_schema.sql', CREATE_PROJECTS + '-- an edit\n');
    const refused = cli(root, ['up']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error: Applied migrations changed since they were applied: 001_initial_schema \(file edited\)\. Nothing was run/);
    assert.equal(sqlite3(db, "SELECT count(*) FROM sqlite_master WHERE name = 'tags';"), '0\n');
    assert.equal(cli(root, ['dry-run']).code, 1);
    const json = cliJson(root, ['up']);
    assert.deepEqual([json.code, json.json.problems.map((p: any) => p.code)], [1, ['applied-changed']]);
    const allowed = cli(root, ['up', '--allow-modified']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stderr, /warning: Applying although applied migrations changed/);
    assert.equal(sqlite3(db, "SELECT status FROM schema_migrations WHERE version = '1.1.0';"), 'applied\n');
    // A removed applied file is refused the same way, listed with the edited one.
    fs.rmSync(path.join(root, 'migrations', '002_add_tags.sql'));
    fs.rmSync(path.join(root, 'migrations', '002_add_tags.down.sql'));
    writeFile(root, 'migrations/003_more.sql', 'CREATE TABLE more (x);\n');
    const both = cli(root, ['up']);
    assert.equal(both.code, 1);
    assert.match(both.stderr, /001_initial_schema \(file edited\), 002_add_tags \(file missing\)/);
    assert.equal(cli(root, ['down', '--allow-modified']).code, 2, '--allow-modified is for up and dry-run');
  });

  it('verify exits 2 on migration files that up would refuse, naming them', () => {
    assert.equal(cli(root, ['up']).code, 0);
    writeFile(root, 'migrations/002_duplicate.sql', 'SELECT 1;\n');
    const verify = cli(root, ['verify']);
    assert.equal(verify.code, 2);
    assert.match(verify.stderr, /002_duplicate\.sql: error: .*same sequence/);
    const json = cliJson(root, ['verify']);
    assert.equal(json.json.ok, false);
  });

  it('status, up, verify and dry-run exit 2 on naming errors, naming the file', () => {
    assert.equal(cli(root, ['up', '--to', '1']).code, 0);
    writeFile(root, 'migrations/002_duplicate.sql', 'SELECT 1;\n');
    for (const command of ['status', 'up', 'verify', 'dry-run']) {
      const run = cli(root, [command]);
      assert.equal(run.code, 2, command);
      assert.match(run.stderr, /002_duplicate\.sql: error: /, command);
    }
    const json = cliJson(root, ['status']);
    assert.equal(json.code, 2);
    assert.equal(json.json.ok, false);
    assert.ok(json.json.migrations.length >= 1, 'the status is still reported');
    assert.match(json.json.problems.map((p: any) => p.file).join(), /002_duplicate\.sql/);
    assert.equal(sqlite3(db, "SELECT count(*) FROM schema_migrations WHERE status = 'applied';"), '1\n', 'up ran nothing');
  });

  it('status, up, verify and dry-run exit 2 when the migrations folder is missing or a file; up creates no database', () => {
    fs.rmSync(path.join(root, 'migrations'), { recursive: true });
    for (const command of ['status', 'up', 'verify', 'dry-run']) {
      const run = cli(root, [command]);
      assert.equal(run.code, 2, command);
      assert.match(run.stderr, /error: The migrations folder .* does not exist/, command);
    }
    assert.equal(fs.existsSync(db), false);
    writeFile(root, 'migrations', 'not a folder\n');
    for (const command of ['status', 'up', 'verify', 'dry-run']) {
      const run = cli(root, [command]);
      assert.equal(run.code, 2, command);
      assert.match(run.stderr, /migrations: error: (.* )?is not a folder/, command);
    }
  });

  it('verify exits 2 on a database file that does not exist, and creates none', () => {
    const verify = cli(root, ['verify']);
    assert.equal(verify.code, 2);
    assert.match(verify.stderr, /app\.db: error: .*does not exist: there is nothing to verify/);
    // No checks passed on the empty stand-in: only the error.
    assert.doesNotMatch(verify.stdout, /✓/);
    assert.doesNotMatch(verify.stderr, /created by the first "up"/);
    const json = cliJson(root, ['verify']);
    assert.equal(json.code, 2);
    assert.deepEqual(json.json.checks ?? [], []);
    assert.equal(fs.existsSync(db), false);
    assert.equal(cli(root, ['up']).code, 0);
    assert.equal(cli(root, ['verify']).code, 0);
  });

  it('reads paths from .vscode/settings.json (JSON with comments)', () => {
    writeFile(root, '.vscode/settings.json', '{\n  // where the spec keeps things\n  "sqliteMigrations.databaseFile": "db/dash.db",\n  "sqliteMigrations.migrationsFolder": "migrations",\n}\n');
    assert.equal(cli(root, ['up']).code, 0);
    assert.equal(fs.existsSync(path.join(root, 'db', 'dash.db')), true);
    assert.equal(fs.existsSync(db), false);
  });

  it('creates the next numbered pair with new', () => {
    const run = cliJson(root, ['new', 'Add task priority', '--bump', 'major']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(path.basename(run.json.upPath), '003_add_task_priority.sql');
    assert.equal(run.json.version, '2.0.0');
    assert.match(fs.readFileSync(run.json.upPath, 'utf8'), /-- version: 2\.0\.0/);
    assert.equal(fs.existsSync(run.json.downPath), true);
  });

  const usage: [string, string[], RegExp][] = [
    ['unknown command', ['upp'], /unknown command "upp"/],
    ['bad number', ['up', '--to', 'x'], /--to takes a whole number/],
    ['conflicting targets', ['down', '--to', '1', '--steps', '2'], /only one of/],
    ['unknown flag', ['status', '--frobnicate'], /frobnicate/],
    ['new without description', ['new'], /needs a description/],
    ['bad bump', ['new', 'x', '--bump', 'huge'], /--bump must be/],
  ];
  for (const [name, args, message] of usage) {
    it(`exits 2 on bad usage: ${name}`, () => {
      const run = cli(root, args);
      assert.equal(run.code, 2);
      assert.match(run.stderr, message);
    });
  }

  it('on the sql.js engine, refuses a database with a non-empty -wal beside it and leaves it untouched', () => {
    assert.equal(cli(root, ['up', '--to', '1', '--engine', 'sqljs']).code, 0);
    const before = fs.readFileSync(db);
    fs.writeFileSync(db + '-wal', Buffer.alloc(4096, 1));
    const run = cli(root, ['up', '--engine', 'sqljs']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /-wal/);
    assert.deepEqual(fs.readFileSync(db), before);
    assert.equal(fs.statSync(db + '-wal').size, 4096);
  });

  it('stops a runaway migration at the time limit and leaves the file untouched', function () {
    this.timeout(30_000);
    assert.equal(cli(root, ['up']).code, 0);
    const before = fs.readFileSync(db);
    writeFile(root, 'migrations/003_forever.sql', 'CREATE TABLE t AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c;\n');
    const run = cli(root, ['up', '--time-limit', '2']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /did not finish within 2 s/);
    assert.deepEqual(fs.readFileSync(db), before);
  });

  it('stops a migration that grows without bound and leaves the file untouched', function () {
    this.timeout(60_000);
    assert.equal(cli(root, ['up']).code, 0);
    const before = fs.readFileSync(db);
    writeFile(root, 'migrations/003_grow.sql', 'CREATE TABLE blobs AS WITH RECURSIVE c(b) AS (SELECT randomblob(1000000) UNION ALL SELECT randomblob(1000000) FROM c) SELECT b FROM c;\n');
    const run = cli(root, ['up', '--time-limit', '5']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /did not finish within 5 s|out of memory|worker failed/);
    assert.deepEqual(fs.readFileSync(db), before);
  });

  it('dry-run reports the plan and leaves the file untouched', () => {
    assert.equal(cli(root, ['up', '--to', '1']).code, 0);
    const before = fs.readFileSync(db);
    const run = cli(root, ['dry-run']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /002_add_tags \(1\.1\.0\) would apply \(\d+ ms on the copy\)/);
    assert.match(run.stdout, /Tables created: tags/);
    assert.deepEqual(fs.readFileSync(db), before);
    assert.equal(cliJson(root, ['status']).json.migrations[1].status, 'pending');
  });

  it('says which engine ran: once in human output, as a top-level "engine" in JSON', () => {
    const human = cli(root, ['status']);
    assert.equal(human.code, 0, human.stderr);
    assert.equal(human.stdout.match(/^Engine: /gm)?.length, 1);
    assert.match(human.stdout, ENGINE === 'native' ? /^Engine: native \(node:sqlite/m : /^Engine: sql\.js/m);
    for (const command of ['status', 'up', 'verify', 'dry-run']) {
      assert.equal(cliJson(root, [command]).json.engine, ENGINE, command);
    }
    assert.equal(cliJson(root, ['status', '--engine', 'sqljs']).json.engine, 'sqljs');
  });

  it('--engine native fails with a clear error (exit 2) where node:sqlite is missing; --engine must be a known name', () => {
    const bad = cli(root, ['status', '--engine', 'fast']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--engine must be auto, native, sqljs, not "fast"/);
    const native = cli(root, ['up', '--engine', 'native']);
    if (ENGINE === 'native') {
      assert.equal(native.code, 0, native.stderr);
    } else {
      assert.equal(native.code, 2);
      assert.match(native.stderr, /native engine is not available here: Node [\d.]+ has no node:sqlite module/);
      assert.equal(fs.existsSync(db), false);
    }
  });

  it('backup and dry-run --down on a database that does not exist say so once, naming the file', () => {
    const backup = cli(root, ['backup']);
    assert.notEqual(backup.code, 0);
    assert.equal(backup.stderr.split(db).length - 1, 1, backup.stderr);
    assert.match(backup.stderr, /does not exist: there is nothing to back up\./);
    const dry = cli(root, ['dry-run', '--down']);
    assert.notEqual(dry.code, 0);
    assert.match(dry.stderr, /app\.db: error: does not exist: there is nothing to roll back\./);
    assert.doesNotMatch(dry.stderr, /Only 0/);
    assert.equal(fs.existsSync(db), false);
  });

  it('backs up, lists and restores', () => {
    assert.equal(cli(root, ['up', '--to', '1']).code, 0);
    const backup = cliJson(root, ['backup']);
    assert.equal(backup.code, 0);
    assert.equal(cli(root, ['up']).code, 0);
    const listed = cliJson(root, ['backups']).json.backups;
    assert.ok(listed.some((b: any) => b.path === backup.json.path));
    const restore = cli(root, ['restore', backup.json.path]);
    assert.equal(restore.code, 0, restore.stderr);
    assert.deepEqual(cliJson(root, ['status']).json.migrations.map((m: any) => m.status), ['applied', 'pending']);
  });
});
