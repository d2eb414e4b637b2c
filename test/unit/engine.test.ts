import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { resolveConfig } from '../../src/core/config';
import * as engine from '../../src/core/engine';
import { EngineChooser } from '../../src/core/engine/choose';
import { LedgerCache } from '../../src/core/ledger/cache';
import { ENGINE } from './helpers/engines';
import { hasSqlite3, Sqlite3Session, sqlite3 } from './helpers/sqlite3';
import { makeWorkspace, removeWorkspace, writeFile } from './helpers/workspace';

describe('engine: status with a ledger cache', () => {
  let root: string;
  let db: string;
  const config = () => resolveConfig(root, {});
  // One per test, as the extension keeps one: it knows the engine after the first status, so a cached
  // status starts no process at all.
  let engines: EngineChooser;
  const names = (r: engine.OperationOutcome) => (r.ok ? r.value.states.map((s) => `${s.name}:${s.status}`) : r.error.map((p) => p.code));

  beforeEach(async () => {
    engines = new EngineChooser();
    root = makeWorkspace({
      'migrations/001_projects.sql': 'CREATE TABLE projects (id INTEGER PRIMARY KEY);\n',
      'migrations/001_projects.down.sql': 'DROP TABLE projects;\n',
    });
    db = path.join(root, 'data', 'app.db');
    const up = await engine.migrateUp(config(), {});
    assert.ok(up.ok && up.value.written);
  });
  afterEach(() => removeWorkspace(root));

  it('re-merges a new migration file with the remembered ledger, without reading the unchanged database', async () => {
    const ledgerCache = new LedgerCache();
    const when = new Date('2025-10-19T14:30:00Z');
    fs.utimesSync(db, when, when);
    assert.deepEqual(names(await engine.status(config(), { ledgerCache, engines })), ['001_projects:applied']);
    // Garbage of the same size and the same mtime: only a status that did not read the file can still succeed.
    fs.writeFileSync(db, Buffer.alloc(fs.statSync(db).size, 0x41));
    fs.utimesSync(db, when, when);
    writeFile(root, 'migrations/002_tasks.sql', 'CREATE TABLE tasks (id INTEGER PRIMARY KEY);\n');
    assert.deepEqual(names(await engine.status(config(), { ledgerCache, engines })), ['001_projects:applied', '002_tasks:pending']);
    assert.deepEqual(names(await engine.status(config())), ['db-not-sqlite']);
  });

  it('reads the database again once it changed on disk', async () => {
    const ledgerCache = new LedgerCache();
    await engine.status(config(), { ledgerCache, engines });
    fs.writeFileSync(db, Buffer.alloc(fs.statSync(db).size, 0x41));
    fs.utimesSync(db, new Date(), new Date(Date.now() + 5000));
    assert.deepEqual(names(await engine.status(config(), { ledgerCache, engines })), ['db-not-sqlite']);
  });

  it('on the sql.js engine, still refuses sidecar files on a cached status', async () => {
    const ledgerCache = new LedgerCache();
    const sqljs = resolveConfig(root, { engine: 'sqljs' });
    await engine.status(sqljs, { ledgerCache, engines });
    fs.writeFileSync(db + '-wal', Buffer.alloc(64, 1));
    assert.deepEqual(names(await engine.status(sqljs, { ledgerCache, engines })), ['db-sidecar']);
  });

  it('reads the database again when a commit landed only in its -wal (the main file unchanged)', async function () {
    if (!hasSqlite3()) this.skip();
    const ledgerCache = new LedgerCache();
    sqlite3(db, 'PRAGMA journal_mode = WAL;');
    const app = Sqlite3Session.open(db);
    try {
      await app.run('SELECT count(*) FROM schema_migrations;');
      assert.deepEqual(names(await engine.status(config(), { ledgerCache, engines })), ENGINE === 'native' ? ['001_projects:applied'] : ['db-sidecar']);
      const mainFile = fs.statSync(db);
      await app.run("UPDATE schema_migrations SET status = 'rolled_back';");
      assert.equal(fs.statSync(db).mtimeMs, mainFile.mtimeMs, 'the commit stays in the -wal');
      assert.deepEqual(names(await engine.status(config(), { ledgerCache, engines })), ENGINE === 'native' ? ['001_projects:rolled_back'] : ['db-sidecar']);
    } finally {
      await app.close();
    }
  });
});

describe('engine: what up refuses before it runs anything', () => {
  let root: string;
  beforeEach(() => {
    root = makeWorkspace({
      'migrations/001_projects.sql': 'CREATE TABLE projects (id INTEGER PRIMARY KEY);\n',
      'migrations/001_projects.down.sql': 'DROP TABLE projects;\n',
    });
  });
  afterEach(() => removeWorkspace(root));
  const db = () => path.join(root, 'data', 'app.db');

  for (const [why, file] of [
    ['a badly named file', 'migrations/002-add-tasks.sql'],
    ['two files with one sequence', 'migrations/001_other.sql'],
  ] as const) {
    it(`${why}: refused, naming the file, and nothing runs`, async () => {
      writeFile(root, file, 'CREATE TABLE t (id INTEGER);\n');
      const up = await engine.migrateUp(resolveConfig(root, {}), {});
      assert.ok(!up.ok, 'up must refuse');
      assert.ok(up.error.some((p) => p.file === path.join(root, file)), JSON.stringify(up.error));
      assert.equal(fs.existsSync(db()), false);
    });
  }

  it("a database whose schema_migrations belongs to another tool: refused, and left as it was", async function () {
    if (!hasSqlite3()) this.skip();
    fs.mkdirSync(path.dirname(db()));
    sqlite3(db(), 'CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (3, 0);');
    const before = fs.readFileSync(db());
    const up = await engine.migrateUp(resolveConfig(root, {}), {});
    assert.ok(!up.ok);
    assert.match(up.error[0].message, /golang-migrate's migration table/);
    assert.deepEqual(fs.readFileSync(db()), before);
  });
});
