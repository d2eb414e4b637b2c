// `lint`: each migration's SQL run against the schema the migrations before it leave, on the engine under test,
// with the place of each failure, the down file after its up, the note for an earlier failure, and the cache.
import * as assert from 'node:assert/strict';
import type { Migration } from '../../src/core/model';
import { lintMigrations, type MigrationLint } from '../../src/core/lint/lint';
import { SchemaCache } from '../../src/core/lint/schemaCache';
import { parseVersion } from '../../src/core/lint/version';
import { standInFor } from '../../src/core/lint/standIn';
import { openEmpty, removeTempDatabases } from './helpers/engines';
import { mig } from './helpers/migrations';

const latest = parseVersion('3.99.0');
if (!latest.ok) throw new Error(latest.error);

/** A cache of the test's own is disposed by the test; one made here is disposed here. */
async function lint(migrations: Migration[], indexes = [migrations.length - 1], cache?: SchemaCache): Promise<MigrationLint[]> {
  const used = cache ?? new SchemaCache();
  try {
    return await lintMigrations(migrations, indexes, { target: latest.ok ? latest.value : [3, 35, 0], open: openEmpty, cache: used });
  } finally {
    if (!cache) used.dispose();
  }
}

async function only(migrations: Migration[]) {
  const [r] = await lint(migrations);
  return r.findings;
}

