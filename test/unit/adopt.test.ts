import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { resolveConfig } from '../../src/core/config';
import * as engine from '../../src/core/engine';
import { ENGINE } from './helpers/engines';
import { hasSqlite3, sqlite3 } from './helpers/sqlite3';
import { cli, makeWorkspace, removeWorkspace } from './helpers/workspace';

// An application database that had its schema before it had migrations: its monitor table has grown columns the
// first migration does not know. Applying 001 on top of it would rebuild the table into its first version.
const APP_SCHEMA = `
CREATE TABLE monitor (id INTEGER PRIMARY KEY, name TEXT NOT NULL, url TEXT, interval INTEGER, active INTEGER DEFAULT 1);
CREATE TABLE heartbeat (id INTEGER PRIMARY KEY, monitor_id INTEGER REFERENCES monitor(id), status INTEGER);
INSERT INTO monitor (name, url, interval) VALUES ('site', 'https://example.com', 60);
INSERT INTO heartbeat (monitor_id, status) VALUES (1, 1), (1, 0);
`;

const MIGRATIONS = {
  'migrations/001_monitor.sql': 'CREATE TABLE monitor_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\nINSERT INTO monitor_new SELECT id, name FROM monitor;\nDROP TABLE monitor;\nALTER TABLE monitor_new RENAME TO monitor;\n',
  'migrations/001_monitor.down.sql': 'SELECT 1;\n',
  'migrations/002_heartbeat_index.sql': 'CREATE INDEX idx_heartbeat_monitor ON heartbeat(monitor_id);\n',
  'migrations/002_heartbeat_index.down.sql': 'DROP INDEX idx_heartbeat_monitor;\n',
  'migrations/003_tags.sql': 'CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT);\n',
  'migrations/003_tags.down.sql': 'DROP TABLE tag;\n',
};

