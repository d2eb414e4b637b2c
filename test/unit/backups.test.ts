import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatStamp, listBackups } from '../../src/core/engine/backups';
import { createBackup, restoreBackup, type BackupOptions } from '../../src/core/engine/sqljs/backups';
import { readDatabaseFile } from '../../src/core/engine/sqljs/dbfile';
import { loadSqlJs } from '../../src/core/engine/sqljs/load';
import { spawn } from 'child_process';
import { hasSqlite3, killAllSessions, Sqlite3Session, SQLITE3, sqlite3 } from './helpers/sqlite3';

const MAX = 1024 * 1024 * 1024;

/** A clock that starts at 2025-10-19 14:30:00 UTC and moves `stepSeconds` on each call. */
function clock(stepSeconds: number): () => Date {
  let t = Date.UTC(2025, 9, 19, 14, 30, 0);
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

  it('stamps UTC with milliseconds, whatever the time zone', () => {
    assert.equal(formatStamp(new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6))), '20250102T030405006Z');
    assert.equal(formatStamp(new Date(Date.UTC(2026, 10, 29, 15, 30, 0, 123))), '20261129T153000123Z');
  });

  it('writes <db dir>/backups/<db file name>_<UTC>Z.db with the same bytes, and nothing else', async () => {
    const b = await backup({ now: clock(0) });
    assert.equal(b.path, path.join(backups, 'dashboard.db_20251019T143000000Z.db'));
    assert.deepEqual(b.createdAt, new Date(Date.UTC(2025, 9, 19, 14, 30, 0)));
    assert.equal(b.size, fs.statSync(db).size);
    assert.deepEqual(fs.readFileSync(b.path), fs.readFileSync(db));
    assert.equal(sqlite3(b.path, 'PRAGMA integrity_check; SELECT x FROM t;'), 'ok\nv1\n');
    assert.deepEqual(fs.readdirSync(backups), ['dashboard.db_20251019T143000000Z.db']);
  });

  it('adds no file when the newest backup already holds the same bytes', async () => {
    const now = clock(1);
    const first = await backup({ now });
    const again = await backup({ now });
    assert.equal(again.path, first.path);
    assert.equal(again.reused, true);
    assert.deepEqual(fs.readdirSync(backups), [path.basename(first.path)]);
    sqlite3(db, "UPDATE t SET x = 'v2';");
    const changed = await backup({ now });
    assert.notEqual(changed.path, first.path);
    assert.equal(changed.reused, undefined);
    assert.equal(fs.readdirSync(backups).length, 2);
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
    assert.equal(b.path, path.join(dir, 'snapshots', 'db', 'dashboard.db_20251019T143000000Z.db'));
  });

  it('never overwrites a backup made at the same moment, and a later one always sorts newest', async () => {
    const now = clock(0);
    const first = await backup({ now });
    sqlite3(db, "UPDATE t SET x = 'v2';");
    const second = await backup({ now });
    sqlite3(db, "UPDATE t SET x = 'v3';");
    const third = await backup({ now: () => new Date(Date.UTC(2025, 9, 19, 13, 0, 0)) }); // the clock went back an hour
    assert.deepEqual([first, second, third].map((b) => path.basename(b.path)), [
      'dashboard.db_20251019T143000000Z.db',
      'dashboard.db_20251019T143000001Z.db',
      'dashboard.db_20251019T143000002Z.db',
    ]);
    assert.deepEqual([first, second, third].map((b) => sqlite3(b.path, 'SELECT x FROM t;')), ['v1\n', 'v2\n', 'v3\n']);
    const listed = await listBackups(db);
    assert.deepEqual(listed.map((b) => b.path), [third.path, second.path, first.path]);
  });

  // Each backup is a child process: 30 (six times the retention) show the rule without making the test's time
  // depend on the machine's load; speed belongs to `npm run bench`.
  it('30 backups at one frozen moment with retention 5 keep the five newest', async function () {
    this.timeout(120_000);
    const SQL = await loadSqlJs();
    const now = () => new Date(Date.UTC(2025, 9, 19, 14, 30, 0));
    for (let i = 0; i < 30; i++) {
      const mem = new SQL.Database();
      mem.run('CREATE TABLE t(x TEXT)');
      mem.run('INSERT INTO t VALUES (?)', [`v${i}`]);
      fs.writeFileSync(db, mem.export());
      mem.close();
      await backup({ now, retention: 5 });
    }
    const listed = await listBackups(db);
    assert.deepEqual(listed.map((b) => sqlite3(b.path, 'SELECT x FROM t;')), ['v29\n', 'v28\n', 'v27\n', 'v26\n', 'v25\n']);
    assert.equal(fs.readdirSync(backups).length, 5);
  });

  it('keeps two databases with the same stem apart: names, retention and listing', async () => {
    const other = path.join(dir, 'dashboard.sqlite');
    sqlite3(other, "CREATE TABLE t(x TEXT); INSERT INTO t VALUES ('other');");
    const now = clock(1);
    const mine = await backup({ now, retention: 1 });
    const theirs = await createBackup(other, { now, retention: 1 });
    assert.ok(theirs.ok);
    sqlite3(db, "UPDATE t SET x = 'v2';");
    const mine2 = await backup({ now, retention: 1 });
    assert.deepEqual(mine2.pruned, [mine.path]);
    assert.ok(fs.existsSync(theirs.value.path), 'the other database\'s backup survives this one\'s retention');
    assert.deepEqual((await listBackups(db)).map((b) => b.path), [mine2.path]);
    assert.deepEqual((await listBackups(other)).map((b) => b.path), [theirs.value.path]);
  });

  it('still lists backups named by earlier versions, never prunes them, and drops them when another database shares the stem', async () => {
    fs.mkdirSync(backups);
    const old = path.join(backups, 'dashboard_20240101_120000.db');
    fs.copyFileSync(db, old);
    const made = [];
    for (let i = 0; i < 3; i++) {
      sqlite3(db, `UPDATE t SET x = 'v${i + 2}';`);
      made.push(await backup({ now: clock(1), retention: 2 }));
    }
    const listed = await listBackups(db);
    assert.deepEqual(listed.map((b) => b.path), [made[2].path, made[1].path, old]);
    assert.equal(listed[2].legacy, true);
    sqlite3(path.join(dir, 'dashboard.sqlite'), 'CREATE TABLE u(y);');
    assert.deepEqual((await listBackups(db)).map((b) => b.path), [made[2].path, made[1].path]);
    assert.ok(fs.existsSync(old));
  });

  it('never keeps a copy that mixes two committed states while another program commits', async function () {
    this.timeout(120_000);
    const pad = "printf('%.*c', 3000, 'p')";
    // 16 MB between the two rows, so a read of the file takes long enough for a commit to land in it.
    const filler = "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 4000) INSERT INTO filler SELECT randomblob(4000) FROM c";
    sqlite3(db, `CREATE TABLE a(n INTEGER, pad TEXT); INSERT INTO a VALUES (0, ${pad}); CREATE TABLE filler(x); ${filler}; CREATE TABLE b(n INTEGER, pad TEXT); INSERT INTO b VALUES (0, ${pad});`);
    const script = 'PRAGMA synchronous = OFF;\n' + Array.from({ length: 4000 }, (_, i) => `BEGIN; UPDATE a SET n = ${i + 1}; UPDATE b SET n = ${i + 1}; COMMIT;`).join('\n');
    const writer = spawn(SQLITE3, [db], { stdio: ['pipe', 'ignore', 'ignore'] });
    const done = new Promise((resolve) => writer.on('exit', resolve));
    writer.stdin.end(script);
    let running = true;
    void done.then(() => (running = false));
    let attempts = 0;
    while (running) {
      attempts++;
      const r = await createBackup(db, { now: clock(1), retention: 2 });
      if (!r.ok) {
        assert.ok(['db-changing', 'db-sidecar', 'db-changed'].includes(r.error.code), r.error.message);
        continue;
      }
      if (r.value.reused) continue;
      const [na, nb] = sqlite3(r.value.path, 'SELECT (SELECT n FROM a), (SELECT n FROM b);').trim().split('|');
      assert.equal(na, nb, `${r.value.path} mixes two states`);
    }
    assert.ok(attempts > 0);
    const settled = await createBackup(db, { now: clock(1), retention: 2 });
    assert.ok(settled.ok, settled.ok ? '' : settled.error.message);
    assert.equal(sqlite3(settled.value.path, 'SELECT (SELECT n FROM a), (SELECT n FROM b);'), '4000|4000\n');
  });

  it('creates the backups folder and the backup no more open than the database', async () => {
    fs.chmodSync(db, 0o600);
    const b = await backup({ now: clock(0) });
    assert.equal(fs.statSync(backups).mode & 0o777, 0o700 & ~process.umask());
    assert.equal(fs.statSync(b.path).mode & 0o777, 0o600);
  });

  it('keeps the newest N (default 5) and prunes only this database\'s backups', async () => {
    fs.mkdirSync(backups);
    const foreign = ['other.db_20200101T000000000Z.db', 'dashboard.db_notes.txt', 'dashboard.db_2020.db', 'dashboard-copy.db', 'dashboard.db_20200101T000000000Z.db.bak'];
    for (const f of foreign) {
      fs.writeFileSync(path.join(backups, f), 'not a backup of ours');
    }
    const now = clock(60);
    const made = [];
    for (let i = 0; i < 7; i++) {
      sqlite3(db, `INSERT INTO t VALUES ('${i}');`);
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
        sqlite3(db, `INSERT INTO t VALUES ('${i}');`);
        await backup({ now, retention });
      }
      const listed = await listBackups(db);
      assert.equal(listed.length, kept);
      assert.equal(path.basename(listed[0].path), 'dashboard.db_20251019T143005000Z.db');
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
      assert.equal(path.basename(safety.path), 'dashboard.db_20251019T143001000Z.db');
      assert.deepEqual(fs.readFileSync(safety.path), current);
      assert.deepEqual(fs.readFileSync(db), fs.readFileSync(old.path));
      assert.equal(sqlite3(db, 'SELECT x FROM t;'), 'v1\n');
      assert.match(r.value.notes[0], /was backed up to .*dashboard\.db_20251019T143001000Z\.db first/);
    });

    it('does not let retention remove the backup being restored', async () => {
      const now = clock(1);
      const old = await backup({ now, retention: 1 });
      sqlite3(db, "UPDATE t SET x = 'v2';");
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
