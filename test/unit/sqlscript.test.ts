import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LEDGER_DDL } from '../../src/core/ledger/ledger';
import { splitStatements, vetScript, type StatementKind } from '../../src/core/sql/script';
import { dumpDatabase, SPEC_FIXTURES } from '../fixtures/spec/load';
import { ENGINE, openEmpty, removeTempDatabases } from './helpers/engines';

type Split = [text: string, line: number][];

const SPLIT_CASES: { name: string; sql: string; want: Split }[] = [
  { name: 'two statements on two lines', sql: 'CREATE TABLE a(x);\nCREATE TABLE b(y);\n', want: [['CREATE TABLE a(x)', 1], ['CREATE TABLE b(y)', 2]] },
  { name: 'last statement without a trailing ;', sql: 'SELECT 1;\n\nSELECT 2', want: [['SELECT 1', 1], ['SELECT 2', 3]] },
  { name: 'empty statements and comment-only pieces', sql: ';;\n ; -- nothing here;\n/* nor; here */ ;\n', want: [] },
  { name: 'empty input', sql: '', want: [] },
  {
    name: "string with ;, BEGIN, END and '' escapes",
    sql: "INSERT INTO t VALUES ('a;b''BEGIN; END;''');\nSELECT 'it''s';",
    want: [["INSERT INTO t VALUES ('a;b''BEGIN; END;''')", 1], ["SELECT 'it''s'", 2]],
  },
  {
    name: 'double-quoted identifier with ; and "" escape',
    sql: 'CREATE TABLE "we;ird""name" (x);SELECT 1;',
    want: [['CREATE TABLE "we;ird""name" (x)', 1], ['SELECT 1', 1]],
  },
  { name: 'backtick and bracket identifiers with ;', sql: 'SELECT `a;b`, [c;d] FROM t; SELECT 2', want: [['SELECT `a;b`, [c;d] FROM t', 1], ['SELECT 2', 1]] },
  {
    name: '-- comments with ; and a multi-line /* */ comment keep line numbers',
    sql: '-- head; with BEGIN;\n/* block;\n   BEGIN;\n*/ CREATE TABLE a(x); -- tail;\nSELECT 1;',
    want: [['CREATE TABLE a(x)', 4], ['SELECT 1', 5]],
  },
  {
    name: 'comment inside a statement stays in its text',
    sql: 'CREATE TABLE a(\n  x, -- first; column\n  y\n);',
    want: [['CREATE TABLE a(\n  x, -- first; column\n  y\n)', 1]],
  },
  {
    name: 'trigger body with several statements',
    sql: 'CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO b VALUES (1);\n  UPDATE c SET n = n + 1;\nEND;\nSELECT 1;',
    want: [['CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO b VALUES (1);\n  UPDATE c SET n = n + 1;\nEND', 1], ['SELECT 1', 5]],
  },
  {
    name: 'TEMP and TEMPORARY triggers, lower case',
    sql: 'create temp trigger t1 after delete on a begin delete from b; end;\ncreate temporary trigger if not exists t2 before insert on a begin select 1; end',
    want: [['create temp trigger t1 after delete on a begin delete from b; end', 1], ['create temporary trigger if not exists t2 before insert on a begin select 1; end', 2]],
  },
  {
    name: 'CASE ... END inside a trigger body and its WHEN clause',
    sql: "CREATE TRIGGER t AFTER UPDATE ON a WHEN CASE WHEN new.x > 0 THEN 1 ELSE 0 END\nBEGIN\n  UPDATE b SET n = CASE new.x WHEN 1 THEN 'one;' ELSE 'END' END;\n  SELECT CASE WHEN 1 THEN CASE WHEN 2 THEN 3 END END;\nEND;\nSELECT 2;",
    want: [
      ["CREATE TRIGGER t AFTER UPDATE ON a WHEN CASE WHEN new.x > 0 THEN 1 ELSE 0 END\nBEGIN\n  UPDATE b SET n = CASE new.x WHEN 1 THEN 'one;' ELSE 'END' END;\n  SELECT CASE WHEN 1 THEN CASE WHEN 2 THEN 3 END END;\nEND", 1],
      ['SELECT 2', 6],
    ],
  },
  {
    name: 'columns named end/begin/case after a dot and a quoted "END" are not keywords',
    sql: 'CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE b SET x = new.end, y = new.begin, z = old.case;\n  INSERT INTO "END" VALUES (1);\nEND;\nSELECT 3;',
    want: [['CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE b SET x = new.end, y = new.begin, z = old.case;\n  INSERT INTO "END" VALUES (1);\nEND', 1], ['SELECT 3', 5]],
  },
  {
    name: 'a trigger inside BEGIN TRANSACTION ... COMMIT',
    sql: 'BEGIN TRANSACTION;\nCREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END;\nCOMMIT;',
    want: [['BEGIN TRANSACTION', 1], ['CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END', 2], ['COMMIT', 3]],
  },
  { name: 'CASE outside a trigger does not hold the ;', sql: 'SELECT CASE WHEN 1 THEN 2 END;\nSELECT 4;', want: [['SELECT CASE WHEN 1 THEN 2 END', 1], ['SELECT 4', 2]] },
  { name: 'unterminated string runs to the end', sql: "SELECT 1;\nSELECT 'oops; SELECT 2;", want: [['SELECT 1', 1], ["SELECT 'oops; SELECT 2;", 2]] },
  { name: 'unterminated block comment runs to the end', sql: 'SELECT 1; /* open; SELECT 2;', want: [['SELECT 1', 1]] },
  { name: 'CRLF line endings still count lines', sql: 'SELECT 1;\r\n\r\nSELECT 2;', want: [['SELECT 1', 1], ['SELECT 2', 3]] },
  { name: 'non-ASCII identifiers and strings', sql: "CREATE TABLE café (naïve TEXT DEFAULT 'é;è');\nSELECT 1", want: [["CREATE TABLE café (naïve TEXT DEFAULT 'é;è')", 1], ['SELECT 1', 2]] },
];