describe('lint: SQL against the schema the earlier migrations leave', () => {
  after(removeTempDatabases);

  it('a clean migration has no findings', async () => {
    assert.deepEqual(await only([mig(1, 'CREATE TABLE task(id INTEGER PRIMARY KEY, title TEXT);'), mig(2, 'CREATE INDEX task_title ON task(title);')]), []);
  });

  it('a misspelled column: SQLite\'s message, file:line:column of the token it names, and the statement', async () => {
    const f = await only([mig(1, 'CREATE TABLE task(id INTEGER PRIMARY KEY, title TEXT);'), mig(2, '-- index titles\nCREATE INDEX task_title\n  ON task(titel);')]);
    assert.equal(f.length, 1);
    assert.equal(f[0].code, 'sql-error');
    assert.equal(f[0].detail, 'no such column: titel');
    assert.deepEqual([f[0].line, f[0].column, f[0].endLine, f[0].endColumn], [3, 11, 3, 16]);
    assert.equal(f[0].file, '/w/migrations/002_m2.sql');
    assert.match(f[0].message, /^002_m2\.sql:3:11: no such column: titel, in statement: "CREATE INDEX task_title ON task\(titel\)"$/);
  });

  it('a table an earlier migration renamed is no longer there, and the message says where it went', async () => {
    const f = await only([mig(1, 'CREATE TABLE todo(id INTEGER PRIMARY KEY);'), mig(2, 'ALTER TABLE todo RENAME TO task;'), mig(3, 'INSERT INTO todo(id) VALUES (1);')]);
    assert.deepEqual(f.map((x) => [x.detail, x.line, x.column, x.endColumn]), [['no such table: todo (renamed to task by 002_m2.sql)', 1, 13, 17]]);
    assert.match(f[0].message, /^003_m3\.sql:1:13: no such table: todo \(renamed to task by 002_m2\.sql\), in statement: /);
    // Only a real rename counts: one in a comment or a string, or of another table, adds nothing.
    const g = await only([mig(1, "CREATE TABLE todo(id);\n-- ALTER TABLE gone RENAME TO x\nCREATE TABLE note(t); INSERT INTO note VALUES ('ALTER TABLE gone RENAME TO y');"), mig(2, 'ALTER TABLE "todo" RENAME TO [task];'), mig(3, 'SELECT * FROM gone;')]);
    assert.deepEqual(g.map((x) => x.detail), ['no such table: gone']);
    const h = await only([mig(1, 'CREATE TABLE todo(id);'), mig(2, 'ALTER TABLE main."todo" RENAME TO [my task];'), mig(3, 'DELETE FROM todo;')]);
    assert.deepEqual(h.map((x) => x.detail), ['no such table: todo (renamed to my task by 002_m2.sql)']);
  });

  it('a duplicate column underlines the second one', async () => {
    const f = await only([mig(1, 'CREATE TABLE task(id INTEGER PRIMARY KEY, title TEXT);'), mig(2, 'ALTER TABLE task ADD COLUMN title TEXT;')]);
    assert.deepEqual(f.map((x) => [x.detail, x.column]), [['duplicate column name: title', 29]]);
    const g = await only([mig(1, 'CREATE TABLE t(a, b, a);')]);
    assert.deepEqual(g.map((x) => [x.detail, x.column]), [['duplicate column name: a', 22]]);
  });

  it('a trigger on a table an earlier migration dropped', async () => {
    const f = await only([mig(1, 'CREATE TABLE a(x); CREATE TABLE log(x);'), mig(2, 'DROP TABLE a;'), mig(3, 'CREATE TRIGGER a_log AFTER INSERT ON a BEGIN INSERT INTO log VALUES (new.x); END;')]);
    assert.equal(f.length, 1);
    assert.match(f[0].detail, /^no such table: (main\.)?a$/);
    assert.equal(f[0].column, 38);
  });

  it('every failing statement is reported, and a failing statement without a named token spans the statement', async () => {
    const f = await only([mig(1, 'CREATE TABLE t(a);\nINSERT INTO t(b) VALUES (1);\nSELECT * FROM nope;\nCREATE TABLE t(a);')]);
    assert.deepEqual(f.map((x) => x.line), [1, 2, 3, 4].slice(1));
    assert.deepEqual(f.map((x) => x.detail.replace(/main\./, '')), ['table t has no column named b', 'no such table: nope', 'table t already exists']);
    const near = await only([mig(1, 'SELECT * FRM t;')]);
    assert.deepEqual(near.map((x) => [x.detail, x.column, x.endColumn]), [['near "FRM": syntax error', 10, 13]]);
    const incomplete = await only([mig(1, 'CREATE TABLE t(a);\n  SELECT 1 +\n  2 +;')]);
    assert.deepEqual(incomplete.map((x) => [x.detail, x.line, x.column, x.endLine, x.endColumn]), [['incomplete input', 2, 3, 3, 6]]);
  });

  it('the down file runs against the schema after its up: what the up removed is not there', async () => {
    const f = await only([mig(1, 'CREATE TABLE task(id INTEGER PRIMARY KEY, notes TEXT);'), mig(2, 'ALTER TABLE task DROP COLUMN notes;', 'CREATE INDEX task_notes ON task(notes);')]);
    assert.deepEqual(f.map((x) => [x.file, x.detail, x.line, x.column]), [['/w/migrations/002_m2.down.sql', 'no such column: notes', 1, 33]]);
    assert.match(f[0].message, /^002_m2\.down\.sql:1:33: /);
    assert.deepEqual(await only([mig(1, 'CREATE TABLE task(id INTEGER PRIMARY KEY, notes TEXT);'), mig(2, 'ALTER TABLE task DROP COLUMN notes;', 'ALTER TABLE task ADD COLUMN notes TEXT;')]), []);
  });

  it('the down file is rolled back: the next migration sees the schema after the up', async () => {
    const r = await lint([mig(1, 'CREATE TABLE a(x);', 'DROP TABLE a;'), mig(2, 'CREATE INDEX a_x ON a(x);')], [0, 1]);
    assert.deepEqual(r.map((x) => x.findings), [[], []]);
  });

  it('an earlier migration that fails is said once, at line 1, instead of the errors it would cause', async () => {
    const ms = [mig(1, 'CREATE TABLE a(x);'), mig(2, '\n\nCREATE INDEX a_y ON a(y);'), mig(3, 'INSERT INTO a(y) VALUES (1);'), mig(4, 'SELECT y FROM a;')];
    const r = await lint(ms, [2, 3]);
    assert.deepEqual(r.map((x) => [x.name, x.findings.map((f) => [f.code, f.severity, f.line, f.detail])]), [
      ['003_m3', [['earlier-fails', 'warning', 1, 'earlier migration 002_m2.sql fails at line 3; not checked']]],
      ['004_m4', [['earlier-fails', 'warning', 1, 'earlier migration 002_m2.sql fails at line 3; not checked']]],
    ]);
    const asked = await lint(ms, [1, 2]);
    assert.deepEqual(asked.map((x) => x.findings.map((f) => f.code)), [['sql-error'], ['earlier-fails']]);
  });

  it('after an earlier failure the target version is still checked: it needs no schema', async () => {
    const ms = [mig(1, 'CREATE INDEX a_x ON a(x);'), mig(2, 'CREATE TABLE b(x) STRICT;')];
    const cache = new SchemaCache();
    const r = await lintMigrations(ms, [1], { target: [3, 36, 0], open: openEmpty, cache });
    cache.dispose();
    assert.deepEqual(r[0].findings.map((f) => f.code), ['earlier-fails', 'needs-newer-sqlite']);
  });

  it('a statement the runner refuses is a finding at its line', async () => {
    const f = await only([mig(1, 'CREATE TABLE a(x);\nVACUUM;')]);
    assert.deepEqual(f.map((x) => [x.code, x.line]), [['statement-refused', 2]]);
  });

  it('builds from the scratch database only: the statements never reach anything on disk', async () => {
    const f = await only([mig(1, "ATTACH 'x.db' AS x;")]);
    assert.deepEqual(f.map((x) => x.code), ['statement-refused']);
  });
});

