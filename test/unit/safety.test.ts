// What each engine refuses or keeps, beyond the migrations themselves: modules it lacks, files the user
// may not write, the permission bits of backups, and (sql.js) the lock file that serialises our own runs.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { acquireRunLock, LOCK_SUFFIX } from '../../src/core/engine/sqljs/lock';
import { ENGINE } from './helpers/engines';
import { hasSqlite3, sqlite3 } from './helpers/sqlite3';
import { CLI, cli, cliJson, makeWorkspace, removeWorkspace } from './helpers/workspace';

const NOTES = {
  'migrations/001_notes.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n',
  'migrations/001_notes.down.sql': 'DROP TABLE notes;\n',
};

describe(`engine safety (${ENGINE})`, function () {
  this.timeout(30_000);
  let root: string;
  let db: string;

  beforeEach(() => {
    root = makeWorkspace(NOTES);
    db = path.join(root, 'data', 'app.db');
  });
  afterEach(() => removeWorkspace(root));

  it('a migration creating an FTS5 table runs where the engine has fts5, and is refused before anything runs where it has not', () => {
    fs.writeFileSync(path.join(root, 'migrations', '002_search.sql'), "-- full-text search\nCREATE VIRTUAL TABLE notes_fts USING fts5(body, content='notes', content_rowid='id');\n");
    const run = cliJson(root, ['up']);
    if (ENGINE === 'native') {
      assert.equal(run.code, 0, JSON.stringify(run.json));
      assert.equal(sqlite3(db, "SELECT count(*) FROM sqlite_master WHERE name = 'notes_fts';"), '1\n');
      return;
    }
    assert.equal(run.code, 1);
    const refused = run.json.outcomes[0];
    assert.equal(refused.error.code, 'missing-module');
    assert.equal(refused.error.line, 2);
    assert.match(refused.error.message, /002_search\.sql:2: needs the SQLite module fts5 \(CREATE VIRTUAL TABLE notes_fts USING fts5\).*native engine/);
    assert.equal(fs.existsSync(db), false, '001 did not run either: the plan was refused as a whole');
    assert.equal(refused.refused, true);
    assert.equal(fs.existsSync(path.dirname(db)), false, 'no empty data folder is left behind');
    const text = cli(root, ['up']);
    assert.match(text.stdout, /^✗ 002_search \(002\) refused: nothing was run, so no migration was applied$/m);
    assert.doesNotMatch(text.stdout, /failed/);
  });

  it('a plan refused before it ran leaves no database file and no folder where there was none, and status still reads', () => {
    fs.writeFileSync(path.join(root, 'migrations', '002_compact.sql'), 'CREATE TABLE t2 (x);\nVACUUM;\n');
    const run = cliJson(root, ['up']);
    assert.equal(run.code, 1, JSON.stringify(run.json));
    assert.equal(run.json.outcomes[0].refused, true);
    assert.equal(fs.existsSync(db), false, 'no empty database file, which every later operation would refuse');
    assert.equal(fs.existsSync(path.dirname(db)), false, 'no empty data folder is left behind');
    const status = cli(root, ['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.doesNotMatch(status.stderr, /empty \(0 bytes\)/);
  });

  it('a write to a table whose trigger fills an FTS5 index is refused on an engine without fts5', function () {
    if (!hasSqlite3() || !/fts5/.test(sqlite3(':memory:', 'PRAGMA module_list;'))) this.skip();
    assert.equal(cli(root, ['up']).code, 0);
    sqlite3(db, "CREATE VIRTUAL TABLE notes_fts USING fts5(body, content='notes', content_rowid='id'); CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN INSERT INTO notes_fts(rowid, body) VALUES (new.id, new.body); END;");
    fs.writeFileSync(path.join(root, 'migrations', '002_seed.sql'), "INSERT INTO notes (body) VALUES ('hello');\n");
    const run = cliJson(root, ['up']);
    if (ENGINE === 'native') {
      assert.equal(run.code, 0, JSON.stringify(run.json));
      assert.equal(sqlite3(db, "SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'hello';"), '1\n');
    } else {
      assert.equal(run.code, 1);
      assert.match(run.json.outcomes[0].error.message, /writes the fts5 table notes_fts, directly or through a trigger/);
      assert.equal(sqlite3(db, 'SELECT count(*) FROM notes;'), '0\n');
    }
  });

  it('backups get the database file\'s permission bits, never wider', () => {
    assert.equal(cli(root, ['up']).code, 0);
    fs.chmodSync(db, 0o600);
    fs.writeFileSync(path.join(root, 'migrations', '002_more.sql'), "INSERT INTO notes (body) VALUES ('x');\n");
    const run = cliJson(root, ['up']);
    assert.equal(run.code, 0, JSON.stringify(run.json));
    assert.equal(fs.statSync(run.json.backup).mode & 0o777, 0o600);
    const now = cliJson(root, ['backup']);
    assert.equal(fs.statSync(now.json.path).mode & 0o777, 0o600);
  });

  it('a database this user may not write is refused (exit 2) and left as it was, owner and bytes', function () {
    if (process.getuid?.() !== 0) this.skip();
    assert.equal(cli(root, ['up']).code, 0);
    fs.writeFileSync(path.join(root, 'migrations', '002_more.sql'), "INSERT INTO notes (body) VALUES ('x');\n");
    for (const dir of [root, path.dirname(db), path.join(root, 'migrations')]) fs.chmodSync(dir, 0o755);
    fs.chmodSync(db, 0o644);
    const before = fs.readFileSync(db);
    const nobody = spawnSync(process.execPath, [CLI, 'up', '--engine', ENGINE], { cwd: root, encoding: 'utf8', uid: 65534, gid: 65534, env: { ...process.env, NO_COLOR: '1', HOME: os.tmpdir() } });
    assert.equal(nobody.status, 2, nobody.stdout + nobody.stderr);
    assert.match(nobody.stderr, ENGINE === 'native' ? /read-only for this user; nothing was changed/ : /permission denied|EACCES|read-only/i);
    assert.doesNotMatch(nobody.stderr, /internal error|\n\s+at /, 'a clear message, not a stack trace');
    assert.deepEqual(fs.readFileSync(db), before);
    assert.equal(fs.statSync(db).uid, 0);
  });
});

describe('sql.js run lock', () => {
  let dir: string;
  const now = () => new Date('2025-10-19T14:30:00Z');
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlm-lock-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('holds the lock file with our pid while taken, waits for a live holder, and removes it on release', async () => {
    const db = path.join(dir, 'app.db');
    const first = await acquireRunLock(db, 0, now);
    assert.ok(first.ok);
    assert.equal(JSON.parse(fs.readFileSync(db + LOCK_SUFFIX, 'utf8')).pid, process.pid);
    const second = await acquireRunLock(db, 200, now);
    assert.ok(!second.ok);
    assert.equal(second.error.code, 'db-busy');
    assert.match(second.error.message, new RegExp(`another sqlite-migrations run \\(pid ${process.pid}, started 2025-10-19T14:30:00.000Z\\)`));
    await first.value.release();
    assert.equal(fs.existsSync(db + LOCK_SUFFIX), false);
    const third = await acquireRunLock(db, 0, now);
    assert.ok(third.ok && third.value.note === undefined);
    await third.value.release();
  });

  it('takes back a folder it made for a lock of a run that wrote nothing, and a waiting run still gets the lock', async () => {
    const db = path.join(dir, 'new', 'app.db');
    const first = await acquireRunLock(db, 0, now);
    assert.ok(first.ok);
    const waiting = acquireRunLock(db, 5000, now);
    await new Promise((resolve) => setTimeout(resolve, 120));
    await first.value.release();
    const second = await waiting;
    assert.ok(second.ok, JSON.stringify(second));
    assert.ok(fs.existsSync(db + LOCK_SUFFIX));
    await second.value.release();
    assert.equal(fs.existsSync(path.join(dir, 'new')), false);
    assert.ok(fs.existsSync(dir), 'a folder that was there before is kept');
  });

  it('removes a lock left by a process that is gone, and says so', async () => {
    const db = path.join(dir, 'app.db');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(db + LOCK_SUFFIX, JSON.stringify({ pid: Number(dead.stdout), startedAt: '2025-10-19T14:00:00.000Z' }));
    const taken = await acquireRunLock(db, 0, now);
    assert.ok(taken.ok);
    assert.match(taken.value.note ?? '', new RegExp(`pid ${dead.stdout}, started 2025-10-19T14:00:00.000Z\\) that is no longer running`));
    await taken.value.release();
  });
});
