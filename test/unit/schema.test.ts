import * as assert from 'node:assert/strict';
import type { Connection } from '../../src/core/engine/connection';
import type { Migration } from '../../src/core/model';
import { replayMigrations } from '../../src/core/run/replay';
import { appliedSchema } from '../../src/core/schema/applied';
import { schemaDrift } from '../../src/core/schema/drift';
import { dumpSchema, renderSchema } from '../../src/core/schema/dump';
import { firstDifference } from '../../src/core/schema/file';
import { ENGINE, openEmpty, removeTempDatabases } from './helpers/engines';

function migration(sequence: number, name: string, sql: string): Migration {
  const text = String(sequence).padStart(3, '0');
  return { sequence, sequenceText: text, slug: name, name: `${text}_${name}`, version: text, description: name, upPath: `/m/${text}_${name}.sql`, sql, checksum: 'x'.repeat(64) };
}

// Created in an order unlike the dump's: a view before the view it reads from sorts after it by name.
const SCHEMA = `
CREATE TABLE tasks (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0);
CREATE TABLE tags (task_id INTEGER NOT NULL REFERENCES tasks(id), tag TEXT NOT NULL, PRIMARY KEY (task_id, tag)) WITHOUT ROWID;
CREATE TABLE points (x REAL NOT NULL, y REAL NOT NULL, d REAL GENERATED ALWAYS AS (x * x + y * y) VIRTUAL, s TEXT AS (x || ',' || y) STORED) STRICT;
CREATE VIEW z_open AS SELECT id, title FROM tasks WHERE done = 0;
CREATE VIEW a_open_count AS SELECT count(*) AS n FROM z_open;
CREATE INDEX idx_tasks_title ON tasks(title);
CREATE TRIGGER tasks_done AFTER UPDATE OF done ON tasks BEGIN UPDATE tasks SET title = title WHERE id = NEW.id; END;
CREATE TRIGGER a_open_insert INSTEAD OF INSERT ON z_open BEGIN INSERT INTO tasks (title) VALUES (NEW.title); END;
CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, version TEXT);
CREATE TABLE schema_migrations_sql (version TEXT PRIMARY KEY, up_sql TEXT);
CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER);
CREATE TABLE _litestream_lock (id INTEGER);
INSERT INTO tasks (title) VALUES ('a');
`;