describe('lint: the per-prefix cache', () => {
  after(removeTempDatabases);

  const chain = (n: number, changed = -1) => Array.from({ length: n }, (_, i) => mig(i + 1, `CREATE TABLE t${i + 1}(id INTEGER PRIMARY KEY${i === changed ? ', extra TEXT' : ''});${i > 0 ? ` CREATE INDEX i${i + 1} ON t${i}(id);` : ''}`));

  it('a second lint of the same migration builds nothing; a change to migration 7 of 30 rebuilds from 7 only', async () => {
    const cache = new SchemaCache();
    const cold = chain(30);
    await lint(cold, [29], cache);
    assert.equal(cache.builds, 30, 'cold: every prefix, the linted migration\'s own included');
    assert.deepEqual((await lint(cold, [29], cache))[0].findings, [], 'the migration linted last was rolled back: it runs again cleanly');
    assert.equal(cache.builds, 30, 'the same prefixes are read from the cache');
    const changed = chain(30, 6);
    await lint(changed, [6], cache);
    assert.equal(cache.builds, 31, 'migration 7 runs on the cached schema of 1..6: only its own is new');
    const r = await lint(changed, [29], cache);
    assert.equal(cache.builds, 31 + 23, 'migrations 8..30 are built again on 7\'s; 1..7 are not');
    assert.deepEqual(r[0].findings, []);
    cache.dispose();
  });

  it('past its limit the cache drops the least recently used snapshot; the empty prefix is always there', () => {
    const cache = new SchemaCache(2);
    cache.set('a', ['A']);
    cache.set('b', ['B']);
    assert.deepEqual(cache.get('a'), ['A']);
    cache.set('c', ['C']);
    assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('empty')], [['A'], undefined, ['C'], []]);
  });

  it('the schema read from the cache is the schema: a cached prefix still catches a misspelled column', async () => {
    const cache = new SchemaCache();
    const ms = [mig(1, 'CREATE TABLE task(id INTEGER PRIMARY KEY, title TEXT);'), mig(2, 'CREATE VIEW v AS SELECT title FROM task; CREATE TRIGGER tr AFTER INSERT ON task BEGIN SELECT 1; END; CREATE TABLE c(id INTEGER PRIMARY KEY AUTOINCREMENT);'), mig(3, 'SELECT titel FROM task;')];
    await lint(ms, [2], cache);
    const again = await lint(ms, [2], cache);
    assert.deepEqual(again[0].findings.map((f) => f.detail), ['no such column: titel']);
    const fixed = await lint([...ms.slice(0, 2), mig(3, 'SELECT title FROM v; DROP TRIGGER tr; INSERT INTO c DEFAULT VALUES;')], [2], cache);
    assert.deepEqual(fixed[0].findings, []);
    const rebuilt = new SchemaCache();
    await lint(ms, [2], rebuilt);
    rebuilt.dispose();
    const fromSnapshot = await lint([...ms.slice(0, 2), mig(3, 'SELECT title FROM v; DROP TRIGGER tr; INSERT INTO c DEFAULT VALUES; SELECT titel FROM task;')], [2], rebuilt);
    assert.deepEqual(fromSnapshot[0].findings.map((f) => f.detail), ['no such column: titel'], 'after dispose, the schema is rebuilt from the snapshot');
    cache.dispose();
    rebuilt.dispose();
  });
});

