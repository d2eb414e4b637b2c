import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readDatabaseFile, replaceDatabaseFile, sweepStaleTemps, type DatabaseRead, type WriteStep } from '../../src/core/engine/sqljs/dbfile';
import { openAndCheck } from '../../src/core/engine/sqljs/checkBytes';
import { loadSqlJs } from '../../src/core/engine/sqljs/load';
import { hasSqlite3, killAllSessions, Sqlite3Session, sqlite3 } from './helpers/sqlite3';

const MAX = { maxBytes: 1024 * 1024 * 1024 };
const STEPS: WriteStep[] = ['temp-created', 'temp-written', 'temp-synced', 'renamed', 'dir-synced'];

/**
 * What the engine does between read and replace: open the bytes in sql.js, change them, export. On a copy, as the
 * worker gets one: sql.js writes its changes into the very array it was given.
 */
async function migrated(bytes: Uint8Array | null, sql = "INSERT INTO t VALUES ('from sql.js');"): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(bytes ? Uint8Array.from(bytes) : undefined);
  try {
    db.run(sql);
    return db.export();
  } finally {
    db.close();
  }
}

async function mustRead(file: string): Promise<DatabaseRead> {
  const r = await readDatabaseFile(file, MAX);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

describe('database file', () => {
  let root: string;
  let dir: string;
  let db: string;

  before(() => {
    assert.ok(hasSqlite3(), 'these tests need the sqlite3 shell (Debian package sqlite3)');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbfile-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(root, 'case-'));
    db = path.join(dir, 'app.db');
    sqlite3(db, "CREATE TABLE t(x TEXT); INSERT INTO t VALUES ('one'), ('two');");
  });
  afterEach(() => killAllSessions());

  describe('read', () => {
    it('returns the bytes, their hash and the header', async () => {
      fs.chmodSync(db, 0o640);
      const r = await mustRead(db);
      const onDisk = fs.readFileSync(db);
      assert.deepEqual(Buffer.from(r.bytes as Uint8Array), onDisk);
      assert.equal(r.snapshot.size, onDisk.length);
      assert.equal(r.snapshot.sha256, require('crypto').createHash('sha256').update(onDisk).digest('hex'));
      assert.equal(r.snapshot.mode, 0o640);
      assert.deepEqual(r.header, { pageSize: 4096, pageCount: onDisk.length / 4096, walMode: false });
    });

    it('reads a missing file as null and creates it (and its folder) on replace; a stale "missing" read then aborts', async () => {
      const fresh = path.join(dir, 'data', 'new.db');
      const r = await mustRead(fresh);
      assert.equal(r.bytes, null);
      assert.equal(r.snapshot.exists, false);
      const bytes = await migrated(null, 'CREATE TABLE t(x); INSERT INTO t VALUES (42);');
      assert.equal((await replaceDatabaseFile(r, bytes)).ok, true);
      assert.equal(sqlite3(fresh, 'SELECT x FROM t;'), '42\n');
      const again = await replaceDatabaseFile(r, await migrated(null, 'CREATE TABLE u(y);'));
      assert.ok(!again.ok && again.error.code === 'db-changed');
      assert.match(again.error.message, /did not exist then and another program has created it/);
      assert.equal(sqlite3(fresh, 'SELECT x FROM t;'), '42\n');
    });

    it('resolves a symlink: the link stays a link and the target is replaced', async () => {
      const link = path.join(dir, 'link.db');
      fs.symlinkSync(db, link);
      const r = await mustRead(link);
      assert.equal(r.snapshot.realPath, fs.realpathSync(db));
      assert.equal((await replaceDatabaseFile(r, await migrated(r.bytes))).ok, true);
      assert.ok(fs.lstatSync(link).isSymbolicLink());
      assert.equal(fs.readlinkSync(link), db);
      assert.equal(sqlite3(db, 'SELECT count(*) FROM t;'), '3\n');
    });

    it('checks the sidecars beside the symlink as well as beside the file', async () => {
      const elsewhere = fs.mkdtempSync(path.join(root, 'links-'));
      const link = path.join(elsewhere, 'app.db');
      fs.symlinkSync(db, link);
      fs.writeFileSync(`${link}-journal`, Buffer.from('d9d505f920a163d7', 'hex'));
      const r = await readDatabaseFile(link, MAX);
      assert.ok(!r.ok && r.error.code === 'db-sidecar');
      assert.ok(r.error.message.includes(`${link}-journal holds an unfinished transaction`));
    });

    it('refuses a file with several hard links, at read and when one appears before the replace', async () => {
      const before = fs.readFileSync(db);
      fs.linkSync(db, path.join(dir, 'other-name.db'));
      const r = await readDatabaseFile(db, MAX);
      assert.ok(!r.ok && r.error.code === 'db-hard-links');
      assert.match(r.error.message, /has 2 hard links/);
      fs.rmSync(path.join(dir, 'other-name.db'));

      const read = await mustRead(db);
      fs.linkSync(db, path.join(dir, 'late.db'));
      const w = await replaceDatabaseFile(read, await migrated(read.bytes));
      assert.ok(!w.ok && w.error.code === 'db-hard-links');
      assert.deepEqual(fs.readFileSync(db), before);
    });

    const notFiles: Array<{ name: string; make: (p: string) => void; code: string; pattern: RegExp }> = [
      { name: 'a folder', make: (p) => fs.mkdirSync(p), code: 'db-not-a-file', pattern: /is a folder/ },
      { name: 'a FIFO (never opened, so never blocks)', make: (p) => assert.equal(spawnSync('mkfifo', [p]).status, 0), code: 'db-not-a-file', pattern: /not a regular file/ },
      { name: 'a dangling symlink', make: (p) => fs.symlinkSync(path.join(path.dirname(p), 'nowhere.db'), p), code: 'db-broken-link', pattern: /nowhere\.db, which does not exist/ },
    ];
    for (const { name, make, code, pattern } of notFiles) {
      it(`refuses ${name}`, async () => {
        const target = path.join(dir, 'odd.db');
        make(target);
        const r = await readDatabaseFile(target, MAX);
        assert.ok(!r.ok);
        assert.equal(r.error.code, code);
        assert.match(r.error.message, pattern);
        assert.ok(r.error.message.includes(target));
      });
    }
  });

  describe('bad database files', () => {
    let valid: Buffer;
    beforeEach(() => {
      const big = path.join(dir, 'big.db');
      sqlite3(big, "PRAGMA page_size=1024; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300) INSERT INTO t SELECT i, printf('row %d %.*c', i, 100, 'x') FROM c;");
      valid = fs.readFileSync(big);
      assert.ok(valid.length >= 20 * 1024);
    });

    const withPageSize = (b: Buffer, size: number) => {
      const copy = Buffer.from(b);
      copy.writeUInt16BE(size, 16);
      return copy;
    };
    const cases: Array<{ name: string; bytes: (v: Buffer) => Buffer; code: string; pattern: RegExp }> = [
      { name: 'zero-byte', bytes: () => Buffer.alloc(0), code: 'db-empty', pattern: /is empty \(0 bytes\)/ },
      { name: 'text', bytes: () => Buffer.from('CREATE TABLE t(x);\n'), code: 'db-not-sqlite', pattern: /starts with "CREATE TABLE t\(x" instead of "SQLite format 3"/ },
      { name: 'binary, not SQLite', bytes: () => Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), code: 'db-not-sqlite', pattern: /starts with bytes 89504e470d0a1a0a/ },
      { name: 'cut inside the magic', bytes: (v) => v.subarray(0, 10), code: 'db-truncated', pattern: /only 10 bytes long/ },
      { name: 'cut inside the header', bytes: (v) => v.subarray(0, 60), code: 'db-truncated', pattern: /shorter than the 100-byte header/ },
      { name: 'cut mid-page', bytes: (v) => v.subarray(0, v.length - 300), code: 'db-truncated', pattern: /not a whole number of 1024-byte pages/ },
      { name: 'missing its last pages', bytes: (v) => v.subarray(0, v.length - 3072), code: 'db-truncated', pattern: /header says \d+ pages but the file holds only \d+/ },
      { name: 'a page size that is not a power of two', bytes: (v) => withPageSize(v, 1000), code: 'db-bad-page-size', pattern: /page size 1000/ },
    ];
    for (const { name, bytes, code, pattern } of cases) {
      it(`refuses a ${name} file with a clear error, leaving it as it was`, async () => {
        const file = path.join(dir, 'bad.db');
        const content = bytes(valid);
        fs.writeFileSync(file, content);
        const r = await readDatabaseFile(file, MAX);
        assert.ok(!r.ok, 'should be refused');
        assert.equal(r.error.code, code);
        assert.match(r.error.message, pattern);
        assert.equal(r.error.file, fs.realpathSync(file));
        assert.ok(r.error.message.startsWith(fs.realpathSync(file)));
        assert.deepEqual(fs.readFileSync(file), content);
      });
    }

    it('passes a zeroed page through the header check; openAndCheck (integrity_check) refuses it', async () => {
      const file = path.join(dir, 'zeroed.db');
      const damaged = Buffer.from(valid);
      damaged.fill(0, 10 * 1024, 11 * 1024);
      fs.writeFileSync(file, damaged);
      assert.notEqual(spawnSync('sqlite3', [file, 'PRAGMA integrity_check;'], { encoding: 'utf8' }).stdout, 'ok\n');
      const r = await mustRead(file);
      const check = openAndCheck(await loadSqlJs(), r.bytes as Uint8Array, file);
      assert.ok(!check.ok && check.error.code === 'db-corrupt');
      assert.match(check.error.message, /zeroed\.db is damaged/);
      const copy = Buffer.from(valid);
      assert.equal(openAndCheck(await loadSqlJs(), valid, 'big.db').ok, true);
      assert.deepEqual(valid, copy, 'checking does not write into the bytes');
    });

    it('refuses a file bigger than maxBytes before reading it', async () => {
      const r = await readDatabaseFile(db, { maxBytes: 4095 });
      assert.ok(!r.ok && r.error.code === 'db-too-large');
      assert.match(r.error.message, /is 8192 bytes, more than the 4095-byte maximum/);
      assert.equal((await readDatabaseFile(db, { maxBytes: 8192 })).ok, true);
    });
  });

  describe('replace', () => {
    it('writes the new bytes, keeps the mode, and reports each step in order', async () => {
      fs.chmodSync(db, 0o604);
      const read = await mustRead(db);
      const bytes = await migrated(read.bytes);
      const seen: WriteStep[] = [];
      const r = await replaceDatabaseFile(read, bytes, { onStep: (s) => void seen.push(s) });
      assert.deepEqual(r, { ok: true, value: { notes: [] } });
      assert.deepEqual(seen, STEPS);
      assert.deepEqual(fs.readFileSync(db), Buffer.from(bytes));
      assert.equal(fs.statSync(db).mode & 0o777, 0o604);
      assert.equal(sqlite3(db, 'PRAGMA integrity_check; SELECT x FROM t ORDER BY rowid;'), 'ok\none\ntwo\nfrom sql.js\n');
    });

    for (const failAt of STEPS) {
      const committed = failAt === 'renamed' || failAt === 'dir-synced';
      it(`an error at ${failAt} leaves ${committed ? 'the new' : 'the old'} database whole and no temp file`, async () => {
        const old = fs.readFileSync(db);
        const read = await mustRead(db);
        const bytes = await migrated(read.bytes);
        const r = await replaceDatabaseFile(read, bytes, { onStep: (s) => { if (s === failAt) throw new Error('disk on fire'); } });
        assert.ok(!r.ok && /disk on fire/.test(r.error.message));
        assert.deepEqual(fs.readFileSync(db), committed ? Buffer.from(bytes) : old);
        assert.equal(sqlite3(db, 'PRAGMA integrity_check;'), 'ok\n');
        assert.deepEqual(fs.readdirSync(dir), ['app.db']);
      });
    }

    it('refuses bytes that are not a database, leaving the file alone', async () => {
      const old = fs.readFileSync(db);
      const r = await replaceDatabaseFile(await mustRead(db), Buffer.from('oops'));
      assert.ok(!r.ok && r.error.code === 'db-not-sqlite');
      assert.deepEqual(fs.readFileSync(db), old);
    });

    it('says when a WAL database comes back in rollback-journal mode', async () => {
      sqlite3(db, 'PRAGMA journal_mode=WAL;');
      const read = await mustRead(db);
      assert.equal(read.header?.walMode, true);
      const r = await replaceDatabaseFile(read, await migrated(read.bytes));
      assert.ok(r.ok);
      assert.equal(r.value.notes.length, 1);
      assert.match(r.value.notes[0], /app\.db was in WAL mode and is now in rollback-journal mode/);
      assert.equal(sqlite3(db, 'PRAGMA journal_mode;'), 'delete\n');
    });
  });

  describe('another process commits between read and replace', () => {
    it('aborts, and every row sqlite3 committed is still there (rollback-journal mode)', async () => {
      const read = await mustRead(db);
      sqlite3(db, "INSERT INTO t VALUES ('committed elsewhere');");
      const theirs = fs.readFileSync(db);
      const r = await replaceDatabaseFile(read, await migrated(read.bytes));
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'db-changed');
      assert.match(r.error.message, /app\.db changed on disk since it was read/);
      assert.deepEqual(fs.readFileSync(db), theirs);
      assert.equal(sqlite3(db, 'SELECT x FROM t ORDER BY rowid;'), 'one\ntwo\ncommitted elsewhere\n');
    });

    it('aborts in WAL mode too, where size and change counter stay the same (mtime put back: the hash decides)', async () => {
      sqlite3(db, 'PRAGMA journal_mode=WAL;');
      const read = await mustRead(db);
      const before = fs.statSync(db);
      sqlite3(db, "UPDATE t SET x = 'ONE' WHERE x = 'one';");
      const theirs = fs.readFileSync(db);
      assert.equal(theirs.length, read.snapshot.size);
      assert.equal(theirs.readUInt32BE(24), Buffer.from(read.bytes as Uint8Array).readUInt32BE(24));
      fs.utimesSync(db, before.atime, before.mtime);
      const r = await replaceDatabaseFile(read, await migrated(read.bytes));
      assert.ok(!r.ok && r.error.code === 'db-changed');
      assert.deepEqual(fs.readFileSync(db), theirs);
      assert.equal(sqlite3(db, 'SELECT x FROM t ORDER BY rowid;'), 'ONE\ntwo\n');
    });

    it('aborts when the commit lands while the temp file is being written (checked again right before the rename)', async () => {
      const read = await mustRead(db);
      const r = await replaceDatabaseFile(read, await migrated(read.bytes), {
        onStep: (s) => { if (s === 'temp-synced') sqlite3(db, "INSERT INTO t VALUES ('just in time');"); },
      });
      assert.ok(!r.ok && r.error.code === 'db-changed');
      assert.equal(sqlite3(db, 'SELECT x FROM t ORDER BY rowid;'), 'one\ntwo\njust in time\n');
      assert.deepEqual(fs.readdirSync(dir), ['app.db']);
    });

    it('refuses when a program opened the database in WAL mode after the read and still has it open', async () => {
      sqlite3(db, 'PRAGMA journal_mode=WAL;');
      const read = await mustRead(db);
      const session = Sqlite3Session.open(db);
      await session.run("PRAGMA wal_autocheckpoint=0; INSERT INTO t VALUES ('in the wal');");
      const mainFile = fs.readFileSync(db);
      const r = await replaceDatabaseFile(read, await migrated(read.bytes));
      assert.ok(!r.ok && r.error.code === 'db-sidecar');
      assert.deepEqual(fs.readFileSync(db), mainFile);
      await session.close();
      assert.equal(sqlite3(db, 'SELECT x FROM t ORDER BY rowid;'), 'one\ntwo\nin the wal\n');
    });
  });

  describe('a process killed during the write', () => {
    const driver = `
      const fs = require('fs');
      const { readDatabaseFile, replaceDatabaseFile } = require(${JSON.stringify(path.join(__dirname, '../../src/core/engine/sqljs/dbfile.js'))});
      const [db, next, pauseAt] = process.argv.slice(1); // node -e: no script name
      (async () => {
        const read = await readDatabaseFile(db, { maxBytes: 1 << 30 });
        if (!read.ok) throw new Error(read.error.message);
        const onStep = async (step) => {
          if (step !== pauseAt) return;
          process.stdout.write('paused at ' + step + '\\n');
          await new Promise(() => setInterval(() => {}, 1000));
        };
        const r = await replaceDatabaseFile(read.value, fs.readFileSync(next), { onStep });
        process.stdout.write(JSON.stringify(r) + '\\n');
      })();`;

    for (const step of STEPS) {
      const committed = step === 'renamed' || step === 'dir-synced';
      it(`killed at ${step}: the file is the ${committed ? 'new' : 'old'} database, and a stale temp is swept`, async () => {
        const old = fs.readFileSync(db);
        const next = Buffer.from(await migrated(old));
        fs.writeFileSync(path.join(root, `next-${step}.bin`), next);
        const child = spawn(process.execPath, ['-e', driver, db, path.join(root, `next-${step}.bin`), step], { stdio: ['ignore', 'pipe', 'inherit'] });
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (d: Buffer) => String(d).includes(`paused at ${step}`) && resolve());
          child.on('exit', (code) => reject(new Error(`driver exited (${code}) before pausing`)));
        });
        child.kill('SIGKILL');
        await new Promise((resolve) => child.on('exit', resolve));

        assert.deepEqual(fs.readFileSync(db), committed ? next : old);
        assert.equal(sqlite3(db, 'PRAGMA integrity_check; SELECT count(*) FROM t;'), `ok\n${committed ? 3 : 2}\n`);
        const leftovers = fs.readdirSync(dir).filter((f) => f !== 'app.db');
        assert.equal(leftovers.length, committed ? 0 : 1);
        assert.deepEqual(await sweepStaleTemps(db), leftovers.map((f) => path.join(dir, f)));
        assert.deepEqual(fs.readdirSync(dir), ['app.db']);
      });
    }
  });
});