const KIND_CASES: [sql: string, kind: StatementKind][] = [
  ['BEGIN', 'begin'],
  ['BEGIN TRANSACTION', 'begin'],
  ['begin deferred', 'begin'],
  ['BEGIN IMMEDIATE TRANSACTION', 'begin'],
  ['Begin Exclusive', 'begin'],
  ['/* lead */ -- comment\nBEGIN', 'begin'],
  ['COMMIT', 'commit'],
  ['commit transaction', 'commit'],
  ['END', 'commit'],
  ['END TRANSACTION', 'commit'],
  ['ROLLBACK', 'rollback'],
  ['ROLLBACK TRANSACTION TO SAVEPOINT a', 'rollback'],
  ['SAVEPOINT a', 'savepoint'],
  ['RELEASE a', 'release'],
  ['RELEASE SAVEPOINT a', 'release'],
  ['VACUUM', 'vacuum'],
  ["VACUUM INTO 'copy.db'", 'vacuum'],
  ['PRAGMA journal_mode = WAL', 'journal-mode'],
  ['PRAGMA main.journal_mode=DELETE', 'journal-mode'],
  ['pragma "JOURNAL_MODE"', 'journal-mode'],
  ['PRAGMA foreign_keys = ON', 'other'],
  ['PRAGMA user_version = 3', 'other'],
  ["ATTACH 'other.db' AS other", 'attach'],
  ["ATTACH DATABASE 'other.db' AS other", 'attach'],
  ['DETACH other', 'detach'],
  ['DETACH DATABASE other', 'detach'],
  ["INSERT INTO schema_migrations (version) VALUES ('1')", 'ledger-write'],
  ["insert or replace into Schema_Migrations (version) values ('1')", 'ledger-write'],
  ["REPLACE INTO schema_migrations (version) VALUES ('1')", 'ledger-write'],
  ["UPDATE schema_migrations SET status = 'applied'", 'ledger-write'],
  ["UPDATE OR IGNORE schema_migrations SET status = 'applied'", 'ledger-write'],
  ['DELETE FROM schema_migrations', 'ledger-write'],
  ["INSERT INTO main.schema_migrations (version) VALUES ('1')", 'ledger-write'],
  ['INSERT INTO "main"."schema_migrations" DEFAULT VALUES', 'ledger-write'],
  ['INSERT INTO [schema_migrations] DEFAULT VALUES', 'ledger-write'],
  ['INSERT INTO `schema_migrations` DEFAULT VALUES', 'ledger-write'],
  ["INSERT INTO 'schema_migrations' DEFAULT VALUES", 'ledger-write'],
  ['UPDATE "Schema_Migrations" SET status = 1', 'ledger-write'],
  ["WITH v(x) AS (SELECT '1') INSERT INTO schema_migrations (version) SELECT x FROM v", 'ledger-write'],
  ['WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) DELETE FROM schema_migrations WHERE id IN n', 'ledger-write'],
  ['WITH a AS MATERIALIZED (SELECT 1), b AS NOT MATERIALIZED (SELECT 2) UPDATE schema_migrations SET id = id', 'ledger-write'],
  ["INSERT INTO schema_migrations_sql (version) VALUES ('1')", 'ledger-write'],
  ['INSERT INTO schema_migrations_backup SELECT * FROM schema_migrations', 'other'],
  ['INSERT INTO temp.schema_migrations DEFAULT VALUES', 'other'],
  ['INSERT INTO tasks SELECT * FROM schema_migrations', 'other'],
  ["UPDATE tasks SET note = 'schema_migrations'", 'other'],
  ['SELECT * FROM schema_migrations', 'other'],
  ['WITH v AS (SELECT 1) SELECT * FROM v', 'other'],
  ['CREATE TABLE schema_migrations_old (x)', 'other'],
  ['CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO schema_migrations DEFAULT VALUES; END', 'ledger-ddl'],
  ['CREATE TEMP VIEW v AS SELECT * FROM main.schema_migrations_sql', 'ledger-ddl'],
  ['ALTER TABLE schema_migrations RENAME TO x', 'ledger-ddl'],
  ['DROP TRIGGER t', 'other'],
  ['"BEGIN"', 'other'],
  ['ALTER TABLE tasks ADD COLUMN priority_level TEXT', 'other'],
];

