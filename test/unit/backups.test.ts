import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatStamp, listBackups } from '../../src/core/engine/backups';
import { createBackup, restoreBackup, type BackupOptions } from '../../src/core/engine/sqljs/backups';
import { readDatabaseFile } from '../../src/core/engine/sqljs/dbfile';
import { loadSqlJs } from '../../src/core/engine/sqljs/load';
import { hasSqlite3, killAllSessions, Sqlite3Session, sqlite3 } from './helpers/sqlite3';

const MAX = 1024 * 1024 * 1024;

/** A clock that starts at 2025-10-19 14:30:00 local time and moves `stepSeconds` on each call. */
function clock(stepSeconds: number): () => Date {
  let t = new Date(2025, 9, 19, 14, 30, 0).getTime();
  return () => {
    const d = new Date(t);
    t += stepSeconds * 1000;
    return d;
  };
}

describe('backups', () => {
  let root: string;
  let dir: string;
  let db: string;
  let backups: string;

  before(() => {
    assert.ok(hasSqlite3(), 'these tests need the sqlite3 shell (Debian package sqlite3)');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'backups-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(root, 'case-'));
    db = path.join(dir, 'dashboard.db');
    backups = path.join(dir, 'backups');
    sqlite3(db, "CREATE TABLE t(x TEXT); INSERT INTO t VALUES ('v1');");
  });
  afterEach(() => killAllSessions());

  async function backup(opts: Partial<BackupOptions> & { now: () => Date }) {
    const r = await createBackup(db, opts);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    return r.value;
  }

  it('formats the stamp as the spec does (date +%Y%m%d_%H%M%S, local time)', () => {
    assert.equal(formatStamp(new Date(2025, 0, 2, 3, 4, 5)), '20250102_030405');
    assert.equal(formatStamp(new Date(2025, 11, 31, 23, 59, 59)), '20251231_235959');
  });

  it('writes <db dir>/backups/<dbname>_YYYYMMDD_HHMMSS.db with the same bytes, and nothing else', async () => {
    const b = await backup({ now: clock(0) });
    assert.equal(b.path, path.join(backups, 'dashboard_20251019_143000.db'));
    assert.deepEqual(b.createdAt, new Date(2025, 9, 19, 14, 30, 0));
    assert.equal(b.size, fs.statSync(db).size);
    assert.deepEqual(fs.readFileSync(b.path), fs.readFileSync(db));
    assert.equal(sqlite3(b.path, 'PRAGMA integrity_check; SELECT x FROM t;'), 'ok\nv1\n');
    assert.deepEqual(fs.readdirSync(backups), ['dashboard_20251019_143000.db']);
  });

  it('verifies by hash when the bytes were already checked, and refuses a file changed since', async () => {
    const read = await readDatabaseFile(db, { maxBytes: MAX });
    assert.ok(read.ok);
    const b = await backup({ now: clock(0), checkedSha256: read.value.snapshot.sha256 });
    assert.deepEqual(fs.readFileSync(b.path), fs.readFileSync(db));
    sqlite3(db, "INSERT INTO t VALUES ('written by someone else');");
    const stale = await createBackup(db, { now: clock(1), checkedSha256: read.value.snapshot.sha256 });
    assert.equal(stale.ok, false);
    assert.equal(stale.ok ? '' : stale.error.code, 'db-changed');
    assert.deepEqual(fs.readdirSync(backups), [path.basename(b.path)]);
  });

  it('takes a folder relative to the database folder', async () => {
    const b = await backup({ now: clock(0), folder: 'snapshots/db' });
    assert.equal(b.path, path.join(dir, 'snapshots', 'db', 'dashboard_20251019_143000.db'));
  });

  it('never overwrites a backup made in the same second: adds _2, _3', async () => {
    const now = clock(0);
    const first = await backup({ now });
    sqlite3(db, "UPDATE t SET x = 'v2';");
    const second = await backup({ now });
    sqlite3(db, "UPDATE t SET x = 'v3';");
    const third = await backup({ now });
    assert.deepEqual([first, second, third].map((b) => path.basename(b.path)), [
      'dashboard_20251019_143000.db',
      'dashboard_20251019_143000_2.db',
      'dashboard_20251019_143000_3.db',
    ]);
    assert.deepEqual([first, second, third].map((b) => sqlite3(b.path, 'SELECT x FROM t;')), ['v1\n', 'v2\n', 'v3\n']);
    const listed = await listBackups(db);
    assert.deepEqual(listed.map((b) => path.basename(b.path)), [
      'dashboard_20251019_143000_3.db',
      'dashboard_20251019_143000_2.db',
      'dashboard_20251019_143000.db',
    ]);
  });

  it('keeps the newest N (default 5) and prunes only this database\'s backups', async () => {
    fs.mkdirSync(backups);
    const foreign = ['other_20200101_000000.db', 'dashboard_notes.txt', 'dashboard_2020.db', 'dashboard-copy.db', 'dashboard_20200101_000000.db.bak'];
    for (const f of foreign) {
      fs.writeFileSync(path.join(backups, f), 'not a backup of ours');
    }
    const now = clock(60);
    const made = [];
    for (let i = 0; i < 7; i++) {
      made.push(await backup({ now }));
    }
    assert.deepEqual(made[5].pruned, [made[0].path]);
    assert.deepEqual(made[6].pruned, [made[1].path]);
    const listed = await listBackups(db);
    assert.deepEqual(listed.map((b) => b.path), made.slice(2).reverse().map((b) => b.path));
    assert.deepEqual(listed.map((b) => b.createdAt), made.slice(2).reverse().map((b) => b.createdAt));
    for (const f of foreign) {
      assert.equal(fs.readFileSync(path.join(backups, f), 'utf8'), 'not a backup of ours');
    }
  });

  for (const { retention, kept } of [{ retention: 2, kept: 2 }, { retention: 0, kept: 6 }]) {
    it(`retention ${retention} keeps ${kept} of 6`, async () => {
      const now = clock(1);
      for (let i = 0; i < 6; i++) {
        await backup({ now, retention });
      }
      const listed = await listBackups(db);
      assert.equal(listed.length, kept);
      assert.equal(path.basename(listed[0].path), 'dashboard_20251019_143005.db');
    });
  }

  it('refuses to back up a damaged database: no backup file, no temp file', async () => {
    sqlite3(db, "PRAGMA page_size=1024; VACUUM; WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300) INSERT INTO t SELECT printf('row %d %.*c', i, 100, 'x') FROM c;");
    const bytes = fs.readFileSync(db);
    bytes.fill(0, 10 * 1024, 11 * 1024);
    fs.writeFileSync(db, bytes);
    const r = await createBackup(db, { now: clock(0) });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'db-corrupt');
    assert.match(r.error.message, /^Not backed up: .*dashboard\.db is damaged/);
    assert.deepEqual(fs.readdirSync(backups), []);
  });

  it('refuses when there is no database, or it is held open in WAL mode', async () => {
    const missing = await createBackup(path.join(dir, 'none.db'), { now: clock(0) });
    assert.ok(!missing.ok && missing.error.code === 'backup-no-database');
    sqlite3(db, 'PRAGMA journal_mode=WAL;');
    const session = Sqlite3Session.open(db);
    await session.run("PRAGMA wal_autocheckpoint=0; INSERT INTO t VALUES ('only in the wal');");
    const held = await createBackup(db, { now: clock(0) });
    assert.ok(!held.ok && held.error.code === 'db-sidecar');
    await session.close();
  });

  it('backs up exactly the bytes the caller read, and refuses them once sql.js has written into them', async () => {
    const read = await readDatabaseFile(db, { maxBytes: MAX });
    assert.ok(read.ok && read.value.bytes);
    sqlite3(db, "UPDATE t SET x = 'changed after the read';");
    const b = await backup({ now: clock(0), source: read.value });
    assert.equal(sqlite3(b.path, 'SELECT x FROM t;'), 'v1\n');

    const SQL = await loadSqlJs();
    const inPlace = new SQL.Database(read.value.bytes);
    inPlace.run("INSERT INTO t VALUES ('written into the read buffer');");
    inPlace.close();
    const r = await createBackup(db, { now: clock(0), source: read.value });
    assert.ok(!r.ok && r.error.code === 'backup-source-modified');
    assert.deepEqual(fs.readdirSync(backups), [path.basename(b.path)]);
  });

  it('lists nothing when the folder does not exist', async () => {
    assert.deepEqual(await listBackups(db), []);
  });

  describe('restore', () => {
    it('backs up the current file first, then replaces it with the backup', async () => {
      const now = clock(1);
      const old = await backup({ now });
      sqlite3(db, "UPDATE t SET x = 'v2'; INSERT INTO t VALUES ('later');");
      const current = fs.readFileSync(db);
      const r = await restoreBackup(db, old.path, { now, maxBytes: MAX });
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      const safety = r.value.safetyBackup;
      assert.ok(safety);
      assert.equal(path.basename(safety.path), 'dashboard_20251019_143001.db');
      assert.deepEqual(fs.readFileSync(safety.path), current);
      assert.deepEqual(fs.readFileSync(db), fs.readFileSync(old.path));
      assert.equal(sqlite3(db, 'SELECT x FROM t;'), 'v1\n');
      assert.match(r.value.notes[0], /was backed up to .*dashboard_20251019_143001\.db first/);
    });

    it('does not let retention remove the backup being restored', async () => {
      const now = clock(1);
      const old = await backup({ now, retention: 1 });
      const r = await restoreBackup(db, old.path, { now, retention: 1, maxBytes: MAX });
      assert.ok(r.ok);
      assert.ok(fs.existsSync(old.path));
      assert.equal((await listBackups(db)).length, 2);
    });

    it('refuses a damaged backup, changing nothing and making no safety backup', async () => {
      const broken = path.join(dir, 'broken.db');
      fs.writeFileSync(broken, fs.readFileSync(db).subarray(0, 5000));
      const before = fs.readFileSync(db);
      const r = await restoreBackup(db, broken, { now: clock(0), maxBytes: MAX });
      assert.ok(!r.ok && r.error.code === 'db-truncated');
      assert.deepEqual(fs.readFileSync(db), before);
      assert.equal(fs.existsSync(backups), false);
    });

    it('replaces a damaged current file, keeping a copy of it', async () => {
      const good = await backup({ now: clock(0) });
      fs.writeFileSync(db, 'this is not a database any more');
      const r = await restoreBackup(db, good.path, { now: clock(5), maxBytes: MAX });
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      assert.equal(fs.readFileSync(r.value.safetyBackup?.path as string, 'utf8'), 'this is not a database any more');
      assert.match(r.value.notes.join(' '), /It was damaged \(.*not an SQLite database/);
      assert.equal(sqlite3(db, 'SELECT x FROM t;'), 'v1\n');
    });

    it('restores over a missing file without a safety backup', async () => {
      const good = await backup({ now: clock(0) });
      fs.rmSync(db);
      const r = await restoreBackup(db, good.path, { now: clock(5), maxBytes: MAX });
      assert.ok(r.ok && r.value.safetyBackup === null);
      assert.deepEqual(fs.readFileSync(db), fs.readFileSync(good.path));
    });
  });
});
