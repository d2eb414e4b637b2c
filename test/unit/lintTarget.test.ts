// The target SQLite version: each feature in features.ts found in both directions (a finding below its version,
// none at it), found only in SQL (never in comments, strings or names), and the version text read strictly.
import * as assert from 'node:assert/strict';
import { FEATURES } from '../../src/core/lint/features';
import { requiredVersion, targetFindings } from '../../src/core/lint/target';
import { DEFAULT_TARGET, parseVersion, type SqliteVersion } from '../../src/core/lint/version';

/** Statements that use each feature; every entry of features.ts must have at least one. */
const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  'UPSERT (ON CONFLICT ... DO)': ['INSERT INTO t(a) VALUES (1) ON CONFLICT(a) DO UPDATE SET b = excluded.b', 'INSERT INTO t(a) VALUES (1) ON CONFLICT DO NOTHING'],
  'window functions (OVER)': ['SELECT row_number() OVER (ORDER BY a) FROM t', 'SELECT sum(a) OVER w FROM t WINDOW w AS (ORDER BY a)'],
  'ALTER TABLE ... RENAME COLUMN': ['ALTER TABLE t RENAME COLUMN a TO b', 'ALTER TABLE main.t RENAME a TO b'],
  'FILTER on aggregate functions': ['SELECT count(*) FILTER (WHERE a > 1) FROM t'],
  'NULLS FIRST / NULLS LAST': ['SELECT a FROM t ORDER BY a NULLS LAST', 'CREATE INDEX i ON t(a DESC NULLS FIRST)'],
  'generated columns': ['CREATE TABLE g(a INT, b INT GENERATED ALWAYS AS (a * 2))', 'CREATE TABLE g(a INT, b INT AS (a * 2) STORED)', 'ALTER TABLE g ADD COLUMN c INT AS (a + 1)'],
  'PRAGMA trusted_schema': ['PRAGMA trusted_schema = OFF'],
  'PRAGMA hard_heap_limit': ['PRAGMA hard_heap_limit = 1000000'],
  'iif()': ["SELECT iif(a > 1, 'x', 'y') FROM t"],
  'PRAGMA analysis_limit': ['PRAGMA main.analysis_limit = 400'],
  'UPDATE ... FROM': ['UPDATE t SET a = s.a FROM s WHERE s.id = t.id', 'UPDATE OR REPLACE main.t SET a = (SELECT 1) FROM s'],
  'ALTER TABLE ... DROP COLUMN': ['ALTER TABLE t DROP COLUMN a', 'ALTER TABLE t DROP a'],
  RETURNING: ['DELETE FROM t WHERE a = 1 RETURNING a'],
  'math functions': ['SELECT sqrt(a), pi() FROM t', 'SELECT LOG10(a) FROM t'],
  'MATERIALIZED / NOT MATERIALIZED common table expressions': ['WITH c AS MATERIALIZED (SELECT 1) SELECT * FROM c', 'WITH c AS NOT MATERIALIZED (SELECT 1) SELECT * FROM c'],
  'STRICT tables': ['CREATE TABLE s(a INTEGER) STRICT', 'CREATE TEMP TABLE s(a INTEGER PRIMARY KEY, b TEXT CHECK (b <> \'\')) WITHOUT ROWID, STRICT'],
  'PRAGMA table_list': ['PRAGMA table_list'],
  'the -> and ->> operators': ["SELECT data ->> '$.a' FROM t", "SELECT data->'$.a' FROM t"],
  'unixepoch()': ['SELECT unixepoch()'],
  'format()': ["SELECT format('%d', 1)"],
  'RIGHT and FULL OUTER JOIN': ['SELECT * FROM a RIGHT JOIN b ON a.x = b.x', 'SELECT * FROM a FULL OUTER JOIN b USING (x)'],
  'IS [NOT] DISTINCT FROM': ['SELECT a IS DISTINCT FROM b FROM t', 'SELECT * FROM t WHERE a IS NOT DISTINCT FROM NULL'],
  'unhex()': ["SELECT unhex('00')"],
  'octet_length() and timediff()': ["SELECT octet_length('x')", "SELECT timediff('2025-01-01', '2024-01-01')"],
  'concat(), concat_ws() and string_agg()': ["SELECT concat('a', 'b')", "SELECT string_agg(a, ',') FROM t"],
  'JSONB functions': ["SELECT jsonb('{}')", "SELECT jsonb_extract(a, '$.x') FROM t"],
  'json_pretty()': ["SELECT json_pretty('{}')"],
  'if()': ['SELECT if(1, 2, 3)'],
  'unistr()': ["SELECT unistr('A')"],
};