describe(`schema dump and drift (${ENGINE})`, () => {
  const open: Connection[] = [];
  async function db(sql: string): Promise<Connection> {
    const conn = await openEmpty();
    open.push(conn);
    conn.exec(sql);
    return conn;
  }
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  after(removeTempDatabases);

  it('dumps tables, indexes, views (dependencies first) and triggers in a stable order, without sqlite_sequence, the ledger or Litestream', async () => {
    const objects = dumpSchema(await db(SCHEMA));
    assert.deepEqual(objects.map((o) => `${o.type} ${o.name}`), [
      'table points', 'table tags', 'table tasks',
      'index idx_tasks_title',
      'view z_open', 'view a_open_count',
      'trigger tasks_done', 'trigger a_open_insert',
    ]);
    // Triggers sort by their table, then name: a_open_insert is on z_open, tasks_done on tasks.
    assert.deepEqual(objects.filter((o) => o.type === 'trigger').map((o) => o.name), ['tasks_done', 'a_open_insert']);
    const text = renderSchema(objects, { version: '1.2.0', name: '003_views' });
    assert.match(text, /^-- Schema produced by the applied migrations, up to version 1\.2\.0 \(003_views\)\.\n/);
    assert.match(text, /\) WITHOUT ROWID;\n/);
    assert.match(text, /\) STRICT;\n/);
    assert.match(text, /GENERATED ALWAYS AS \(x \* x \+ y \* y\) VIRTUAL/);
    assert.doesNotMatch(text, /sqlite_sequence|schema_migrations|_litestream_/);
    assert.equal(text.split('\n').filter((l) => l.startsWith('CREATE ')).length, 8);
    assert.ok(objects.every((o) => text.includes(`${o.sql};\n`)), 'each object is one statement ending in ;');
    const points = objects.find((o) => o.name === 'points');
    assert.deepEqual(points?.columns?.map((c) => c.definition), ['REAL NOT NULL', 'REAL NOT NULL', 'REAL GENERATED VIRTUAL', 'TEXT GENERATED STORED']);
  });

  it('the dump recreates the same schema, and creation order does not change it', async () => {
    const first = renderSchema(dumpSchema(await db(SCHEMA)), null);
    const again = await db(first);
    assert.equal(renderSchema(dumpSchema(again), null), first);
    // The same objects created in another order dump to the same text.
    const lines = SCHEMA.trim().split('\n').filter((l) => !l.startsWith('INSERT'));
    const tablesFirst = [...lines.filter((l) => l.startsWith('CREATE TABLE')).reverse(), ...lines.filter((l) => !l.startsWith('CREATE TABLE')).reverse()];
    const zFirst = tablesFirst.filter((l) => !l.includes('a_open')).concat(tablesFirst.filter((l) => l.includes('a_open')).reverse());
    assert.equal(renderSchema(dumpSchema(await db(zFirst.join('\n'))), null), first);
  });

  it('a statement whose text ends in a line comment still ends in a semicolon SQLite reads', async () => {
    const conn = await db('CREATE TABLE t (a INTEGER -- the count\n);\nCREATE VIEW v AS SELECT a FROM t -- all of them\n;');
    const text = renderSchema(dumpSchema(conn), null);
    assert.match(text, /SELECT a FROM t -- all of them\n;\n$/);
    assert.equal(renderSchema(dumpSchema(await db(text)), null), text);
  });

  it('leaves out the shadow tables of an FTS5 table where the engine has FTS5', async function () {
    const probe = await db('');
    try {
      probe.exec('CREATE VIRTUAL TABLE t USING fts5(x)');
    } catch {
      this.skip();
    }
    const conn = await db('CREATE VIRTUAL TABLE notes_fts USING fts5(body)');
    assert.deepEqual(dumpSchema(conn).map((o) => o.name), ['notes_fts']);
  });

  it('replays migrations on an empty in-memory database with the real runner, and names the one that fails', async () => {
    const good = await replayMigrations([migration(1, 'a', 'CREATE TABLE a (id INTEGER PRIMARY KEY);'), migration(2, 'b', 'CREATE INDEX idx_a ON a(id);')]);
    assert.ok(good.ok);
    assert.deepEqual(dumpSchema(good.value).map((o) => o.name), ['a', 'idx_a']);
    good.value.close();
    const bad = await replayMigrations([migration(1, 'a', 'CREATE TABLE a (id INTEGER);'), migration(2, 'broken', 'CREATE INDEX i ON nowhere(x);')]);
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error.message : '', /^Applying 002_broken to an empty database failed: .*no such table: (main\.)?nowhere/);
  });

  it('appliedSchema replays only what the ledger says is applied, and names the highest', async () => {
    const ms = [migration(1, 'a', 'CREATE TABLE a (id INTEGER PRIMARY KEY);'), migration(2, 'b', 'CREATE TABLE b (id INTEGER);')];
    const real = await openEmpty();
    open.push(real);
    const replayed = await replayMigrations([ms[0]], async () => real);
    assert.ok(replayed.ok);
    const schema = await appliedSchema(real, ms);
    assert.ok(schema.ok);
    assert.deepEqual(schema.value.objects.map((o) => o.name), ['a']);
    assert.deepEqual(schema.value.head, { version: '001', name: '001_a' });
  });

  describe('drift, each direction', () => {
    const BASE = 'CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL); CREATE INDEX idx_tasks_id ON tasks(id, title); CREATE VIEW v AS SELECT id FROM tasks;';
    async function drift(database: string, migrations = BASE): Promise<string[]> {
      return schemaDrift(dumpSchema(await db(database)), dumpSchema(await db(migrations)));
    }

    it('none when the schemas are the same, also with Litestream tables in the database', async () => {
      assert.deepEqual(await drift(`${BASE} CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER); CREATE TABLE _litestream_lock (id INTEGER);`), []);
    });

    it('an extra object in the database', async () => {
      assert.deepEqual(await drift(`${BASE} CREATE INDEX idx_tasks_title ON tasks(title);`), ['index idx_tasks_title exists in the database but in no migration']);
    });

    it('an object missing from the database', async () => {
      assert.deepEqual(await drift(BASE.replace('CREATE VIEW v AS SELECT id FROM tasks;', '')), ['view v is missing from the database']);
    });

    it('a column added, missing or changed', async () => {
      assert.deepEqual(await drift(`${BASE} ALTER TABLE tasks ADD COLUMN archived INTEGER;`), ['column tasks.archived exists in the database but in no migration']);
      assert.deepEqual(await drift(BASE, `${BASE} ALTER TABLE tasks ADD COLUMN archived INTEGER;`), ['column tasks.archived is missing from the database']);
      assert.deepEqual(await drift(BASE.replace('title TEXT NOT NULL', 'title TEXT')), ['column tasks.title differs: TEXT in the database, TEXT NOT NULL in the migrations']);
    });

    it('a changed index, and a table whose constraints differ', async () => {
      assert.deepEqual(await drift(BASE.replace('ON tasks(id, title)', 'ON tasks(title, id)')), [
        'index idx_tasks_id differs: the database has "CREATE INDEX idx_tasks_id ON tasks(title, id)", the migrations produce "CREATE INDEX idx_tasks_id ON tasks(id, title)"',
      ]);
      const [only] = await drift(BASE.replace('title TEXT NOT NULL)', 'title TEXT NOT NULL, CHECK (title <> \'\'))'));
      assert.match(only, /^table tasks differs: the database has "CREATE TABLE tasks \(.*CHECK/);
    });
  });

  it('firstDifference names the first differing line; CRLF and a final newline are no difference', () => {
    assert.equal(firstDifference('a\r\nb\r\n', 'a\nb'), undefined);
    assert.deepEqual(firstDifference('a\nb\nc\n', 'a\nB\nc\n'), { line: 2, detail: 'the file has "b", the migrations produce "B"' });
    assert.equal(firstDifference('a\n', 'a\nb\n')?.line, 2);
  });
});
