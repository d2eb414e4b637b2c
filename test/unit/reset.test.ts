import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { confirmReset } from '../../src/cli/reset';
import { ENGINE } from './helpers/engines';
import { hasSqlite3 } from './helpers/sqlite3';
import { cli, cliJson, makeWorkspace, removeWorkspace, sqlite3, writeFile } from './helpers/workspace';

// `reset --from-schema` through the bundled CLI, on the engine under test (the native run uses Node 24).
const FILES = {
  'migrations/001_tasks.sql': '-- version: 1.0.0\nCREATE TABLE tasks (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL);\nCREATE INDEX idx_tasks_title ON tasks(title);\n',
  'migrations/001_tasks.down.sql': 'DROP TABLE tasks;\n',
  'migrations/002_tags.sql': '-- version: 1.1.0\nCREATE TABLE tags (task_id INTEGER NOT NULL REFERENCES tasks(id), tag TEXT NOT NULL, PRIMARY KEY (task_id, tag)) WITHOUT ROWID;\n' +
    'CREATE VIEW tagged AS SELECT t.title, g.tag FROM tasks t JOIN tags g ON g.task_id = t.id;\n' +
    'CREATE TRIGGER tasks_gone AFTER DELETE ON tasks BEGIN DELETE FROM tags WHERE task_id = old.id; END;\n',
  'migrations/002_tags.down.sql': 'DROP TRIGGER tasks_gone;\nDROP VIEW tagged;\nDROP TABLE tags;\n',
  'migrations/003_notes.sql': '-- version: 1.2.0\nALTER TABLE tasks ADD COLUMN notes TEXT;\n',
  'migrations/003_notes.down.sql': 'ALTER TABLE tasks DROP COLUMN notes;\n',
};

const SCHEMA_OBJECTS = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'schema_migrations%' ORDER BY type, name;";

