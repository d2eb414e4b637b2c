import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readDatabaseFile } from '../../src/core/engine/sqljs/dbfile';
import { checkSidecars } from '../../src/core/engine/sqljs/sidecars';
import { loadSqlJs } from '../../src/core/engine/sqljs/load';
import { hasSqlite3, killAllSessions, Sqlite3Session, sqlite3 } from './helpers/sqlite3';

const MAX = { maxBytes: 1024 * 1024 * 1024 };

/** Name -> size of every file in the folder: proves sidecars were neither created, deleted nor touched. */
function listing(dir: string): Record<string, number> {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.statSync(path.join(dir, f)).size]));
}

async function rowCountSeenBySqlJs(bytes: Uint8Array): Promise<number> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(bytes);
  try {
    return Number(db.exec('SELECT count(*) FROM t')[0].values[0][0]);
  } finally {
    db.close();
  }
}

describe('sidecars', () => {
  let root: string;
  let dir: string;
  let db: string;

  before(() => {
    assert.ok(hasSqlite3(), 'these tests need the sqlite3 shell (Debian package sqlite3)');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sidecars-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(root, 'case-'));
    db = path.join(dir, 'app.db');
  });
  afterEach(() => killAllSessions());

  it('accepts a database with no sidecars and creates none', async () => {
    sqlite3(db, 'CREATE TABLE t(x); INSERT INTO t VALUES (1);');
    const before = listing(dir);
    assert.deepEqual(await checkSidecars(db), { ok: true, value: undefined });
    assert.deepEqual(listing(dir), before);
    assert.deepEqual(Object.keys(before), ['app.db']);
  });

  it('refuses a WAL database whose -wal holds committed rows while sqlite3 keeps it open', async () => {
    sqlite3(db, 'PRAGMA journal_mode=WAL; CREATE TABLE t(x);');
    const session = Sqlite3Session.open(db);
    await session.run("PRAGMA wal_autocheckpoint=0; INSERT INTO t VALUES ('committed 1'), ('committed 2');");
    const dbBytes = fs.readFileSync(db);
    const before = listing(dir);
    assert.ok(before['app.db-wal'] > 0 && 'app.db-shm' in before);
    // The failure this prevents: the main file alone does not hold the committed rows.
    assert.equal(await rowCountSeenBySqlJs(dbBytes), 0);

    const check = await checkSidecars(db);
    assert.equal(check.ok, false);
    const message = check.ok ? '' : check.error.message;
    assert.match(message, /app\.db-wal holds \d+ bytes of committed changes/);
    assert.match(message, /app\.db-shm exists/);
    assert.match(message, /PRAGMA wal_checkpoint\(TRUNCATE\)/);
    const read = await readDatabaseFile(db, MAX);
    assert.equal(read.ok ? 'ok' : read.error.code, 'db-sidecar');
    assert.deepEqual(fs.readFileSync(db), dbBytes);
    assert.deepEqual(listing(dir), before);

    // Following the advice (closing the program) makes the rows reach the file, and the read works.
    assert.equal(await session.close(), 0);
    const after = await readDatabaseFile(db, MAX);
    assert.ok(after.ok && after.value.bytes);
    assert.equal(await rowCountSeenBySqlJs(after.value.bytes), 2);
  });

  it('refuses the -wal and -shm a crashed WAL writer left, and a -wal alone', async () => {
    sqlite3(db, 'PRAGMA journal_mode=WAL; CREATE TABLE t(x);');
    const session = Sqlite3Session.open(db);
    await session.run('PRAGMA wal_autocheckpoint=0; INSERT INTO t VALUES (1);');
    await session.kill();
    const both = await checkSidecars(db);
    assert.ok(!both.ok && /-wal holds/.test(both.error.message) && /-shm exists/.test(both.error.message));

    fs.rmSync(`${db}-shm`);
    const walOnly = await checkSidecars(db);
    assert.ok(!walOnly.ok);
    assert.match(walOnly.error.message, /-wal holds/);
    assert.doesNotMatch(walOnly.error.message, /-shm/);
    assert.ok(fs.statSync(`${db}-wal`).size > 0, 'the -wal is left for SQLite to recover');
  });

  it('refuses an -shm with an empty -wal: another program still has the database open', async () => {
    sqlite3(db, 'PRAGMA journal_mode=WAL; CREATE TABLE t(x);');
    const session = Sqlite3Session.open(db);
    await session.run('INSERT INTO t VALUES (1); PRAGMA wal_checkpoint(TRUNCATE);');
    assert.equal(fs.statSync(`${db}-wal`).size, 0);
    const check = await checkSidecars(db);
    assert.ok(!check.ok);
    assert.match(check.error.message, /app\.db-shm exists, so a program has the database open in WAL mode/);
    assert.doesNotMatch(check.error.message, /-wal holds/);
    await session.close();
    assert.equal((await checkSidecars(db)).ok, true);
  });

  it('refuses a hot journal left by a writer killed mid-transaction, and leaves it for SQLite to roll back', async () => {
    sqlite3(db, 'CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000) INSERT INTO t SELECT i, zeroblob(300) FROM c;');
    const committed = fs.readFileSync(db);
    const session = Sqlite3Session.open(db);
    // A tiny cache makes SQLite spill uncommitted pages into the database file before COMMIT.
    await session.run('PRAGMA cache_size=2; BEGIN; UPDATE t SET v = randomblob(300);');
    await session.kill();
    const journal = fs.readFileSync(`${db}-journal`);
    const crashed = fs.readFileSync(db);
    assert.notDeepEqual(crashed, committed, 'the file holds uncommitted pages: what sql.js would read');

    const read = await readDatabaseFile(db, MAX);
    assert.ok(!read.ok);
    assert.equal(read.error.code, 'db-sidecar');
    assert.match(read.error.message, /app\.db-journal holds an unfinished transaction/);
    assert.deepEqual(fs.readFileSync(db), crashed);
    assert.deepEqual(fs.readFileSync(`${db}-journal`), journal);

    // SQLite itself rolls the journal back on the next open: the committed state returns.
    assert.equal(sqlite3(db, 'PRAGMA integrity_check; SELECT count(*) FROM t WHERE v = zeroblob(300);'), 'ok\n2000\n');
    assert.deepEqual(fs.readFileSync(db), committed);
    assert.equal((await readDatabaseFile(db, MAX)).ok, true);
  });

  it('refuses the live journal of a transaction still in progress', async () => {
    sqlite3(db, 'CREATE TABLE t(x); INSERT INTO t VALUES (1);');
    const session = Sqlite3Session.open(db);
    await session.run('BEGIN; INSERT INTO t VALUES (2); UPDATE t SET x = x + 10;');
    const check = await checkSidecars(db);
    assert.ok(!check.ok && /-journal holds an unfinished transaction/.test(check.error.message));
    await session.run('COMMIT;');
    await session.close();
    assert.equal((await checkSidecars(db)).ok, true);
  });

  const coldJournals = [
    { mode: 'TRUNCATE', expect: (j: Buffer) => assert.equal(j.length, 0) },
    { mode: 'PERSIST', expect: (j: Buffer) => assert.ok(j.length > 0 && j[0] === 0) },
  ];
  for (const { mode, expect } of coldJournals) {
    it(`accepts the finished journal journal_mode=${mode} leaves behind`, async () => {
      sqlite3(db, `PRAGMA journal_mode=${mode}; CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3);`);
      expect(fs.readFileSync(`${db}-journal`));
      assert.equal((await checkSidecars(db)).ok, true);
      const read = await readDatabaseFile(db, MAX);
      assert.ok(read.ok && read.value.bytes);
      assert.equal(await rowCountSeenBySqlJs(read.value.bytes), 3);
      assert.ok(fs.existsSync(`${db}-journal`));
    });
  }

  it('checks the sidecars of a missing database too: a stray -wal would be replayed over a new file', async () => {
    fs.writeFileSync(`${db}-wal`, Buffer.alloc(100, 1));
    const read = await readDatabaseFile(db, MAX);
    assert.ok(!read.ok && read.error.code === 'db-sidecar');
    assert.deepEqual(listing(dir), { 'app.db-wal': 100 });
  });
});
