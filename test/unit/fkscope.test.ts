import * as assert from 'node:assert/strict';
import type { Connection } from '../../src/core/engine/connection';
import { foreignKeyScope, snapshotSchema } from '../../src/core/run/fkscope';
import { tableWrites, writtenTables } from '../../src/core/sql/writes';
import { ensureLedger } from '../../src/core/ledger/ledger';
import { applyMigration } from '../../src/core/run/runner';
import { makeMigration } from '../fixtures/spec/load';
import { ENGINE, openEmpty, removeTempDatabases } from './helpers/engines';

const ctx = { now: () => new Date('2025-10-19T14:30:00Z') };

const BASE = `
CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER REFERENCES projects(id), title TEXT);
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
CREATE TABLE tags (task_id INTEGER REFERENCES tasks(id), tag TEXT, PRIMARY KEY (task_id, tag)) WITHOUT ROWID;
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
CREATE TRIGGER notes_cleanup AFTER INSERT ON audit BEGIN DELETE FROM projects WHERE id = NEW.id; END;
INSERT INTO projects VALUES (1, 'alpha'), (2, 'beta');
INSERT INTO tasks VALUES (10, 1, 'a'), (11, 2, 'b');
INSERT INTO tags VALUES (10, 'x');
`;

describe(`fkscope: which tables a migration must foreign-key-check (${ENGINE})`, () => {
  let db: Connection;
  beforeEach(async () => {
    db = await openEmpty();
    db.exec(BASE);
    assert.ok(ensureLedger(db).ok);
  });
  afterEach(() => db.close());
  after(removeTempDatabases);

  const written: [string, string[]][] = [
    ['INSERT INTO tasks VALUES (1)', ['tasks']],
    ['insert or replace into "Odd ""Name""" values (1)', ['odd "name"']],
    ['REPLACE INTO main.tasks VALUES (1)', ['tasks']],
    ['UPDATE OR IGNORE [tasks] SET title = 1', ['tasks']],
    ['DELETE FROM projects', ['projects']],
    ['WITH x AS (SELECT 1) DELETE FROM `projects` WHERE id IN x', ['projects']],
    ['CREATE TRIGGER t AFTER UPDATE OF title ON tasks BEGIN DELETE FROM notes; END', ['of', 'notes']],
    ["SELECT 'INSERT INTO tasks' FROM projects -- DELETE FROM tasks", []],
    ['ALTER TABLE tasks ADD COLUMN x TEXT', []],
  ];
  for (const [sql, tables] of written) {
    it(`finds the tables written by: ${sql}`, () => assert.deepEqual(writtenTables(sql), tables));
  }

  const changes: [string, Pick<ReturnType<typeof tableWrites>[number], 'kind' | 'columns'>][] = [
    ["INSERT INTO tasks VALUES (1, 1, 'a')", { kind: 'insert' }],
    ["INSERT OR REPLACE INTO tasks VALUES (1, 1, 'a')", { kind: 'upsert' }],
    ['INSERT INTO tasks VALUES (1, 1, 1) ON CONFLICT (id) DO UPDATE SET title = 2', { kind: 'upsert' }],
    ["UPDATE tasks SET title = 'x', \"project_id\" = 2 WHERE id = 1", { kind: 'update', columns: ['title', 'project_id'] }],
    ['UPDATE tasks SET (title, project_id) = (SELECT 1, 2) WHERE id IN (SELECT id FROM t WHERE x = 1)', { kind: 'update', columns: ['title', 'project_id'] }],
    ["UPDATE tasks SET title = (SELECT name FROM projects WHERE id = 1) FROM projects WHERE id = 2", { kind: 'update', columns: ['title'] }],
    ['UPDATE OR REPLACE tasks SET title = 1', { kind: 'upsert' }],
    ['DELETE FROM tasks WHERE id = 1', { kind: 'delete' }],
  ];
  for (const [sql, expected] of changes) {
    it(`knows how ${sql} writes`, () => {
      const [w] = tableWrites(sql);
      assert.deepEqual({ kind: w.kind, ...(w.columns ? { columns: w.columns } : {}) }, expected);
    });
  }

  function scopeOf(sql: string): string[] {
    const before = snapshotSchema(db);
    db.exec(sql);
    return foreignKeyScope(db, before, snapshotSchema(db), [sql]).sort();
  }

  it('checks nothing for a migration that touches no table with foreign keys', () => {
    assert.deepEqual(scopeOf('CREATE INDEX idx_notes ON notes(body); INSERT INTO notes (body) VALUES (1);'), []);
  });

  it('checks the children of a parent whose rows were deleted, even by a trigger on another table', () => {
    assert.deepEqual(scopeOf("INSERT INTO audit VALUES (1, 'x')"), ['tasks']);
  });

  it('does not check the children of a table that only gained rows', () => {
    assert.deepEqual(scopeOf("INSERT INTO projects VALUES (3, 'gamma')"), []);
    assert.deepEqual(scopeOf("INSERT INTO tasks VALUES (12, 3, 'c')"), ['tasks']);
  });

  it('checks the children of an updated table only when the update assigns a key they reference', () => {
    assert.deepEqual(scopeOf("UPDATE projects SET name = upper(name)"), []);
    assert.deepEqual(scopeOf('UPDATE projects SET id = id + 100'), ['tasks']);
    assert.deepEqual(scopeOf('UPDATE projects SET rowid = rowid'), ['tasks']);
    assert.deepEqual(scopeOf("UPDATE tasks SET title = 'renamed'"), []);
    assert.deepEqual(scopeOf('UPDATE tasks SET project_id = 2'), ['tasks']);
    assert.deepEqual(scopeOf('DELETE FROM tags'), []);
  });

  it('checks nothing for a column added without a reference, and the table for one added with a reference', () => {
    assert.deepEqual(scopeOf('ALTER TABLE projects ADD COLUMN owner TEXT; ALTER TABLE tasks ADD COLUMN done INTEGER DEFAULT 0;'), []);
    assert.deepEqual(scopeOf('ALTER TABLE tasks ADD COLUMN owner_id INTEGER REFERENCES projects(id) DEFAULT 7;'), ['tasks']);
  });

  it('checks the children of a table changed by REPLACE or an upsert', () => {
    assert.deepEqual(scopeOf("INSERT OR REPLACE INTO projects VALUES (1, 'again')"), ['tasks']);
    assert.deepEqual(scopeOf("INSERT INTO projects VALUES (2, 'b') ON CONFLICT (id) DO UPDATE SET id = 9"), ['tasks']);
  });

  it('checks a child that was rebuilt, and a WITHOUT ROWID child that was written', () => {
    assert.deepEqual(scopeOf('CREATE TABLE tasks_new (id INTEGER PRIMARY KEY, project_id INTEGER REFERENCES projects(id)); INSERT INTO tasks_new SELECT id, project_id FROM tasks; DROP TABLE tasks; ALTER TABLE tasks_new RENAME TO tasks;'), ['tags', 'tasks']);
    assert.deepEqual(scopeOf("INSERT INTO tags VALUES (99, 'y')"), ['tags']);
  });

  const violating: [string, string][] = [
    ['an upsert that moves a parent key', "INSERT INTO projects VALUES (2, 'b') ON CONFLICT (id) DO UPDATE SET id = 9;"],
    ['an update that moves a parent key among other columns', "UPDATE projects SET name = 'x', id = 7 WHERE id = 2;"],
    ['an update of a child that points it nowhere', 'UPDATE tasks SET title = upper(title), project_id = 42 WHERE id = 10;'],
    ['a column added with a reference its default does not meet', 'ALTER TABLE tasks ADD COLUMN owner_id INTEGER REFERENCES projects(id) DEFAULT 7;'],
    ['a tuple update that moves a parent key', 'UPDATE projects SET (name, id) = (SELECT name, 8 FROM projects WHERE id = 1) WHERE id = 1;'],
    ['a child row pointing nowhere', 'INSERT INTO tasks VALUES (12, 3, \'c\');'],
    ['a parent table emptied (the truncate optimisation fires no row hooks)', 'DELETE FROM projects;'],
    ['a parent row deleted by a trigger on an unrelated table', "INSERT INTO audit VALUES (2, 'x');"],
    ['a parent key changed', 'UPDATE projects SET id = 5 WHERE id = 1;'],
    ['a parent rebuilt without some rows', 'DROP TRIGGER notes_cleanup; CREATE TABLE p2 (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO p2 SELECT * FROM projects WHERE id = 1; DROP TABLE projects; ALTER TABLE p2 RENAME TO projects;'],
    ['a WITHOUT ROWID child row pointing nowhere', "INSERT INTO tags VALUES (99, 'y');"],
  ];
  /** The schema and every row of BASE's tables (tags is WITHOUT ROWID, so ordered by its key, not by rowid). */
  function contents(): string {
    const schema = db.all("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'schema_migrations%' ORDER BY type, name");
    const rows = ['projects', 'tasks', 'notes', 'tags', 'audit'].map((t) => db.all(`SELECT * FROM ${t} ORDER BY 1, 2`));
    return JSON.stringify({ schema, rows });
  }

  for (const [what, sql] of violating) {
    it(`a migration fails and is rolled back on ${what}`, () => {
      const before = contents();
      const outcome = applyMigration(db, makeMigration(1, 'change', sql), null, ctx);
      assert.equal(outcome.ok, false);
      assert.equal(outcome.error?.code, 'foreign-key-violations');
      assert.equal(contents(), before);
    });
  }

  describe('foreign keys as SQLite judges them', () => {
    /** Old orphan rows, written with enforcement off the way another program could have left them. */
    function addOrphans(): void {
      db.exec("PRAGMA foreign_keys = OFF; INSERT INTO tasks VALUES (20, 98, 'orphan'), (21, 99, 'orphan too'); PRAGMA foreign_keys = ON;");
    }

    it('applies an unrelated migration on a database with old orphan rows', () => {
      addOrphans();
      const outcome = applyMigration(db, makeMigration(1, 'index', 'CREATE INDEX idx_notes ON notes(body);'), null, ctx);
      assert.equal(outcome.ok, true, outcome.error?.message);
    });

    it('applies a migration that writes or rebuilds the table that holds them, as long as it adds none', () => {
      addOrphans();
      assert.equal(applyMigration(db, makeMigration(1, 'write', "INSERT INTO tasks VALUES (12, 1, 'c'); UPDATE tasks SET project_id = 2 WHERE id = 10;"), null, ctx).ok, true);
      // A rebuild without INTEGER PRIMARY KEY renumbers rowids: the old orphans still count as old.
      const rebuild = 'CREATE TABLE t2 (id INTEGER, project_id INTEGER REFERENCES projects(id), title TEXT); INSERT INTO t2 SELECT * FROM tasks ORDER BY id DESC; DROP TABLE tasks; ALTER TABLE t2 RENAME TO tasks;';
      const outcome = applyMigration(db, makeMigration(2, 'rebuild', 'DROP TABLE tags; ' + rebuild), null, ctx);
      assert.equal(outcome.ok, true, outcome.error?.message);
      assert.equal(db.all('PRAGMA foreign_key_check').length, 2);
    });

    it('fails a migration that adds a violation on a database with old ones, naming only the new one', () => {
      addOrphans();
      const before = contents();
      const outcome = applyMigration(db, makeMigration(1, 'more', "DELETE FROM tasks WHERE id = 20; INSERT INTO tasks VALUES (22, 97, 'new orphan');"), null, ctx);
      assert.deepEqual([outcome.ok, outcome.error?.code], [false, 'foreign-key-violations']);
      assert.match(outcome.error?.message ?? '', /tasks rowid 22 references missing projects row/);
      assert.doesNotMatch(outcome.error?.message ?? '', /rowid 21/);
      assert.equal(contents(), before);
    });

    it('applies a foreign key naming a table a later migration creates, with a warning, and the later one without', () => {
      const first = applyMigration(db, makeMigration(1, 'comments', 'CREATE TABLE comments (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors(id));'), null, ctx);
      assert.equal(first.ok, true, first.error?.message);
      const warning = first.warnings.find((w) => w.code === 'foreign-key-dangling');
      assert.equal(warning?.severity, 'warning');
      assert.match(warning?.message ?? '', /comments\.author_id references authors/);
      const second = applyMigration(db, makeMigration(2, 'authors', 'CREATE TABLE authors (id INTEGER PRIMARY KEY);'), null, ctx);
      assert.equal(second.ok, true, second.error?.message);
      assert.deepEqual(second.warnings, []);
    });

    it('still fails rows that point at a table that does not exist', () => {
      const outcome = applyMigration(db, makeMigration(1, 'comments', 'CREATE TABLE comments (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors(id));\nINSERT INTO comments VALUES (1, 5);'), null, ctx);
      assert.deepEqual([outcome.ok, outcome.error?.code], [false, 'foreign-key-violations']);
    });
  });
});