describe(`sqlite-migrations reset --from-schema (${ENGINE})`, function () {
  let root: string;
  let db: string;
  let backups: string;
  before(function () {
    if (!hasSqlite3()) this.skip();
  });
  beforeEach(() => {
    root = makeWorkspace(FILES);
    db = path.join(root, 'data', 'app.db');
    backups = path.join(root, 'data', 'backups');
  });
  afterEach(() => removeWorkspace(root));

  /** Migrated to 002, the schema file written, then rows and an index added by hand. */
  function migratedWithRows(): void {
    assert.equal(cli(root, ['up', '--to', '2']).code, 0);
    sqlite3(db, "INSERT INTO tasks (title) VALUES ('secret plan'); INSERT INTO tags VALUES (1, 'x'); CREATE INDEX idx_by_hand ON tags(tag);");
  }

  const backupFiles = () => (fs.existsSync(backups) ? fs.readdirSync(backups) : []);

  it('recreates the database from schema.sql: the schema a fresh migration gives, no rows, the baseline rows, a backup of the old file', () => {
    migratedWithRows();
    const before = backupFiles();
    const run = cli(root, ['reset', '--from-schema', '--yes']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Recreated the database from .*schema\.sql and recorded its 2 migrations up to 002_tags as applied\./);
    const backup = /Backup: (.*)/.exec(run.stdout)?.[1];
    assert.ok(backup && fs.existsSync(backup), run.stdout);
    assert.deepEqual(backupFiles().length, before.length + 1);
    assert.equal(sqlite3(backup, 'SELECT title FROM tasks;'), 'secret plan\n');

    const fresh = path.join(root, 'fresh.db');
    assert.equal(cli(root, ['up', '--to', '2', '--db', fresh]).code, 0);
    assert.equal(sqlite3(db, SCHEMA_OBJECTS), sqlite3(fresh, SCHEMA_OBJECTS));
    assert.equal(sqlite3(db, 'SELECT count(*) FROM tasks; SELECT count(*) FROM tags;'), '0\n0\n');
    assert.doesNotMatch(fs.readFileSync(db).toString('latin1'), /secret plan/);
    assert.equal(sqlite3(db, "SELECT version, status, execution_time_ms IS NULL FROM schema_migrations ORDER BY id;"), '1.0.0|applied|1\n1.1.0|applied|1\n');
    assert.equal(sqlite3(db, "SELECT name FROM schema_migrations_sql ORDER BY version;"), '001_tasks\n002_tags\n');
    const verify = cliJson(root, ['verify']);
    assert.equal(verify.code, 0, JSON.stringify(verify.json.checks));
    // 002's trigger deletes rows in its body, but creating it writes none: no warning about rows.
    assert.doesNotMatch(run.stderr, /schema only/);
    // The baseline stops at the header's version: the rest is pending, and applies.
    assert.match(cli(root, ['status']).stdout, /003 +1\.2\.0 +pending/);
    assert.equal(cli(root, ['up']).code, 0);
  });

  it('refuses a schema file of another state than the database\'s ledger (forward or back), changing nothing', () => {
    migratedWithRows();
    // The schema at 1.2.0, written from another database (another environment's, sharing the schema file).
    const other = path.join(root, 'other.db');
    assert.equal(cli(root, ['up', '--db', other]).code, 0);
    const later = path.join(root, 'later.sql');
    assert.equal(cli(root, ['schema', '--db', other, '--out', later]).code, 0);
    const bytes = fs.readFileSync(db);
    const before = backupFiles();
    const forward = cli(root, ['reset', '--from-schema', '--schema', later, '--yes']);
    assert.equal(forward.code, 2, forward.stdout);
    assert.match(forward.stderr, /later\.sql: error: is the schema at version 1\.2\.0 \(003_notes\), but the database's ledger differs: the reset would record 003_notes as applied, which the database never ran\. Nothing was changed\./);
    // And back: the database at 1.2.0, the schema file at 1.1.0.
    const earlier = path.join(root, 'earlier.sql');
    assert.equal(cli(root, ['schema', '--out', earlier]).code, 0);
    assert.equal(cli(root, ['up']).code, 0);
    const moved = fs.readFileSync(db);
    const back = cli(root, ['reset', '--from-schema', '--schema', earlier, '--yes']);
    assert.equal(back.code, 2, back.stdout);
    assert.match(back.stderr, /would drop the record of version 1\.2\.0, which the database has applied/);
    assert.deepEqual(fs.readFileSync(db), moved);
    assert.notDeepEqual(moved, bytes);
    assert.equal(backupFiles().length, before.length + 1, 'only the backup of the "up" in between');
  });

  it('a recorded migration that writes rows (a seed): a warning names it and the backup holding its rows', () => {
    writeFile(root, 'migrations/002_tags.sql', "-- version: 1.1.0\nWITH t(x) AS (SELECT 'demo') INSERT INTO tasks (title) SELECT x FROM t;\n");
    writeFile(root, 'migrations/002_tags.down.sql', "DELETE FROM tasks WHERE title = 'demo';\n");
    writeFile(root, 'migrations/003_notes.sql', "-- version: 1.2.0\nALTER TABLE tasks ADD COLUMN notes TEXT;\nUPDATE tasks SET notes = 'n';\n");
    assert.equal(cli(root, ['up']).code, 0);
    const run = cli(root, ['reset', '--from-schema', '--yes']);
    assert.equal(run.code, 0, run.stderr);
    const backup = /Backup: (.*)/.exec(run.stdout)?.[1];
    assert.ok(backup && fs.existsSync(backup), run.stdout);
    const escaped = backup.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(run.stderr, new RegExp(`warning: The rebuilt database has the schema only: rows that 002_tags\\.sql and 003_notes\\.sql write are not in it; restore them from the backup ${escaped} or re-run their statements\\.`));
    assert.equal(sqlite3(backup, 'SELECT title, notes FROM tasks;'), 'demo|n\n');
    assert.equal(sqlite3(db, 'SELECT count(*) FROM tasks;'), '0\n');
  });

  it('without --yes and without a terminal it refuses (exit 2) and changes nothing, not even a backup', () => {
    migratedWithRows();
    const before = backupFiles();
    const bytes = fs.readFileSync(db);
    const run = cli(root, ['reset', '--from-schema']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /error: Not reset: this replaces .*app\.db with an empty database built from .*schema\.sql; run it in a terminal to type the database file's name, or pass --yes\. Nothing was changed\./);
    assert.deepEqual(fs.readFileSync(db), bytes);
    assert.deepEqual(backupFiles(), before);
    assert.match(cli(root, ['reset']).stderr, /"reset" needs --from-schema/);
    assert.match(cli(root, ['status', '--yes']).stderr, /--yes only applies to "up", "down", "baseline", "restore", "accept-checksum" and "reset"/);
  });

  it('the typed confirmation goes on only with the database file\'s name', async () => {
    const asked: string[] = [];
    const ask = (answer: string) => async (q: string) => {
      asked.push(q);
      return answer;
    };
    assert.equal(await confirmReset('/w/data/app.db', '/w/schema.sql', false, ask('app.db\n')), undefined);
    assert.match(asked[0], /Type the database file's name \(app\.db\) to go on: $/);
    const wrong = await confirmReset('/w/data/app.db', '/w/schema.sql', false, ask('yes'));
    assert.equal(wrong?.message, 'Not reset: "yes" is not the database file\'s name (app.db). Nothing was changed.');
    assert.equal(await confirmReset('/w/data/app.db', '/w/schema.sql', true, undefined), undefined);
    assert.equal((await confirmReset('/w/data/app.db', '/w/schema.sql', false, undefined))?.code, 'reset-unconfirmed');
  });

  it('a schema file without our header, naming an unknown version, with a statement that fails or is not a CREATE: file:line, exit 2, nothing changed', () => {
    migratedWithRows();
    const schema = fs.readFileSync(path.join(root, 'schema.sql'), 'utf8');
    const bytes = fs.readFileSync(db);
    const before = backupFiles();
    const cases: [string, string, RegExp][] = [
      ['theirs.sql', '-- dbmate schema dump\nCREATE TABLE tasks (id INTEGER PRIMARY KEY);\n', /theirs\.sql:1: error: has no header naming the version it was produced at .*; nothing was changed\./],
      ['unknown.sql', schema.replace('version 1.1.0', 'version 9.9.9'), /unknown\.sql:1: error: the header names version 9\.9\.9, which no migration in the migrations folder has; nothing was changed\./],
      ['failing.sql', schema + '\nCREATE INDEX idx_nope ON no_such_table(x);\n', new RegExp(`failing\\.sql:${schema.split('\n').length + 1}: error: .*no such table.*; nothing was changed\\.`)],
      ['insert.sql', schema + "\nINSERT INTO tasks (title) VALUES ('x');\n", new RegExp(`insert\\.sql:${schema.split('\n').length + 1}: error: only CREATE statements belong in a schema file, not "INSERT INTO tasks`)],
    ];
    for (const [name, text, message] of cases) {
      writeFile(root, name, text);
      const run = cli(root, ['reset', '--from-schema', '--yes', '--schema', name]);
      assert.equal(run.code, 2, `${name}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.deepEqual(fs.readFileSync(db), bytes, name);
      assert.deepEqual(backupFiles(), before, name);
    }
    const missing = cli(root, ['reset', '--from-schema', '--yes', '--schema', 'nowhere.sql']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nowhere\.sql: error: does not exist \("sqlite-migrations schema --out .*nowhere\.sql" writes it from the migrations\); nothing was changed\./);
  });

  it('a schema file that no longer matches its migrations is rebuilt as it is, with a warning naming the difference', () => {
    assert.equal(cli(root, ['up', '--to', '2']).code, 0);
    const file = path.join(root, 'schema.sql');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8') + '\nCREATE INDEX idx_extra ON tags(tag);\n');
    const run = cli(root, ['reset', '--from-schema', '--yes']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /schema\.sql: warning: differs from what the migrations it names produce: index idx_extra exists in the database but in no migration\./);
    assert.equal(sqlite3(db, "SELECT name FROM sqlite_master WHERE name = 'idx_extra';"), 'idx_extra\n');
  });

  it('keeps Litestream\'s tables and works on a database in WAL mode (native: sql.js refuses a database Litestream replicates)', function () {
    if (ENGINE === 'sqljs') this.skip();
    migratedWithRows();
    sqlite3(db, 'PRAGMA journal_mode = WAL; CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER); INSERT INTO _litestream_seq VALUES (1, 7);');
    const run = cli(root, ['reset', '--from-schema', '--yes']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(sqlite3(db, 'SELECT seq FROM _litestream_seq; SELECT count(*) FROM tasks;'), '7\n0\n');
  });
});