describe('adopting an existing database: the unmanaged-database refusal and baseline', () => {
  let root: string;
  let db: string;
  const config = () => resolveConfig(root, {});
  const columns = () => sqlite3(db, "SELECT group_concat(name, ',') FROM pragma_table_info('monitor');").trim();

  beforeEach(function () {
    if (!hasSqlite3()) this.skip();
    root = makeWorkspace(MIGRATIONS);
    db = config().databaseFile;
    fs.mkdirSync(path.dirname(db), { recursive: true });
    sqlite3(db, APP_SCHEMA);
  });
  afterEach(() => root && removeWorkspace(root));

  it('up refuses a database with tables of its own and no ledger, naming the count and baseline; nothing changes', async () => {
    const before = fs.readFileSync(db);
    const up = await engine.migrateUp(config(), {});
    assert.ok(!up.ok, 'up must refuse');
    assert.equal(up.error[0].code, 'unmanaged-database');
    assert.match(up.error[0].message, /has 2 tables of its own \(heartbeat, monitor\) but no schema_migrations table.*baseline.*--allow-existing-schema/);
    assert.deepEqual(fs.readFileSync(db), before);
    assert.equal(columns(), 'id,name,url,interval,active');
  });

  it("Litestream's own tables do not make a database unmanaged: no warning, and up runs 001 (sql.js refuses a replica)", async () => {
    fs.rmSync(db);
    sqlite3(db, 'CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER); CREATE TABLE _litestream_lock (id INTEGER);');
    const status = await engine.status(config());
    assert.ok(status.ok && !status.value.notes.some((n) => n.code === 'unmanaged-database'), JSON.stringify(status));
    const up = await engine.migrateUp(config(), {});
    if (ENGINE === 'sqljs') {
      // It would replace the file under Litestream: see litestream.test.ts.
      assert.ok(!up.ok && up.error.some((p) => p.code === 'db-replicated'), JSON.stringify(up));
      return;
    }
    assert.ok(up.ok, JSON.stringify(!up.ok && up.error));
    // 001 rebuilds a monitor table this database never had, so it runs and fails: what matters is that it ran.
    assert.equal(up.value.outcomes[0]?.name, '001_monitor');
    assert.equal(sqlite3(db, "SELECT status FROM schema_migrations WHERE version = '001';").trim(), 'failed');
  });

  it('status and dry-run say the same as a warning', async () => {
    const status = await engine.status(config());
    assert.ok(status.ok && status.value.notes.some((n) => n.code === 'unmanaged-database' && n.severity === 'warning'));
    const dry = await engine.dryRunUp(config(), {});
    assert.ok(dry.ok && dry.value.notes.some((n) => n.code === 'unmanaged-database' && n.severity === 'warning'));
  });

  it('--allow-existing-schema applies anyway (the user chose it)', async () => {
    const up = await engine.migrateUp(config(), { allowExistingSchema: true });
    assert.ok(up.ok && up.value.outcomes.every((o) => o.ok));
    assert.equal(columns(), 'id,name');
  });

  it('baseline records every migration as applied without running it, after a backup; then up has nothing to do', async () => {
    const baselined = await engine.baseline(config(), {});
    assert.ok(baselined.ok, JSON.stringify(!baselined.ok && baselined.error));
    // 001 rebuilds a table the database already has: on an empty one it cannot run, so nothing could be compared.
    assert.match(baselined.value.notes.find((n) => n.severity === 'warning')?.message ?? '', /^Recorded as asked, although whether its schema matches cannot be checked, because the migrations do not replay on an empty database: 001_monitor\.sql:2: no such table: monitor\b/);
    assert.ok(baselined.value.backup, 'a backup was made first');
    assert.deepEqual(baselined.value.states.map((s) => s.status), ['applied', 'applied', 'applied']);
    assert.equal(columns(), 'id,name,url,interval,active', 'nothing ran');
    const rows = sqlite3(db, "SELECT version, status, quote(execution_time_ms), length(checksum) FROM schema_migrations ORDER BY version;").trim();
    assert.equal(rows, '001|applied|NULL|64\n002|applied|NULL|64\n003|applied|NULL|64');
    const up = await engine.migrateUp(config(), {});
    assert.ok(up.ok && up.value.outcomes.length === 0);
  });

  it('baseline --to records up to that sequence; up then applies the rest', async () => {
    const baselined = await engine.baseline(config(), { to: 2 });
    assert.ok(baselined.ok);
    assert.deepEqual(baselined.value.states.map((s) => s.status), ['applied', 'applied', 'pending']);
    const up = await engine.migrateUp(config(), {});
    assert.ok(up.ok && up.value.outcomes.map((o) => o.name).join() === '003_tags');
    assert.equal(columns(), 'id,name,url,interval,active');
  });

  it('after a baseline --to, a baseline of the rest is refused when the migrations cannot be replayed to check it; nothing changes', async () => {
    assert.ok((await engine.baseline(config(), { to: 1 })).ok);
    const before = fs.readFileSync(db);
    const again = await engine.baseline(config(), {});
    assert.ok(!again.ok);
    assert.equal(again.error[0].code, 'baseline-unchecked');
    assert.match(again.error[0].message, /^Not recorded: whether the database has the schema that 002_heartbeat_index, 003_tags would produce cannot be checked, because replaying the migrations failed: .*001_monitor\.sql:2: no such table: monitor/);
    assert.deepEqual(fs.readFileSync(db), before);
  });

  it('baseline of a database that does not exist is refused', async () => {
    fs.rmSync(db);
    const r = await engine.baseline(config(), {});
    assert.ok(!r.ok && r.error[0].code === 'no-database');
    assert.equal(fs.existsSync(db), false);
  });

  it('the CLI: up exits 2 with the refusal; baseline exits 0 and says what it recorded; up --to with baseline is refused as usage', () => {
    const up = cli(root, ['up']);
    assert.equal(up.code, 2, up.stderr);
    assert.match(up.stderr, /sqlite-migrations baseline/);
    const base = cli(root, ['baseline', '--to', '2']);
    assert.equal(base.code, 0, base.stderr);
    assert.match(base.stdout, /Recorded 2 migrations as applied without running them: 001_monitor to 002_heartbeat_index\./);
    assert.equal(cli(root, ['baseline', '--steps', '1']).code, 2);
    assert.equal(cli(root, ['status', '--allow-existing-schema']).code, 2);
  });
});

