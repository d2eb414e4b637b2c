import * as assert from 'node:assert/strict';
import type { Connection } from '../../src/core/engine/connection';
import { dumpSchema } from '../../src/core/schema/dump';
import { schemaDrift } from '../../src/core/schema/drift';
import { driftMigration } from '../../src/core/schema/driftSql';
import { splitStatements } from '../../src/core/sql/script';
import { ENGINE, openEmpty, removeTempDatabases } from './helpers/engines';

// The drift-to-migration generator on real databases: what the migrations produce, what the database has, and the
// generated up (and down) files run on the first until it is the second (and back).
const BASE = 'CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL);\nCREATE INDEX idx_tasks_title ON tasks(title);';

async function schemaOf(sql: string): Promise<Connection> {
  const db = await openEmpty();
  db.exec(sql);
  return db;
}

function statements(text: string): number {
  return splitStatements(text).length;
}

describe(`drift as a new migration (${ENGINE})`, () => {
  const open: Connection[] = [];
  after(() => {
    for (const db of open.splice(0)) db.close();
    removeTempDatabases();
  });

  async function drift(migrated: string, database: string) {
    const m = await schemaOf(migrated);
    const d = await schemaOf(database);
    open.push(m, d);
    const body = driftMigration(dumpSchema(d), dumpSchema(m));
    assert.ok(body, 'expected drift');
    return { m, d, body };
  }

  /** The up file turns the migrations' schema into the database's; the down file turns it back. */
  async function roundTrip(migrated: string, database: string) {
    const { m, d, body } = await drift(migrated, database);
    const wanted = dumpSchema(d);
    const before = dumpSchema(m);
    m.exec(body.up);
    assert.deepEqual(schemaDrift(wanted, dumpSchema(m)), []);
    m.exec(body.down);
    assert.deepEqual(schemaDrift(before, dumpSchema(m)), []);
    return body;
  }

  it('an extra index: the up file creates it, the down file drops it', async () => {
    const body = await roundTrip(BASE, `${BASE}\nCREATE INDEX idx_by_hand ON tasks(id, title);`);
    assert.equal(body.up, 'CREATE INDEX IF NOT EXISTS idx_by_hand ON tasks(id, title);\n');
    // Applied to the drifted database itself, it changes nothing.
    const { d } = await drift(BASE, `${BASE}\nCREATE INDEX idx_by_hand ON tasks(id, title);`);
    const had = dumpSchema(d);
    d.exec(body.up);
    assert.deepEqual(dumpSchema(d), had);
    assert.equal(body.down, 'DROP INDEX IF EXISTS "idx_by_hand";\n');
  });

  it('an extra table with its index and trigger: created, then dropped in reverse order', async () => {
    const extra = 'CREATE TABLE "order" (id INTEGER PRIMARY KEY, task_id INTEGER REFERENCES tasks(id));\nCREATE INDEX idx_order_task ON "order"(task_id);\n' +
      'CREATE TRIGGER order_gone AFTER DELETE ON tasks BEGIN DELETE FROM "order" WHERE task_id = old.id; END;';
    const body = await roundTrip(BASE, `${BASE}\n${extra}`);
    assert.equal(statements(body.up), 3);
    assert.match(body.down, /^DROP TRIGGER IF EXISTS "order_gone";\n\nDROP INDEX IF EXISTS "idx_order_task";\n\nDROP TABLE IF EXISTS "order";\n$/);
  });

  it('a missing index: the up file drops it, the down file creates it again', async () => {
    const body = await roundTrip(BASE, 'CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL);');
    assert.equal(body.up, 'DROP INDEX IF EXISTS "idx_tasks_title";\n');
    assert.equal(body.down, 'CREATE INDEX IF NOT EXISTS idx_tasks_title ON tasks(title);\n');
  });

  it('a changed column: a commented recreate recipe naming both definitions, nothing that runs', async () => {
    const { body } = await drift(BASE, 'CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL UNIQUE);\nCREATE INDEX idx_tasks_title ON tasks(title);');
    assert.equal(statements(body.up), 0, body.up);
    assert.equal(statements(body.down), 0, body.down);
    assert.match(body.up, /^-- table tasks differs\. In the migrations:\n--   CREATE TABLE tasks \(id INTEGER PRIMARY KEY, title TEXT NOT NULL\)\n-- In the database:\n--   CREATE TABLE tasks \(id INTEGER PRIMARY KEY, title TEXT NOT NULL UNIQUE\)\n/);
    assert.match(body.up, /--   1\. CREATE TABLE "tasks_new" with the definition in the database above;/);
    assert.match(body.up, /--   2\. INSERT INTO "tasks_new" \("id", "title"\) SELECT "id", "title" FROM "tasks";/);
    assert.match(body.down, /^-- table tasks differs\. In the database:\n[^]*\n-- In the migrations:\n--   CREATE TABLE tasks \(id INTEGER PRIMARY KEY, title TEXT NOT NULL\)\n/);
  });

  it('a column added by hand with ALTER TABLE ... ADD COLUMN: the up file adds it as the database has it, the down file drops it', async () => {
    const m = await schemaOf(BASE);
    const d = await schemaOf(BASE);
    open.push(m, d);
    d.exec('ALTER TABLE tasks ADD COLUMN extra TEXT;\nALTER TABLE tasks ADD COLUMN "rank" INTEGER NOT NULL DEFAULT 0 CHECK ("rank" >= 0);\nCREATE INDEX idx_extra ON tasks(extra);');
    const real = driftMigration(dumpSchema(d), dumpSchema(m));
    assert.ok(real);
    assert.match(real.up, /^-- SQLite has no ADD COLUMN IF NOT EXISTS[^]*\nALTER TABLE "tasks" ADD COLUMN extra TEXT;\n\nALTER TABLE "tasks" ADD COLUMN "rank" INTEGER NOT NULL DEFAULT 0 CHECK \("rank" >= 0\);\n\nCREATE INDEX IF NOT EXISTS idx_extra ON tasks\(extra\);\n$/);
    assert.equal(real.down, 'DROP INDEX IF EXISTS "idx_extra";\n\nALTER TABLE "tasks" DROP COLUMN "rank";\n\nALTER TABLE "tasks" DROP COLUMN "extra";\n');
    const before = dumpSchema(m);
    m.exec(real.up);
    assert.deepEqual(schemaDrift(dumpSchema(d), dumpSchema(m)), []);
    m.exec(real.down);
    assert.deepEqual(schemaDrift(before, dumpSchema(m)), []);
    // No guard is possible: on the drifted database itself the statement fails, as its comment says.
    assert.throws(() => d.exec('ALTER TABLE "tasks" ADD COLUMN extra TEXT;'), /duplicate column name/);
  });

  it('columns ADD COLUMN can add: REFERENCES with a NULL default, a VIRTUAL generated column; the file says it adds columns', async () => {
    for (const column of ['team_id INTEGER REFERENCES tasks(id)', 'title_len INTEGER GENERATED ALWAYS AS (length(title)) VIRTUAL', 'title_upper TEXT AS (upper(title))']) {
      const body = await roundTrip(BASE, `${BASE}\nALTER TABLE tasks ADD COLUMN ${column};`);
      assert.match(body.up, new RegExp(`\\nALTER TABLE "tasks" ADD COLUMN ${column.replace(/[()]/g, '\\$&')};\\n$`));
      assert.deepEqual([body.addsColumns, body.handWork], [true, false]);
    }
  });

  it('an added column ADD COLUMN cannot add (UNIQUE, NOT NULL without a default, CURRENT_TIMESTAMP) or not at the end: the recipe', async () => {
    for (const database of [
      'CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL, title_len INTEGER AS (length(title)) STORED);',
      'CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL, parent INTEGER DEFAULT 1 REFERENCES tasks(id));',
      'CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL, code TEXT UNIQUE);',
      'CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL, due TEXT NOT NULL);',
      'CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL, at TEXT DEFAULT CURRENT_TIMESTAMP);',
      'CREATE TABLE tasks (id INTEGER PRIMARY KEY, extra TEXT, title TEXT NOT NULL);',
      'CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL COLLATE NOCASE, extra TEXT);',
    ]) {
      const { body } = await drift(BASE, `${database}\nCREATE INDEX idx_tasks_title ON tasks(title);`);
      assert.equal(statements(body.up), 0, body.up);
      assert.match(body.up, /-- table tasks differs\. In the migrations:/);
      assert.deepEqual([body.addsColumns, body.handWork], [false, true]);
    }
  });

  it('a changed index: a commented recipe that, uncommented, recreates it', async () => {
    const { body } = await drift(BASE, 'CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL);\nCREATE INDEX idx_tasks_title ON tasks(title DESC);');
    assert.equal(statements(body.up), 0);
    assert.match(body.up, /-- To recreate it, uncomment:\n-- DROP INDEX IF EXISTS "idx_tasks_title";\n--   CREATE INDEX IF NOT EXISTS idx_tasks_title ON tasks\(title DESC\);/);
  });

  it('no drift, no migration', async () => {
    const a = await schemaOf(BASE);
    const b = await schemaOf(BASE);
    open.push(a, b);
    assert.equal(driftMigration(dumpSchema(a), dumpSchema(b)), undefined);
  });
});
