// Migration test files (NAME.test.sql) and reversibility checks, on the engine under test: the annotations
// passing and failing, the savepoint that undoes every test, and down files that leave something behind.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scalar, type Connection } from '../../src/core/engine/connection';
import { discoverMigrations } from '../../src/core/migrations/catalog';
import { parseTestFile } from '../../src/core/testing/parse';
import { runTestFile, type TestResult } from '../../src/core/testing/run';
import { runSuite } from '../../src/core/testing/suite';
import { openEmpty, removeTempDatabases } from './helpers/engines';
import { workspacesPerTest } from './helpers/workspace';

const ctx = { now: () => new Date('2025-10-19T14:30:00Z'), clock: () => 0 };

function parsed(text: string) {
  const p = parseTestFile(text, '/w/001_x.test.sql', '001_x.test.sql');
  if (!p.ok) assert.fail(p.error.message);
  return p.value;
}

function parseError(text: string): string {
  const p = parseTestFile(text, '/w/001_x.test.sql', '001_x.test.sql');
  assert.equal(p.ok, false, 'parsed');
  return p.ok ? '' : p.error.message;
}

describe('migration test files: parsing', () => {
  it('reads statements with their annotation and line; prose comments are not annotations', () => {
    const t = parsed('-- Expected: anything\nCREATE TABLE a(x);\n\n-- expect-rows: 2\nSELECT 1\nUNION ALL SELECT 2;\n-- expect-empty\nPRAGMA foreign_key_check;');
    assert.deepEqual(t.steps.map((s) => [s.line, s.expect?.kind, s.expect?.value]), [[2, undefined, undefined], [5, 'expect-rows', '2'], [8, 'expect-empty', '']]);
  });

  it('an unknown annotation is an error naming file:line', () => {
    assert.match(parseError('SELECT 1;\n-- expect-row: 3\nSELECT 1;'), /^001_x\.test\.sql:2: unknown annotation "-- expect-row"/);
  });

  it('malformed values, a dangling annotation, two annotations and transaction control are errors naming file:line', () => {
    assert.match(parseError('-- expect-rows: three\nSELECT 1;'), /^001_x\.test\.sql:1: -- expect-rows takes a whole number/);
    assert.match(parseError('-- expect-empty: 1\nSELECT 1;'), /:1: -- expect-empty takes no value/);
    assert.match(parseError('-- expect\nSELECT 1;'), /:1: -- expect needs a value/);
    assert.match(parseError('SELECT 1;\n-- expect: 1'), /:2: -- expect is followed by no statement/);
    assert.match(parseError('-- expect: 1\n-- expect-rows: 1\nSELECT 1;'), /:2: a second annotation/);
    assert.match(parseError('SELECT 1;\nCOMMIT;'), /:2: COMMIT or END cannot be used in a test/);
  });
});

