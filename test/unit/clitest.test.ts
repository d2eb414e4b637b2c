// `sqlite-migrations test` through the bundled CLI: exit codes, the human report, --json and --junit.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENGINE } from './helpers/engines';
import { cli, cliJson, sqlite3, workspacesPerTest } from './helpers/workspace';

const BASE = {
  'migrations/001_t.sql': 'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\nCREATE INDEX idx_t_v ON t(v);',
  'migrations/001_t.down.sql': 'DROP TABLE t;',
  'migrations/001_t.test.sql': "INSERT INTO t VALUES (1, 'a');\n-- expect: 1\nSELECT count(*) FROM t;\n-- expect-plan: idx_t_v\nSELECT id FROM t WHERE v = 'a';",
};

describe('cli test', () => {
  const ws = workspacesPerTest();

  it('exits 0 when every test and reversibility check passes, and never creates the database file', () => {
    const root = ws(BASE);
    const run = cli(root, ['test']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /pass {2}001_t\.test\.sql:3 {2}expect: 1/);
    assert.match(run.stdout, /pass {2}001_t {2}reversible/);
    assert.match(run.stdout, /3 of 3 passed\.\nEngine: (native \(node:sqlite, Node \d+\.\d+\.\d+\)|sql\.js \(SQLite in WebAssembly\)) \(a scratch in-memory/);
    assert.equal(fs.existsSync(path.join(root, 'data', 'app.db')), false);
  });

  it('exits 1 on a failed assertion, naming the file, line, expected and actual', () => {
    const root = ws({ ...BASE, 'migrations/001_t.test.sql': "-- expect: 5\nSELECT count(*) FROM t;" });
    const run = cli(root, ['test']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /FAIL {2}001_t\.test\.sql:2 {2}expect: 5\n {8}expected: 5\n {8}actual: {3}0/);
  });

  it('exits 1 on a down file that leaves an index, in plain words', () => {
    const root = ws({ ...BASE, 'migrations/002_i.sql': 'CREATE INDEX idx_t_id_v ON t(id, v);', 'migrations/002_i.down.sql': '-- forgot it' });
    const run = cli(root, ['test']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /002_i\.down\.sql leaves index idx_t_id_v/);
  });

  it('exits 2 on a test file with an unknown annotation, naming file:line', () => {
    const root = ws({ ...BASE, 'migrations/001_t.test.sql': 'SELECT 1;\n-- expect-colums: 2\nSELECT 1;' });
    const run = cli(root, ['test']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /001_t\.test\.sql:2: error: unknown annotation "-- expect-colums"/);
    // The same closing lines as any other run: the count, the problem, and the engine.
    assert.match(run.stdout, /1 of 1 passed; 1 problem stopped the tests \(see above\)\.\nEngine: /);
  });

  it('exits 1 on a migration that cannot be applied, listing and counting it with SQLite\'s message', () => {
    const root = ws({ ...BASE, 'migrations/002_dropmail.sql': 'SELECT 1;\n\nALTER TABLE t DROP COLUMN nope;' });
    const run = cli(root, ['test']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /FAIL {2}002_dropmail {2}could not be applied: 002_dropmail\.sql:3: no such column: "?nope"?/);
    assert.match(run.stdout, /3 of 4 passed, 1 failed\.\nEngine: /);
    assert.doesNotMatch(run.stdout, /4 of 4 passed/);
    assert.doesNotMatch(run.stderr, /nope/, 'said once, as its FAIL line');
  });

  it('--junit puts a migration that cannot be applied in its own suite, and a stopped run in its migration\'s', () => {
    const root = ws({ ...BASE, 'migrations/002_dropmail.sql': 'SELECT 1;\n\nALTER TABLE t DROP COLUMN nope;' });
    assert.equal(cli(root, ['test', '--junit', 'junit.xml']).code, 1);
    const xml = fs.readFileSync(path.join(root, 'junit.xml'), 'utf8');
    assert.match(xml, /<testsuite name="002_dropmail" tests="1" failures="1" skipped="0">\n {4}<testcase name="applies" classname="002_dropmail" file="[^"]+002_dropmail\.sql" line="3"><failure message="002_dropmail\.sql:3: no such column/);
    assert.doesNotMatch(xml, /name="sqlite-migrations"/);
    const stopped = ws({ ...BASE, 'migrations/002_two.sql': 'CREATE TABLE a (x);\nCREATE TABLE b (x);', 'migrations/002_two.down.sql': 'DROP TABLE a;', 'migrations/003_c.sql': 'CREATE TABLE c (x);' });
    assert.equal(cli(stopped, ['test', '--junit', 'junit.xml']).code, 1);
    const twoXml = fs.readFileSync(path.join(stopped, 'junit.xml'), 'utf8');
    assert.match(twoXml, /<testcase name="applies again after its down file" classname="002_two"[^>]*><failure message="Stopped after 002_two/);
    assert.doesNotMatch(twoXml, /name="sqlite-migrations"/);
  });

  it('gives a module sql.js lacks the hint "up" gives, not SQLite\'s bare "no such module"', () => {
    const root = ws({ ...BASE, 'migrations/002_search.sql': 'CREATE VIRTUAL TABLE s USING fts5(body);\n', 'migrations/002_search.down.sql': 'DROP TABLE s;\n' });
    const run = cli(root, ['test', '--engine', 'sqljs']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /FAIL {2}002_search {2}could not be applied: 002_search\.sql:1: needs the SQLite module fts5 \(CREATE VIRTUAL TABLE s USING fts5\), which this engine lacks; .*the native engine \(node:sqlite on Node 22\.16 or later\) has it/);
    assert.doesNotMatch(run.stdout, /no such module/);
  });

  it('says why a migration could not be applied again after its down file when it stops the run', () => {
    const root = ws({
      ...BASE,
      'migrations/002_two.sql': 'CREATE TABLE a (x);\nCREATE TABLE b (x);',
      'migrations/002_two.down.sql': 'DROP TABLE a;',
      'migrations/003_c.sql': 'CREATE TABLE c (x);',
    });
    const run = cli(root, ['test']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /FAIL {2}002_two {2}Stopped after 002_two: it could not be applied again after its down file \(002_two\.sql:2: table "?b"? already exists.*\), so the 1 later migration was not tested\./);
  });

  it('exits 2 without a migrations folder, and on --junit given to another command', () => {
    assert.equal(cli(ws({}), ['test']).code, 2);
    const run = cli(ws(BASE), ['status', '--junit', 'x.xml']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--junit only applies to "test"/);
  });

  it('--json prints the engine, every assertion and every reversibility check', () => {
    const root = ws({ ...BASE, 'migrations/001_t.test.sql': "-- expect-rows: 0\nSELECT * FROM t;\n-- expect-error: NOT NULL\nINSERT INTO t VALUES (1, 'x');" });
    const { code, json } = cliJson(root, ['test']);
    assert.equal(code, 1);
    assert.equal(json.engine, ENGINE, 'auto picks native where this Node has node:sqlite');
    assert.deepEqual(json.tests, [
      { migration: '001_t', file: path.join(root, 'migrations', '001_t.test.sql'), line: 2, name: 'expect-rows: 0', status: 'passed', expected: '0 rows', actual: '0 rows' },
      { migration: '001_t', file: path.join(root, 'migrations', '001_t.test.sql'), line: 4, name: 'expect-error: NOT NULL', status: 'failed', expected: 'an error containing "NOT NULL"', actual: 'no error' },
    ]);
    assert.deepEqual(json.reversibility, [{ migration: '001_t', status: 'passed', differences: [] }]);
  });

  it('--junit writes JUnit XML with a failure at the test line and the reversibility case', () => {
    const root = ws({ ...BASE, 'migrations/001_t.test.sql': "-- expect: <a & b>\nSELECT 'x';", 'migrations/002_i.sql': 'CREATE VIEW v AS SELECT 1;', 'migrations/002_i.down.sql': '' });
    const run = cli(root, ['test', '--junit', 'reports/junit.xml']);
    assert.equal(run.code, 1, run.stderr);
    const xml = fs.readFileSync(path.join(root, 'reports', 'junit.xml'), 'utf8');
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="sqlite-migrations test" tests="3" failures="2">/);
    assert.match(xml, /<testsuite name="001_t" tests="2" failures="1" skipped="0">/);
    assert.match(xml, /<testcase name="001_t\.test\.sql:2 expect: &lt;a &amp; b&gt;" classname="001_t" file="[^"]+001_t\.test\.sql" line="2"><failure message="expected: &lt;a &amp; b&gt;">expected: &lt;a &amp; b&gt;\nactual: x<\/failure><\/testcase>/);
    assert.match(xml, /<testcase name="reversible" classname="001_t"\/>/);
    assert.match(xml, /<testcase name="reversible" classname="002_i"><failure message="002_i\.down\.sql leaves view v">/);
  });

  it('up runs each test file before COMMIT: a passing test leaves no rows, a failing one fails the migration at its line', () => {
    const root = ws({ ...BASE, 'migrations/002_u.sql': 'CREATE UNIQUE INDEX idx_t_v_unique ON t(v);', 'migrations/002_u.down.sql': 'DROP INDEX idx_t_v_unique;', 'migrations/002_u.test.sql': "-- expect-error: UNIQUE\nINSERT INTO t VALUES (9, 'same'), (10, 'same');\n-- expect: 0\nSELECT count(*) FROM t;" });
    const up = cliJson(root, ['up']);
    assert.equal(up.code, 0, JSON.stringify(up.json.outcomes));
    const db = path.join(root, 'data', 'app.db');
    assert.equal(sqlite3(db, 'SELECT count(*) FROM t;').trim(), '0', "001's test inserted a row inside the migration's transaction; it must not be committed");

    const failing = ws({ ...BASE, 'migrations/001_t.test.sql': "SELECT 1;\n-- expect: 7\nSELECT count(*) FROM t;" });
    const run = cli(failing, ['up']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /001_t\.test\.sql:3: .*expect: 7: expected 7, actual 0; 001_t was rolled back/);
    const failedDb = path.join(failing, 'data', 'app.db');
    assert.equal(sqlite3(failedDb, "SELECT count(*) FROM sqlite_schema WHERE name = 't';").trim(), '0', 'the migration was rolled back');
    assert.equal(sqlite3(failedDb, 'SELECT status FROM schema_migrations;').trim(), 'failed');

    const dry = cli(failing, ['dry-run']);
    assert.equal(dry.code, 1, 'a dry run runs the tests too');
    const skipped = cli(failing, ['up', '--skip-tests']);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.equal(sqlite3(failedDb, 'SELECT status FROM schema_migrations;').trim(), 'applied');
    assert.equal(cli(failing, ['status', '--skip-tests']).code, 2);
  });

  it("verify runs the newest applied migration's test file against the database, rolled back", () => {
    const root = ws(BASE);
    assert.equal(cli(root, ['up']).code, 0);
    const db = path.join(root, 'data', 'app.db');
    const passing = cliJson(root, ['verify']);
    assert.equal(passing.code, 0, JSON.stringify(passing.json.checks));
    assert.equal(passing.json.checks.find((c: any) => c.name === 'migration_tests').ok, true);
    sqlite3(db, "INSERT INTO t VALUES (5, 'kept');");
    const failing = cliJson(root, ['verify']);
    assert.equal(failing.code, 1);
    const check = failing.json.checks.find((c: any) => c.name === 'migration_tests');
    assert.deepEqual(check, { name: 'migration_tests', ok: false, detail: '001_t.test.sql:3: expect: 1: expected 1, actual 2' });
    assert.equal(sqlite3(db, 'SELECT group_concat(id) FROM t;').trim(), '5', "the test's own INSERT was rolled back");
  });

  it('--engine chooses where the scratch replay runs, with the same results on both engines', () => {
    const root = ws({ ...BASE, 'migrations/002_i.sql': 'CREATE INDEX idx_t_id_v ON t(id, v);', 'migrations/002_i.down.sql': '-- forgot it', 'migrations/002_i.test.sql': "-- expect: 7\nSELECT count(*) FROM t;" });
    const sqljs = cliJson(root, ['test', '--engine', 'sqljs']);
    assert.equal(sqljs.json.engine, 'sqljs');
    assert.equal(sqljs.code, 1);
    const mine = cliJson(root, ['test', '--engine', ENGINE]);
    assert.equal(mine.json.engine, ENGINE);
    assert.equal(mine.code, 1);
    assert.deepEqual(mine.json.tests, sqljs.json.tests);
    assert.deepEqual(mine.json.reversibility, sqljs.json.reversibility);
    assert.deepEqual(mine.json.reversibility.map((r: any) => r.status), ['passed', 'failed']);
    assert.match(cli(root, ['test', '--engine', ENGINE]).stdout, new RegExp(`Engine: ${ENGINE === 'native' ? 'native \\(node:sqlite, Node [\\d.]+\\)' : 'sql\\.js \\(SQLite in WebAssembly\\)'} \\(a scratch in-memory database; the database file was not opened\\)`));
    assert.equal(fs.existsSync(path.join(root, 'data', 'app.db')), false);
  });

  it('--from-db tests the pending migrations on a copy of the database as it is, and never writes the file', () => {
    const root = ws({
      ...BASE,
      'migrations/002_c.sql': "ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT 'x';",
      'migrations/002_c.down.sql': 'ALTER TABLE t DROP COLUMN c;',
      // Passes only on the real data: one row is there before 002 runs.
      'migrations/002_c.test.sql': "-- expect: 1\nSELECT count(*) FROM t WHERE c = 'x';\n-- expect-plan: idx_t_v\nSELECT id FROM t WHERE v = 'kept';",
    });
    assert.equal(cli(root, ['up', '--to', '1']).code, 0);
    const db = path.join(root, 'data', 'app.db');
    sqlite3(db, "INSERT INTO t VALUES (1, 'kept');");
    const bytes = fs.readFileSync(db);
    const mtime = fs.statSync(db).mtimeMs;

    const fromDb = cliJson(root, ['test', '--from-db']);
    assert.equal(fromDb.code, 0, JSON.stringify(fromDb.json));
    assert.equal(fromDb.json.engine, ENGINE);
    assert.deepEqual(fromDb.json.tests.map((t: any) => [t.migration, t.line, t.status]), [['002_c', 2, 'passed'], ['002_c', 4, 'passed']], 'only the pending migration is tested');
    assert.deepEqual(fromDb.json.reversibility, [{ migration: '002_c', status: 'passed', differences: [] }]);
    assert.match(cli(root, ['test', '--from-db']).stdout, /3 of 3 passed\.\n.*\(a scratch copy of the database; the database file was only read\)/);

    // From empty the same test fails: the row is only in the database.
    const fromEmpty = cliJson(root, ['test']);
    assert.equal(fromEmpty.code, 1);
    assert.deepEqual(fromEmpty.json.tests.find((t: any) => t.migration === '002_c' && t.line === 2).actual, '0');

    assert.ok(fs.readFileSync(db).equals(bytes), 'the database file is byte for byte as it was');
    assert.equal(fs.statSync(db).mtimeMs, mtime);
    assert.deepEqual(fs.readdirSync(path.dirname(db)).sort(), ['app.db'], 'no journal, WAL, lock or backup was left beside it');
    assert.equal(sqlite3(db, 'SELECT group_concat(version) FROM schema_migrations;').trim(), '001', '002 is still pending');
    assert.equal(sqlite3(db, "SELECT count(*) FROM pragma_table_info('t') WHERE name = 'c';").trim(), '0');
  });

  it('--from-db on a database that does not exist yet tests every migration from empty and creates nothing', () => {
    const root = ws(BASE);
    const run = cliJson(root, ['test', '--from-db']);
    assert.equal(run.code, 0, JSON.stringify(run.json));
    assert.equal(run.json.tests.length, 2);
    assert.equal(fs.existsSync(path.join(root, 'data')), false);
    assert.match(cli(root, ['status', '--from-db']).stderr, /--from-db only applies to "test"/);
  });

  it('the setting sqliteMigrations.runTestsBeforeCommit: false applies without the tests, like --skip-tests', () => {
    const failing = { ...BASE, 'migrations/001_t.test.sql': '-- expect: 7\nSELECT count(*) FROM t;' };
    const on = ws({ ...failing, '.vscode/settings.json': '{ "sqliteMigrations.runTestsBeforeCommit": true }' });
    assert.equal(cli(on, ['up']).code, 1, 'on: the failing test fails the migration');
    const off = ws({ ...failing, '.vscode/settings.json': '{ // tests run in CI instead\n "sqliteMigrations.runTestsBeforeCommit": false }' });
    assert.equal(cli(off, ['dry-run']).code, 0, 'off: the dry run skips them too');
    const up = cli(off, ['up']);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(sqlite3(path.join(off, 'data', 'app.db'), 'SELECT status FROM schema_migrations;').trim(), 'applied');
    assert.equal(cli(off, ['test']).code, 1, '"test" itself still runs them');
    const bad = cli(ws({ ...BASE, '.vscode/settings.json': '{ "sqliteMigrations.runTestsBeforeCommit": "no" }' }), ['up']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /settings\.json: error: "sqliteMigrations\.runTestsBeforeCommit" must be true or false/);
  });

  it('new --test also writes NAME.test.sql from the template; "test" accepts it as it is', () => {
    const root = ws(BASE);
    const run = cli(root, ['new', 'add tags', '--test']);
    assert.equal(run.code, 0, run.stderr);
    const testFile = path.join(root, 'migrations', '002_add_tags.test.sql');
    assert.match(run.stdout, /002_add_tags\.test\.sql/);
    assert.match(fs.readFileSync(testFile, 'utf8'), /^-- -- expect-error: /m);
    const tested = cliJson(root, ['test']);
    assert.equal(tested.code, 0, JSON.stringify(tested.json));
    assert.equal(cli(root, ['new', 'more']).code, 0);
    assert.equal(fs.existsSync(path.join(root, 'migrations', '003_more.test.sql')), false, 'no test file unless asked');
    assert.match(cli(root, ['up', '--test']).stderr, /--test only applies to "new"/);
  });
});