describe('sqlscript: splitStatements', () => {
  after(removeTempDatabases);

  for (const c of SPLIT_CASES) {
    it(c.name, () => {
      assert.deepEqual(
        splitStatements(c.sql).map((s) => [s.text, s.line]),
        c.want,
      );
    });
  }

  describe('kinds', () => {
    for (const [sql, kind] of KIND_CASES) {
      it(`${JSON.stringify(sql)} -> ${kind}`, () => {
        const statements = splitStatements(sql + ';');
        assert.equal(statements.length, 1);
        assert.equal(statements[0].kind, kind);
      });
    }
  });

  // Ours run one by one on one database, each of them read by SQLite as exactly one statement (so none was
  // merged or cut short); SQLite runs each whole file on the other, and both must end up the same (so none was lost).
  it(`agrees with SQLite's own parser on the spec's example files, run in order up and down (${ENGINE})`, async () => {
    const order = [1, 2, 3, 4].map((n) => FIXTURE_NAMES[n - 1] + '.sql');
    order.push(...[4, 3, 2, 1].map((n) => FIXTURE_NAMES[n - 1] + '.down.sql'));
    assert.deepEqual(fs.readdirSync(SPEC_FIXTURES).filter((f) => f.endsWith('.sql')).sort(), [...order].sort());
    const [split, whole] = [await openEmpty(), await openEmpty()];
    try {
      for (const db of [split, whole]) db.run(LEDGER_DDL);
      for (const file of order) {
        const sql = fs.readFileSync(path.join(SPEC_FIXTURES, file), 'utf8');
        splitStatements(sql).forEach((s, i) => assert.equal(split.runSingle(s.text), true, `${file} statement ${i + 1}: ${s.text}`));
        whole.exec(sql);
        assert.equal(dumpDatabase(split, ['schema_migrations']), dumpDatabase(whole, ['schema_migrations']), file);
        assert.deepEqual(split.all(LEDGER_ROWS), whole.all(LEDGER_ROWS), file);
      }
    } finally {
      split.close();
      whole.close();
    }
  });
});

const FIXTURE_NAMES = ['001_initial_schema', '002_add_task_priority', '003_optimize_task_queries', '004_task_title_not_null'];

/** The files' own ledger writes, without applied_at: its default is the clock, which the two databases read apart. */
const LEDGER_ROWS = 'SELECT id, version, description, checksum, execution_time_ms, status FROM schema_migrations ORDER BY id';

describe('sqlscript: vetScript', () => {
  const where = { file: '/m/005_x.sql', label: '005_x.sql' };

  it('absorbs BEGIN/COMMIT/END and skips ledger writes with a warning naming file and line', () => {
    const sql = "BEGIN TRANSACTION;\nCREATE TABLE a(x);\n\nINSERT INTO schema_migrations (version, description)\nVALUES ('1', 'x');\nCOMMIT;\nEND;";
    const vetted = vetScript(sql, where);
    assert.ok(vetted.ok);
    assert.deepEqual(vetted.value.run.map((s) => s.text), ['CREATE TABLE a(x)']);
    assert.equal(vetted.value.warnings.length, 1);
    const w = vetted.value.warnings[0];
    assert.equal(w.code, 'ledger-write-skipped');
    assert.equal(w.line, 4);
    assert.equal(w.file, '/m/005_x.sql');
    assert.match(w.message, /^005_x\.sql:4: /);
  });

  const refused: [string, RegExp][] = [
    ['VACUUM', /VACUUM/],
    ['PRAGMA journal_mode = WAL', /journal_mode/],
    ["ATTACH 'x.db' AS x", /ATTACH/],
    ['DETACH x', /DETACH/],
    ['ROLLBACK', /ROLLBACK/],
    ['ROLLBACK TO s', /ROLLBACK/],
    ['SAVEPOINT s', /SAVEPOINT/],
    ['RELEASE s', /RELEASE/],
  ];
  for (const [statement, pattern] of refused) {
    it(`refuses ${statement} with its line`, () => {
      const vetted = vetScript(`CREATE TABLE a(x);\n-- comment\n${statement};\nCREATE TABLE b(y);`, where);
      assert.ok(!vetted.ok);
      assert.equal(vetted.error.code, 'statement-refused');
      assert.equal(vetted.error.line, 3);
      assert.equal(vetted.error.file, '/m/005_x.sql');
      assert.match(vetted.error.message, /^005_x\.sql:3: /);
      assert.match(vetted.error.message, pattern);
    });
  }
});