/** Three migrations that replay on an empty database, for the baselines that compare schemas. */
const FILES = {
  'migrations/001_monitor.sql': 'CREATE TABLE monitor (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n',
  'migrations/001_monitor.down.sql': 'DROP TABLE monitor;\n',
  'migrations/002_monitor_name.sql': 'CREATE INDEX idx_monitor_name ON monitor(name);\n',
  'migrations/002_monitor_name.down.sql': 'DROP INDEX idx_monitor_name;\n',
  'migrations/003_tags.sql': 'CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT);\n',
  'migrations/003_tags.down.sql': 'DROP TABLE tag;\n',
};

// A database another tool migrated (Flyway, to V2 of three): its schema is exactly what the first two produce, and its
// own ledger table stays. A baseline of all three would record V3 as applied without its table ever being made.
describe('adopting a database another tool migrated: the baseline finds where its schema stands', () => {
  let root: string;
  let db: string;
  const config = () => resolveConfig(root, {});
  const FLYWAY = 'CREATE TABLE flyway_schema_history (installed_rank INT PRIMARY KEY, version TEXT, success INT); INSERT INTO flyway_schema_history VALUES (1, \'1\', 1), (2, \'2\', 1);';

  beforeEach(function () {
    if (!hasSqlite3()) this.skip();
    root = makeWorkspace(FILES);
    db = config().databaseFile;
    fs.mkdirSync(path.dirname(db), { recursive: true });
    sqlite3(db, `CREATE TABLE monitor (id INTEGER PRIMARY KEY, name TEXT NOT NULL); CREATE INDEX idx_monitor_name ON monitor(name); INSERT INTO monitor (name) VALUES ('site'); ${FLYWAY}`);
  });
  afterEach(() => root && removeWorkspace(root));

  it('a baseline past that point is refused, naming it and the --to to use; nothing changes', async () => {
    const before = fs.readFileSync(db);
    const all = await engine.baseline(config(), {});
    assert.ok(!all.ok, 'recording 003 would make up skip it');
    assert.equal(all.error[0].code, 'baseline-differs');
    assert.match(all.error[0].message, /^Not baselined: the database has the schema that the migrations up to 002_monitor_name produce, not up to 003_tags: table tag is missing from the database\. Run "sqlite-migrations baseline --to 2" /);
    assert.deepEqual(fs.readFileSync(db), before);
    const short = await engine.baseline(config(), { to: 1 });
    assert.ok(!short.ok && /up to 002_monitor_name produce, not up to 001_monitor: index idx_monitor_name exists in the database but in no migration/.test(short.error[0].message), JSON.stringify(short));
  });

  it('at that point it records them, with no warning; up then applies the rest and verify finds no drift', async () => {
    const two = await engine.baseline(config(), { to: 2 });
    assert.ok(two.ok, JSON.stringify(!two.ok && two.error));
    assert.deepEqual(two.value.notes.filter((n) => n.severity !== 'info'), []);
    const up = await engine.migrateUp(config(), {});
    assert.ok(up.ok && up.value.outcomes.map((o) => o.name).join() === '003_tags', JSON.stringify(up));
    const verify = await engine.verify(config(), {});
    assert.ok(verify.ok && verify.value.checks?.find((c) => c.name === 'schema_drift')?.ok, JSON.stringify(verify));
  });

  it('where no point matches (a column added by hand), it records what was asked and says the differences as a warning', async () => {
    sqlite3(db, 'ALTER TABLE monitor ADD COLUMN url TEXT;');
    const run = cli(root, ['baseline', '--to', '2']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: Recorded as asked, although its schema differs from what the migrations up to 002_monitor_name produce: column monitor\.url exists in the database but in no migration\./);
    assert.match(run.stdout, /Recorded 2 migrations as applied without running them/);
  });
});