/** SQL that mentions the features' words without using them: no finding at any target. */
const NOT_FEATURES = [
  "-- RETURNING, RIGHT JOIN, unixepoch(), a ->> b\nSELECT 'ALTER TABLE t DROP COLUMN a', \"format\" FROM t",
  '/* STRICT */ CREATE TABLE format(a INTEGER, iif TEXT, log REAL)',
  'ALTER TABLE t RENAME TO u',
  'ALTER TABLE t ADD COLUMN b INTEGER',
  'CREATE TABLE t(a INTEGER PRIMARY KEY ON CONFLICT REPLACE, b TEXT)',
  'SELECT 1 - -2, a.returning FROM t AS a',
  'CREATE TABLE c AS SELECT CAST(a AS INTEGER) AS b FROM t',
  'INSERT OR REPLACE INTO t(a) SELECT b FROM s',
  'UPDATE t SET a = (SELECT b FROM s) WHERE a IN (SELECT a FROM u)',
  'CREATE TABLE s(a INTEGER) WITHOUT ROWID',
  "SELECT printf('%d', 1), json_extract(a, '$.x'), count(*) FROM t LEFT OUTER JOIN u ON 1",
  'CREATE TABLE IF NOT EXISTS x(a)',
];

function findings(sql: string, target: SqliteVersion) {
  return targetFindings({ file: '/w/001_x.sql', label: '001_x.sql', text: sql + ';' }, target);
}

function before(v: SqliteVersion): SqliteVersion {
  return v[2] > 0 ? [v[0], v[1], v[2] - 1] : [v[0], v[1] - 1, 99];
}

describe('lint: target SQLite version', () => {
  it('every feature in features.ts has examples here and a release-note source for its version', () => {
    assert.deepEqual(FEATURES.map((f) => f.feature).filter((name) => !EXAMPLES[name]), []);
    for (const f of FEATURES) assert.equal(f.source, `https://sqlite.org/releaselog/${f.version.replace(/\./g, '_')}.html`);
  });

  for (const f of FEATURES) {
    const needs = requiredVersion(f);
    for (const sql of EXAMPLES[f.feature] ?? []) {
      it(`${f.feature} (${f.version}): a finding with target ${before(needs).join('.')}, none with ${f.version}: ${sql}`, () => {
        const below = findings(sql, before(needs)).filter((x) => x.detail.startsWith(f.feature + ' need'));
        assert.equal(below.length, 1, JSON.stringify(findings(sql, before(needs)).map((x) => x.detail)));
        assert.equal(below[0].detail, `${f.feature} ${f.plural ? 'need' : 'needs'} SQLite ${f.version}; the target is ${before(needs).join('.')}`);
        assert.equal(below[0].code, 'needs-newer-sqlite');
        assert.deepEqual(findings(sql, needs).filter((x) => x.detail.startsWith(f.feature + ' need')), []);
      });
    }
  }

  for (const sql of NOT_FEATURES) {
    it(`no finding, even for the oldest target, in: ${sql.replace(/\n/g, ' ')}`, () => {
      assert.deepEqual(findings(sql, [3, 0, 0]).map((x) => x.detail), []);
    });
  }

  it('the message agrees with the feature\'s name: "STRICT tables need", "unixepoch() needs"', () => {
    assert.deepEqual(findings('CREATE TABLE t (a INTEGER) STRICT;', [3, 36, 0]).map((x) => x.detail), ['STRICT tables need SQLite 3.37.0; the target is 3.36.0']);
    assert.deepEqual(findings('SELECT unixepoch();', [3, 37, 0]).map((x) => x.detail), ['unixepoch() needs SQLite 3.38.0; the target is 3.37.0']);
    assert.deepEqual(findings('SELECT 1 AS a ORDER BY a NULLS LAST;', [3, 29, 0]).map((x) => x.detail), ['NULLS FIRST / NULLS LAST needs SQLite 3.30.0; the target is 3.29.0']);
  });

  it('the finding sits on the feature\'s first token, with the place in the message', () => {
    const [f] = targetFindings({ file: '/w/002_x.sql', label: '002_x.sql', text: 'CREATE TABLE t(a);\n\nDELETE FROM t\n  RETURNING a;' }, [3, 34, 0]);
    assert.deepEqual([f.line, f.column, f.endLine, f.endColumn], [4, 3, 4, 12]);
    assert.equal(f.message, '002_x.sql:4:3: RETURNING needs SQLite 3.35.0; the target is 3.34.0, in statement: "DELETE FROM t RETURNING a"');
  });

  it('versions: 3.Y or 3.Y.Z, the default is the spec\'s 3.35.0; anything else is one sentence', () => {
    assert.deepEqual(parseVersion('3.39'), { ok: true, value: [3, 39, 0] });
    assert.deepEqual(parseVersion(DEFAULT_TARGET), { ok: true, value: [3, 35, 0] });
    for (const bad of ['3', '4.0.0', 'latest', '3.35.0.1', '']) {
      const v = parseVersion(bad);
      assert.equal(v.ok, false, bad);
      if (!v.ok) assert.match(v.error, /is not a SQLite 3 version; write it as 3\.Y\.Z, e\.g\. 3\.35\.0$/);
    }
  });
});
