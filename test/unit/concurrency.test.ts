// Other programs on the same database, with real sqlite3 processes: what each engine does when the file
// is open elsewhere, locked, written meanwhile, migrated twice at once, or when our process is killed.
// Native: SQLite's own locks make every case end with every committed row kept. sql.js: a clear refusal
// or a correct result, never a lost write.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ENGINE } from './helpers/engines';
import { hasSqlite3, killAllSessions, Sqlite3Session, sqlite3 } from './helpers/sqlite3';
import { CLI, cli, makeWorkspace, removeWorkspace, type CliRun } from './helpers/workspace';

const MIGRATIONS = {
  'migrations/001_tags.sql': 'CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n',
  'migrations/001_tags.down.sql': 'DROP TABLE tags;\n',
  'migrations/002_event_source.sql': "ALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT 'app';\n",
  'migrations/002_event_source.down.sql': 'ALTER TABLE events DROP COLUMN source;\n',
};

// The application's events table predates its migrations, so `up` is told to run on top of it.
const UP = ['up', '--engine', ENGINE, '--allow-existing-schema'];

/** A CLI run on the engine under test (the suite's engine is also the CLI's: same Node). */
function up(root: string, ...extra: string[]): CliRun {
  return cli(root, [...UP, ...extra]);
}

function upAsync(root: string, ...extra: string[]): { done: Promise<CliRun>; pid: number } {
  const child = spawn(process.execPath, [CLI, ...UP, ...extra], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<CliRun>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { done, pid: child.pid as number };
}

function ledger(db: string): string {
  return sqlite3(db, 'SELECT version, status FROM schema_migrations ORDER BY id;');
}

function count(db: string, sql: string): number {
  return Number(sqlite3(db, sql).trim());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe(`other programs on the same database (${ENGINE})`, function () {
  this.timeout(60_000);
  let root: string;
  let db: string;

  before(function () {
    if (!hasSqlite3()) this.skip();
  });
  beforeEach(() => {
    root = makeWorkspace(MIGRATIONS);
    db = path.join(root, 'data', 'app.db');
    fs.mkdirSync(path.dirname(db));
    sqlite3(db, "CREATE TABLE events (id INTEGER PRIMARY KEY, what TEXT NOT NULL); INSERT INTO events (what) VALUES ('before');");
  });
  afterEach(async () => {
    await killAllSessions();
    removeWorkspace(root);
  });

  it('a WAL database held open and idle: native migrates it in place and the program writes on; sql.js refuses', async () => {
    const app = Sqlite3Session.open(db);
    await app.run("PRAGMA journal_mode = WAL; INSERT INTO events (what) VALUES ('in the wal');");
    assert.ok(fs.statSync(db + '-wal').size > 0, 'the committed row is still in the -wal');
    const before = fs.readFileSync(db);
    const run = up(root);
    if (ENGINE === 'native') {
      assert.equal(run.code, 0, run.stderr);
      await app.run("INSERT INTO events (what) VALUES ('after');");
      await app.close();
      assert.equal(sqlite3(db, 'PRAGMA integrity_check;'), 'ok\n');
      assert.equal(sqlite3(db, 'SELECT what, source FROM events ORDER BY id;'), 'before|app\nin the wal|app\nafter|app\n');
      assert.equal(sqlite3(db, 'PRAGMA journal_mode;'), 'wal\n', 'the journal mode is left as it was');
      assert.equal(ledger(db), '001|applied\n002|applied\n');
    } else {
      assert.equal(run.code, 2);
      assert.match(run.stderr, /-wal|-shm|open in sqlite3/);
      assert.deepEqual(fs.readFileSync(db), before);
      await app.close();
    }
  });

  it('a program in locking_mode=EXCLUSIVE: native waits out the busy timeout and changes nothing; sql.js refuses', async () => {
    const app = Sqlite3Session.open(db);
    await app.run("PRAGMA locking_mode = EXCLUSIVE; INSERT INTO events (what) VALUES ('exclusive');");
    const run = up(root, '--busy-timeout', '1');
    if (ENGINE === 'native') {
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stderr, /another program|locked/i);
    } else {
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /is open in sqlite3 \(pid \d+\)/);
    }
    await app.run("INSERT INTO events (what) VALUES ('still mine');");
    await app.close();
    assert.equal(sqlite3(db, 'SELECT what FROM events ORDER BY id;'), 'before\nexclusive\nstill mine\n');
    assert.equal(sqlite3(db, "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations';"), '0\n', 'nothing of ours was written');
    const again = up(root);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(sqlite3(db, 'PRAGMA integrity_check;'), 'ok\n');
    assert.equal(count(db, 'SELECT count(*) FROM events;'), 3);
  });

  it('an open write transaction: native fails cleanly after the busy timeout, or waits for the COMMIT within it', async () => {
    const app = Sqlite3Session.open(db);
    await app.run("BEGIN IMMEDIATE; INSERT INTO events (what) VALUES ('pending');");
    const refused = up(root, '--busy-timeout', '1');
    assert.equal(refused.code, ENGINE === 'native' ? 1 : 2, refused.stdout + refused.stderr);
    if (ENGINE === 'sqljs') {
      await app.run('COMMIT;');
      await app.close();
      assert.equal(up(root).code, 0);
      assert.equal(count(db, 'SELECT count(*) FROM events;'), 2);
      return;
    }
    const waiting = upAsync(root, '--busy-timeout', '20');
    await sleep(700);
    await app.run('COMMIT;');
    const run = await waiting.done;
    assert.equal(run.code, 0, run.stderr);
    await app.close();
    assert.equal(sqlite3(db, 'SELECT what FROM events ORDER BY id;'), 'before\npending\n');
    assert.equal(ledger(db), '001|applied\n002|applied\n');
  });

  it('a program that commits while a migration runs keeps every row it committed (sql.js: refused while it has the file open)', async () => {
    fs.writeFileSync(path.join(root, 'migrations', '003_backfill.sql'), 'CREATE TABLE numbers AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 600000) SELECT x, hex(randomblob(16)) AS h FROM n;\n');
    const app = Sqlite3Session.open(db);
    await app.run('PRAGMA busy_timeout = 30000;');
    if (ENGINE === 'sqljs') {
      const refused = up(root);
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /is open in sqlite3 \(pid \d+\)/);
      await app.run("INSERT INTO events (what) VALUES ('during');");
      await app.close();
      assert.equal(count(db, 'SELECT count(*) FROM events;'), 2);
      return;
    }
    const run = upAsync(root, '--busy-timeout', '30');
    const writes: Promise<string>[] = [];
    for (let i = 0; i < 20; i++) {
      writes.push(app.run(`INSERT INTO events (what) VALUES ('during ${i}');`));
      await sleep(25);
    }
    const result = await run.done;
    await Promise.all(writes);
    await app.close();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(sqlite3(db, 'PRAGMA integrity_check;'), 'ok\n');
    assert.equal(count(db, "SELECT count(*) FROM events WHERE what LIKE 'during %';"), 20);
    assert.equal(count(db, 'SELECT count(*) FROM numbers;'), 600000);
    assert.equal(ledger(db), '001|applied\n002|applied\n003|applied\n');
  });

  it('two up runs at once: every migration is applied exactly once, and neither run reports what it did not do', async () => {
    fs.writeFileSync(path.join(root, 'migrations', '003_backfill.sql'), 'CREATE TABLE numbers AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200000) SELECT x FROM n;\n');
    const runs = await Promise.all([upAsync(root, '--json', '--busy-timeout', '30').done, upAsync(root, '--json', '--busy-timeout', '30').done]);
    const applied = runs.flatMap((r) => {
      assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
      const report = JSON.parse(r.stdout);
      // A clean failure names why: the other run applied it first, or held the lock past the busy timeout.
      const clean = (code?: string) => code === 'already-applied' || code === 'db-busy';
      if (r.code === 1) assert.ok(report.outcomes?.some((o: { error?: { code: string } }) => clean(o.error?.code)) || report.problems?.some((p: { code: string }) => clean(p.code)), r.stdout);
      return (report.outcomes ?? []).filter((o: { ok: boolean }) => o.ok).map((o: { version: string }) => o.version);
    });
    assert.deepEqual(applied.sort(), ['001', '002', '003'], 'each applied once, by one run or the other');
    assert.equal(ledger(db), '001|applied\n002|applied\n003|applied\n');
    assert.equal(count(db, 'SELECT count(*) FROM numbers;'), 200000);
    assert.equal(sqlite3(db, 'PRAGMA integrity_check;'), 'ok\n');
  });
});