describe('lint: a virtual table whose module the checks\' SQLite lacks', () => {
  after(removeTempDatabases);
  const notes = 'CREATE TABLE note(id INTEGER PRIMARY KEY, body TEXT, title TEXT);';

  it('is a note at its statement, not an error; the statements after it are checked against a stand-in with its columns', async () => {
    const [r] = await lint([
      mig(1, notes),
      mig(2, "-- search\nCREATE VIRTUAL TABLE note_idx USING nosuchmodule(body, +aux, tokenize='porter');\nINSERT INTO note_idx (body, aux) VALUES ('a', 'b');\nINSERT INTO note_idx (bodyy) VALUES ('a');", 'DROP TABLE note_idx;'),
    ]);
    assert.deepEqual(r.findings.map((f) => [f.code, f.severity, f.line]), [['module-unchecked', 'info', 2], ['sql-error', 'error', 4]]);
    assert.equal(r.findings[0].detail, 'not checked: the SQLite these checks run on has no nosuchmodule module, so an ordinary table with the same columns stands in for note_idx');
    assert.match(r.findings[0].message, /^002_m2\.sql:2:1: not checked: /);
    assert.equal(r.findings[1].detail, 'table note_idx has no column named bodyy');
  });

  it('the migrations after it are checked against the stand-in, not skipped as after a failure', async () => {
    const [r] = await lint([
      mig(1, notes),
      mig(2, 'CREATE VIRTUAL TABLE note_idx USING nosuchmodule(body);'),
      mig(3, 'ALTER TABLE note ADD COLUMN tag TEXT;\nCREATE INDEX note_tag ON note(tagg);\nINSERT INTO note_idx (body) VALUES (1);'),
    ]);
    assert.deepEqual(r.findings.map((f) => [f.code, f.line, f.detail]), [['sql-error', 2, 'no such column: tagg']]);
  });

  it('fts5: checked for real where the engine has it; elsewhere its triggers, commands and rank still check clean', async () => {
    const probe = await openEmpty();
    const hasFts5 = probe.all("SELECT 1 FROM pragma_module_list WHERE name = 'fts5'").length > 0;
    probe.close();
    const [r] = await lint([
      mig(1, notes),
      mig(2, [
        "CREATE VIRTUAL TABLE IF NOT EXISTS note_fts USING fts5(body, title UNINDEXED, content='note', content_rowid='id', tokenize='porter unicode61');",
        'CREATE TRIGGER note_ai AFTER INSERT ON note BEGIN INSERT INTO note_fts(rowid, body, title) VALUES (new.id, new.body, new.title); END;',
        "INSERT INTO note_fts(note_fts) VALUES ('rebuild');",
        'SELECT rank FROM note_fts;',
      ].join('\n'), 'DROP TRIGGER note_ai;\nDROP TABLE note_fts;'),
    ]);
    assert.deepEqual(r.findings.map((f) => [f.code, f.line]), hasFts5 ? [] : [['module-unchecked', 1]]);
  });

  it('the stand-in keeps IF NOT EXISTS, the schema, quoted names and the hidden columns; options and nested parentheses are not columns', () => {
    const have = new Set(['rtree']);
    assert.equal(standInFor('CREATE VIRTUAL TABLE IF NOT EXISTS main."Note Fts" USING FTS5(body, "my col" UNINDEXED, prefix = \'2 3\', tokenize = "unicode61 remove_diacritics 2")', have)?.sql,
      'CREATE TABLE IF NOT EXISTS "main"."Note Fts" ("body", "my col", "Note Fts", "rank")');
    assert.equal(standInFor('CREATE VIRTUAL TABLE docs USING fts4(title TEXT, body, tokenize=porter)', have)?.sql, 'CREATE TABLE "docs" ("title", "body", "docs", "docid")');
    assert.equal(standInFor('CREATE VIRTUAL TABLE words USING spellfix1', have)?.sql, 'CREATE TABLE "words" ("stand_in")');
    assert.equal(standInFor('CREATE VIRTUAL TABLE box USING rtree(id, minX, maxX)', have), undefined, 'a module the engine has is run as it is');
    assert.equal(standInFor('CREATE TABLE t (a)', have), undefined);
  });
});