describe('migration test files: running', () => {
  let db: Connection;
  beforeEach(async () => {
    db = await openEmpty();
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL CHECK (v <> 'bad')); CREATE INDEX idx_t_v ON t(v); INSERT INTO t VALUES (1, 'a'), (2, 'b');");
  });
  afterEach(() => db.close());
  after(removeTempDatabases);

  const run = (text: string): TestResult[] => runTestFile(db, parsed(text));
  const statuses = (text: string) => run(text).map((r) => r.status);

  it('expect: passes on an equal value (NULL for null), fails with expected and actual', () => {
    assert.deepEqual(statuses("-- expect: a\nSELECT v FROM t WHERE id = 1;\n-- expect: NULL\nSELECT NULL;\n-- expect: 2\nSELECT count(*) FROM t;"), ['passed', 'passed', 'passed']);
    const [r] = run('SELECT 1;\n\n-- expect: 3\nSELECT count(*) FROM t;');
    assert.deepEqual([r.status, r.line, r.expected, r.actual], ['failed', 4, '3', '2']);
    assert.equal(run('-- expect: a\nSELECT v FROM t;')[0].actual, '2 rows');
  });

  it('expect-rows and expect-empty pass and fail', () => {
    assert.deepEqual(statuses('-- expect-rows: 2\nSELECT * FROM t;\n-- expect-empty\nPRAGMA foreign_key_check;'), ['passed', 'passed']);
    const [rows, empty] = run('-- expect-rows: 3\nSELECT * FROM t;\n-- expect-empty\nSELECT v FROM t;');
    assert.deepEqual([rows.status, rows.expected, rows.actual], ['failed', '3 rows', '2 rows']);
    assert.deepEqual([empty.status, empty.line, empty.actual], ['failed', 4, '2 rows, the first: a']);
  });

  it('expect-error passes on a matching error and fails on another error or none', () => {
    assert.deepEqual(statuses("-- expect-error: CHECK constraint failed\nINSERT INTO t VALUES (3, 'bad');\n-- expect-error: NOT NULL constraint failed\nINSERT INTO t VALUES (4, NULL);"), ['passed', 'passed']);
    const [none, other] = run("-- expect-error: CHECK constraint failed\nINSERT INTO t VALUES (3, 'ok');\n-- expect-error: CHECK constraint failed\nINSERT INTO t VALUES (1, 'dup');");
    assert.deepEqual([none.status, none.actual], ['failed', 'no error']);
    assert.equal(other.status, 'failed');
    assert.match(other.actual, /UNIQUE constraint failed/);
  });

  it('expect-plan passes when the plan uses the index and fails when it does not, without running the statement', () => {
    assert.deepEqual(statuses("-- expect-plan: idx_t_v\nSELECT id FROM t WHERE v = 'a';"), ['passed']);
    const [r] = run("-- expect-plan: idx_t_v\nDELETE FROM t WHERE id = 1;");
    assert.equal(r.status, 'failed');
    assert.match(r.actual, /t/);
    assert.equal(scalar(db, 'SELECT count(*) FROM t'), 2);
  });

  it('a failing setup statement fails at its line and skips the assertions after it', () => {
    const [setup, skipped] = run("INSERT INTO t VALUES (1, 'dup');\n-- expect: 1\nSELECT 1;");
    assert.deepEqual([setup.status, setup.line, skipped.status], ['failed', 1, 'skipped']);
    assert.match(setup.actual, /UNIQUE constraint failed/);
  });

  it('leaves no rows behind: every test runs in a savepoint that is rolled back, even after an OR ROLLBACK conflict', () => {
    const results = run("INSERT INTO t VALUES (10, 'x');\nCREATE TABLE scratch(a);\n-- expect: 3\nSELECT count(*) FROM t;\n-- expect-error: UNIQUE\nINSERT OR ROLLBACK INTO t VALUES (1, 'dup');\nINSERT INTO t VALUES (11, 'y');\n-- expect-rows: 3\nSELECT * FROM t;");
    assert.deepEqual(results.map((r) => r.status), ['passed', 'passed', 'passed']);
    assert.equal(scalar(db, 'SELECT count(*) FROM t'), 2);
    assert.equal(scalar(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'scratch'"), 0);
    db.exec("INSERT INTO t VALUES (12, 'z')"); // and the connection is usable, outside any transaction
    assert.equal(scalar(db, 'SELECT count(*) FROM t'), 3);
  });
});

describe('migration tests: the suite and reversibility', () => {
  const ws = workspacesPerTest();
  after(removeTempDatabases);

  async function suiteOf(files: Record<string, string>) {
    const root = ws(Object.fromEntries(Object.entries(files).map(([k, v]) => [`migrations/${k}`, v])));
    const catalog = await discoverMigrations(path.join(root, 'migrations'));
    assert.deepEqual(catalog.problems.filter((p) => p.severity === 'error'), []);
    const db = await openEmpty();
    try {
      return { report: runSuite(db, catalog.migrations, ctx), catalog, db: null };
    } finally {
      db.close();
    }
  }

  const base = 'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);';

  it('runs each test file right after its migration, on the state that migration left', async () => {
    const { report, catalog } = await suiteOf({
      '001_t.sql': base,
      '001_t.down.sql': 'DROP TABLE t;',
      '001_t.test.sql': "-- expect: 0\nSELECT count(*) FROM pragma_table_info('t') WHERE name = 'w';",
      '002_w.sql': 'ALTER TABLE t ADD COLUMN w TEXT;',
      '002_w.test.sql': "-- expect: 1\nSELECT count(*) FROM pragma_table_info('t') WHERE name = 'w';",
    });
    assert.equal(catalog.migrations.length, 2, 'a .test.sql file is not a migration');
    assert.deepEqual(report.tests.map((t) => [t.migration, t.status]), [['001_t', 'passed'], ['002_w', 'passed']]);
    assert.deepEqual(report.reversibility, [{ migration: '001_t', status: 'passed', differences: [] }]);
  });

  const leftovers: [string, string, string, RegExp][] = [
    ['table', 'CREATE TABLE extra (a);', '', /^002_x\.down\.sql leaves table extra$/],
    ['column', 'ALTER TABLE t ADD COLUMN extra TEXT;', '', /^002_x\.down\.sql leaves column t\.extra$/],
    ['index', 'CREATE INDEX idx_t_v ON t(v);', '', /^002_x\.down\.sql leaves index idx_t_v$/],
    ['trigger', 'CREATE TRIGGER trg_t AFTER INSERT ON t BEGIN SELECT 1; END;', '', /^002_x\.down\.sql leaves trigger trg_t$/],
    ['view', 'CREATE VIEW v_t AS SELECT * FROM t;', '', /^002_x\.down\.sql leaves view v_t$/],
    ['dropped table', 'DROP TABLE t;', '', /^002_x\.down\.sql does not restore table t/],
  ];
  for (const [what, up, down, message] of leftovers) {
    it(`reversibility names a left-over ${what}`, async () => {
      const { report } = await suiteOf({ '001_t.sql': base, '002_x.sql': up, '002_x.down.sql': down || '-- nothing undone' });
      const rev = report.reversibility.find((r) => r.migration === '002_x')!;
      assert.equal(rev.status, 'failed');
      assert.equal(rev.differences.length, 1, rev.differences.join('\n'));
      assert.match(rev.differences[0], message);
    });
  }

  it('a down file that undoes its up file exactly passes, and the later migrations still run on the re-applied state', async () => {
    const { report } = await suiteOf({
      '001_t.sql': base,
      '002_x.sql': 'CREATE INDEX idx_t_v ON t(v);\nALTER TABLE t ADD COLUMN w;',
      '002_x.down.sql': 'DROP INDEX idx_t_v;\nALTER TABLE t DROP COLUMN w;',
      '003_y.sql': 'CREATE VIEW v_t AS SELECT w FROM t;',
      '003_y.test.sql': '-- expect-plan: idx_t_v\nSELECT id FROM t WHERE v = 1;',
    });
    assert.deepEqual(report.reversibility.map((r) => r.status), ['passed']);
    assert.deepEqual(report.tests.map((t) => t.status), ['passed']);
    assert.deepEqual(report.failures, []);
  });

  it('a down file that fails is reported as not reversible with its message', async () => {
    const { report } = await suiteOf({ '001_t.sql': base, '001_t.down.sql': 'DROP TABLE nope;' });
    assert.equal(report.reversibility[0].status, 'failed');
    assert.match(report.reversibility[0].differences[0], /^001_t\.down\.sql fails: .*no such table: nope/);
  });

  it('a test file with a bad annotation is a problem naming file:line, not a failure', async () => {
    const { report } = await suiteOf({ '001_t.sql': base, '001_t.test.sql': 'SELECT 1;\n-- expect-nothing\nSELECT 1;' });
    assert.equal(report.problems.length, 1);
    assert.match(report.problems[0].message, /^001_t\.test\.sql:2: unknown annotation/);
    assert.equal(report.problems[0].line, 2);
  });
});

describe('migration tests: where each layout keeps the test file', () => {
  const ws = workspacesPerTest();
  const layouts: [string, Record<string, string>, string][] = [
    ['seed', { '001_a.sql': 'SELECT 1;', '001_a.test.sql': '' }, '001_a.test.sql'],
    ['golang-migrate', { '1_a.up.sql': 'SELECT 1;', '1_a.down.sql': '', '1_a.test.sql': '' }, '1_a.test.sql'],
    ['flyway', { 'V1__a.sql': 'SELECT 1;', 'V1__a.test.sql': '' }, 'V1__a.test.sql'],
    ['diesel', { '2020-01-01-000000_a/up.sql': 'SELECT 1;', '2020-01-01-000000_a/down.sql': '', '2020-01-01-000000_a/test.sql': '' }, '2020-01-01-000000_a/test.sql'],
  ];
  for (const [layout, files, test] of layouts) {
    it(`${layout}: found beside the migration, and never taken for a migration`, async () => {
      const root = ws(Object.fromEntries(Object.entries(files).map(([k, v]) => [`m/${k}`, v])));
      const catalog = await discoverMigrations(path.join(root, 'm'));
      assert.deepEqual(catalog.problems.filter((p) => p.severity === 'error'), []);
      assert.equal(catalog.layout, layout);
      assert.equal(catalog.migrations.length, 1);
      assert.equal(catalog.migrations[0].testPath, fs.realpathSync(path.join(root, 'm', test)).replace(fs.realpathSync(root), root));
    });
  }
});