// A database the migrations manage, changed by hand and then written down as migrations (New Migration from Drift):
// a baseline records the pending ones without running them, when the database already has what they produce.
describe('baseline on a managed database: pending migrations its schema already has', () => {
  let root: string;
  let db: string;
  const config = () => resolveConfig(root, {});

  beforeEach(async function () {
    if (!hasSqlite3()) this.skip();
    root = makeWorkspace(FILES);
    db = config().databaseFile;
    assert.ok((await engine.migrateUp(config(), { to: 1 })).ok);
    sqlite3(db, "INSERT INTO monitor (name) VALUES ('site'); CREATE INDEX idx_monitor_name ON monitor(name);");
  });
  afterEach(() => root && removeWorkspace(root));

  it('records the one whose schema the database has, without running it; the drift check then passes', async () => {
    const two = await engine.baseline(config(), { to: 2 });
    assert.ok(two.ok, JSON.stringify(!two.ok && two.error));
    assert.deepEqual(two.value.states.map((s) => s.status), ['applied', 'applied', 'pending']);
    assert.match(two.value.notes.map((n) => n.message).join('\n'), /Recorded 1 migration as applied without running it: 002_monitor_name\./);
    assert.equal(sqlite3(db, 'SELECT execution_time_ms IS NULL, status FROM schema_migrations WHERE version = \'002\';').trim(), '1|applied');
    const verify = await engine.verify(config(), {});
    assert.ok(verify.ok);
    assert.equal(verify.value.checks?.find((c) => c.name === 'schema_drift')?.ok, true, JSON.stringify(verify.value.checks));
    const again = await engine.baseline(config(), { to: 2 });
    assert.ok(!again.ok && again.error[0].code === 'nothing-to-baseline', JSON.stringify(again));
    assert.match(again.error[0].message, /Every migration up to sequence 2 is already applied/);
  });

  it('is refused while the database lacks what one of them produces, naming the difference; nothing changes', async () => {
    const before = fs.readFileSync(db);
    const all = await engine.baseline(config(), {});
    assert.ok(!all.ok);
    assert.equal(all.error[0].code, 'baseline-differs');
    assert.match(all.error[0].message, /^Not recorded: the database does not have the schema that 002_monitor_name, 003_tags would produce, so recording them as applied would be untrue: [^]*table tag[^]*\.$/);
    assert.deepEqual(fs.readFileSync(db), before);
    const backups = config().backupsFolder;
    assert.deepEqual(fs.existsSync(backups) ? fs.readdirSync(backups) : [], [], 'the backup of the refused baseline was not kept');
  });

  it('a migration that failed to apply here (its column already exists) can be recorded once the schema matches', async () => {
    fs.writeFileSync(path.join(root, 'migrations', '002_monitor_name.sql'), 'ALTER TABLE monitor ADD COLUMN url TEXT;\n');
    sqlite3(db, 'DROP INDEX idx_monitor_name; ALTER TABLE monitor ADD COLUMN url TEXT;');
    const up = await engine.migrateUp(config(), { to: 2 });
    assert.ok(!up.ok || up.value.outcomes.some((o) => !o.ok), 'the ADD COLUMN fails on the database that has the column');
    const two = await engine.baseline(config(), { to: 2 });
    assert.ok(two.ok, JSON.stringify(!two.ok && two.error));
    assert.deepEqual(two.value.states.map((s) => s.status), ['applied', 'applied', 'pending']);
  });
});