describe(`our process killed during a 50 MB backfill (${ENGINE})`, function () {
  this.timeout(180_000);
  let root: string;
  let db: string;

  before(function () {
    if (!hasSqlite3()) this.skip();
    root = makeWorkspace({
      'migrations/001_note.sql': 'ALTER TABLE events ADD COLUMN note TEXT;\n',
      'migrations/001_note.down.sql': 'ALTER TABLE events DROP COLUMN note;\n',
      'migrations/002_backfill.sql': "UPDATE events SET note = 'n' || substr(payload, 1, 40);\n",
      'migrations/002_backfill.down.sql': 'UPDATE events SET note = NULL;\n',
    });
    db = path.join(root, 'data', 'app.db');
    fs.mkdirSync(path.dirname(db));
    sqlite3(db, 'CREATE TABLE events (id INTEGER PRIMARY KEY, payload TEXT NOT NULL); INSERT INTO events (payload) WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 250000) SELECT hex(randomblob(100)) FROM n;');
    assert.ok(fs.statSync(db).size > 50 * 1024 * 1024);
    assert.equal(up(root, '--to', '1').code, 0);
  });
  after(() => root && removeWorkspace(root));

  for (const delayMs of [40, 150, 400, 900]) {
    // Native: the child that runs SQLite is killed, mid-transaction, and SQLite's journal undoes it.
    // sql.js: the CLI itself (its worker is a thread): the file is only ever replaced whole.
    it(`SIGKILL of ${ENGINE === 'native' ? 'the native child' : 'the CLI'} after ${delayMs} ms leaves the old state or the new one, and the next run succeeds`, async () => {
      sqlite3(db, "UPDATE schema_migrations SET status = 'rolled_back' WHERE version = '002'; UPDATE events SET note = NULL;");
      const run = upAsync(root);
      const victim = ENGINE === 'native' ? await nativeChildOf(run.pid) : run.pid;
      await sleep(delayMs);
      killIfRunning(victim);
      const result = await run.done;
      assert.equal(sqlite3(db, 'PRAGMA integrity_check;'), 'ok\n');
      const status = sqlite3(db, "SELECT status FROM schema_migrations WHERE version = '002';").trim();
      const filled = count(db, 'SELECT count(*) FROM events WHERE note IS NOT NULL;');
      if (result.code === 0) {
        assert.equal(status, 'applied', 'finished before the kill');
      } else if (ENGINE === 'native' && result.code === 2) {
        // A busy machine starts the child slower than the delay: killed before its probe, nothing had begun.
        assert.match(result.stderr, /stopped before it could start \(killed by SIGKILL\)/);
      } else if (ENGINE === 'native') {
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stderr, /stopped unexpectedly/);
      }
      assert.ok((status === 'applied' && filled === 250000) || (status !== 'applied' && filled === 0), `a mix: ${status}, ${filled} rows filled`);
      const next = up(root);
      assert.equal(next.code, 0, next.stderr);
      assert.equal(count(db, 'SELECT count(*) FROM events WHERE note IS NOT NULL;'), 250000);
      assert.equal(fs.existsSync(db + '-journal'), false, 'no hot journal is left');
      assert.deepEqual(fs.readdirSync(path.dirname(db)).filter((f) => f.includes('sqlite-migrations')), [], 'no temp or lock file is left');
    });
  }
});

/** A run that already finished is no failure: the test then sees the new state. */
function killIfRunning(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/** The native engine's child of a CLI process, once it has started. */
async function nativeChildOf(pid: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const out = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.trim();
    if (out) return Number(out.split('\n')[0]);
    await sleep(5);
  }
  throw new Error(`no child of ${pid}`);
}
