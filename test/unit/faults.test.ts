// Faults a hostile environment produces, on real files, on both engines: failed runs that must not spend
// backups, two databases that share a stem, files this user may not write, limits, file-system errors.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ENGINE } from './helpers/engines';
import { sqlite3 } from './helpers/sqlite3';
import { CLI, cli, cliJson, makeWorkspace, removeWorkspace } from './helpers/workspace';

const isRoot = process.getuid?.() === 0;

/** The CLI as another user (nobody), the way `setpriv --reuid 65534` would start it. */
function cliAsNobody(root: string, args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args, '--engine', ENGINE], { cwd: root, encoding: 'utf8', uid: 65534, gid: 65534, env: { ...process.env, NO_COLOR: '1', HOME: os.tmpdir() } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A small tmpfs at a fresh folder, or undefined (with the reason logged) where this machine cannot mount one. */
function mountTmpfs(sizeKb: number): string | undefined {
  if (!isRoot) return skipNote('mounting a tmpfs needs root');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlm-tmpfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return skipNote(`mount failed: ${r.stderr || r.error?.message}`);
  return dir;
}

function unmount(dir: string): void {
  spawnSync('umount', [dir]);
  fs.rmSync(dir, { recursive: true, force: true });
}

function skipNote(why: string): undefined {
  console.log(`      (skipped: ${why})`);
  return undefined;
}

const NOTES = {
  'migrations/001_notes.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n',
  'migrations/001_notes.down.sql': 'DROP TABLE notes;\n',
};

describe(`faults (${ENGINE})`, function () {
  this.timeout(60_000);
  let root: string;
  let db: string;
  let backups: string;

  beforeEach(() => {
    root = makeWorkspace(NOTES);
    db = path.join(root, 'data', 'app.db');
    backups = path.join(root, 'data', 'backups');
  });
  afterEach(() => removeWorkspace(root));

  function ownBackups(): string[] {
    return fs.existsSync(backups) ? fs.readdirSync(backups).sort() : [];
  }

  it('five failed "up" attempts neither add a backup nor prune an older one', () => {
    assert.equal(cli(root, ['up']).code, 0);
    for (let i = 0; i < 5; i++) {
      fs.writeFileSync(path.join(root, 'migrations', `00${i + 2}_step.sql`), `INSERT INTO notes (body) VALUES ('state ${i}');\n`);
      assert.equal(cli(root, ['up', '--retention', '5']).code, 0);
    }
    const before = ownBackups();
    assert.equal(before.length, 5);
    const states = before.map((b) => fs.readFileSync(path.join(backups, b)));
    fs.writeFileSync(path.join(root, 'migrations', '007_bad.sql'), 'INSERT INTO no_such_table VALUES (1);\n');
    for (let i = 0; i < 5; i++) {
      const run = cliJson(root, ['up', '--retention', '5']);
      assert.equal(run.code, 1, JSON.stringify(run.json));
      assert.equal(run.json.backup ?? null, null, 'no backup is reported for a run that committed nothing');
    }
    assert.deepEqual(ownBackups(), before);
    assert.deepEqual(before.map((b) => fs.readFileSync(path.join(backups, b))), states);
    assert.equal(sqlite3(db, "SELECT status FROM schema_migrations WHERE version = '007';"), 'failed\n');
  });

  it('app.db and app.sqlite in one folder keep their own backups, retention and restore', () => {
    const other = path.join(root, 'data', 'app.sqlite');
    assert.equal(cli(root, ['up', '--db', 'data/app.db']).code, 0);
    assert.equal(cli(root, ['up', '--db', 'data/app.sqlite']).code, 0);
    fs.writeFileSync(path.join(root, 'migrations', '002_seed.sql'), "INSERT INTO notes (body) VALUES ('seed');\n");
    const sqliteRun = cliJson(root, ['up', '--db', 'data/app.sqlite', '--retention', '1']);
    assert.equal(sqliteRun.code, 0, JSON.stringify(sqliteRun.json));
    const theirs = sqliteRun.json.backup as string;
    assert.match(path.basename(theirs), /^app\.sqlite_\d{8}T\d{9}Z\.db$/);
    for (let i = 3; i < 6; i++) {
      fs.writeFileSync(path.join(root, 'migrations', `00${i}_more.sql`), `INSERT INTO notes (body) VALUES ('${i}');\n`);
      assert.equal(cli(root, ['up', '--db', 'data/app.db', '--retention', '1']).code, 0);
    }
    assert.ok(fs.existsSync(theirs), "app.db's retention left app.sqlite's backup alone");
    const listed = cliJson(root, ['backups', '--db', 'data/app.db']).json.backups as Array<{ path: string }>;
    assert.equal(listed.length, 1);
    assert.match(path.basename(listed[0].path), /^app\.db_/);
    assert.equal(sqlite3(other, 'SELECT count(*) FROM notes;'), '1\n');
  });

  it('a database nobody may write (0444) is refused with exit 2, even for root, and keeps its bytes and mode', () => {
    assert.equal(cli(root, ['up']).code, 0);
    fs.writeFileSync(path.join(root, 'migrations', '002_more.sql'), "INSERT INTO notes (body) VALUES ('x');\n");
    fs.chmodSync(db, 0o444);
    const before = fs.readFileSync(db);
    const run = cli(root, ['up']);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /app\.db: error: is read-only \(mode 0444\); nothing was changed\. Make it writable/);
    assert.deepEqual(fs.readFileSync(db), before);
    assert.equal(fs.statSync(db).mode & 0o777, 0o444);
    assert.deepEqual(ownBackups(), []);
  });

  it('a database on a read-only mount is a clear error (exit 2)', function () {
    const mnt = mountTmpfs(4096);
    if (!mnt) return this.skip();
    try {
      const ws = path.join(mnt, 'ws');
      fs.cpSync(root, ws, { recursive: true });
      assert.equal(cli(ws, ['up']).code, 0);
      fs.writeFileSync(path.join(ws, 'migrations', '002_more.sql'), "INSERT INTO notes (body) VALUES ('x');\n");
      assert.equal(spawnSync('mount', ['-o', 'remount,ro', mnt]).status, 0);
      const run = cli(ws, ['up']);
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /app\.db: error: is on a read-only file system; nothing was changed\. Remount it/);
      assert.doesNotMatch(run.stderr, /internal error|\n\s+at /);
    } finally {
      unmount(mnt);
    }
  });

  it("another user never replaces or takes over a root-owned file, even in a folder anyone may write", function () {
    if (!isRoot) return this.skip();
    assert.equal(cli(root, ['up']).code, 0);
    fs.writeFileSync(path.join(root, 'migrations', '002_more.sql'), "INSERT INTO notes (body) VALUES ('x');\n");
    fs.chmodSync(root, 0o755);
    fs.chmodSync(path.dirname(db), 0o777);
    fs.chmodSync(db, 0o644);
    const before = fs.readFileSync(db);
    const run = cliAsNobody(root, ['up']);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /app\.db: error: is read-only for this user; nothing was changed/);
    assert.deepEqual(fs.readFileSync(db), before);
    assert.deepEqual([fs.statSync(db).uid, fs.statSync(db).mode & 0o777], [0, 0o644]);
  });

  it("a file another user may write keeps its owner: sql.js refuses to replace it, native writes it in place", function () {
    if (!isRoot) return this.skip();
    assert.equal(cli(root, ['up']).code, 0);
    fs.writeFileSync(path.join(root, 'migrations', '002_more.sql'), "INSERT INTO notes (body) VALUES ('x');\n");
    fs.chmodSync(root, 0o755);
    fs.chmodSync(path.dirname(db), 0o777);
    fs.chmodSync(db, 0o666);
    fs.mkdirSync(backups, { mode: 0o777 });
    fs.chmodSync(backups, 0o777);
    const run = cliAsNobody(root, ['up']);
    if (ENGINE === 'sqljs') {
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /belongs to user 0, and the sql\.js engine replaces the file.*use the native engine/);
      assert.equal(sqlite3(db, 'SELECT count(*) FROM notes;'), '0\n');
    } else {
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(sqlite3(db, 'SELECT count(*) FROM notes;'), '1\n');
    }
    assert.deepEqual([fs.statSync(db).uid, fs.statSync(db).mode & 0o777], [0, 0o666]);
  });

  it("sql.js never gives a file another group: a group the replacement cannot keep stops the write", function () {
    if (!isRoot || ENGINE !== 'sqljs') return this.skip();
    assert.equal(cli(root, ['up']).code, 0);
    fs.writeFileSync(path.join(root, 'migrations', '002_more.sql'), "INSERT INTO notes (body) VALUES ('x');\n");
    fs.chmodSync(root, 0o755);
    fs.chmodSync(path.dirname(db), 0o777);
    fs.chownSync(db, 65534, 0);
    fs.chmodSync(db, 0o660);
    fs.mkdirSync(backups, { mode: 0o777 });
    fs.chmodSync(backups, 0o777);
    const before = fs.readFileSync(db);
    const run = cliAsNobody(root, ['up']);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /Could not write .*app\.db: the new file could not be given the original's owner and group \(65534:0, EPERM\).*app\.db is unchanged\./);
    assert.deepEqual(fs.readFileSync(db), before);
    assert.deepEqual([fs.statSync(db).uid, fs.statSync(db).gid, fs.statSync(db).mode & 0o777], [65534, 0, 0o660]);
  });

  for (const [args, message] of [
    [['--time-limit', '0'], /--time-limit must be between 1 and 86400 seconds, not 0/],
    [['--time-limit', '2147484'], /--time-limit must be between 1 and 86400 seconds, not 2147484/],
    [['--memory-limit', '10'], /--memory-limit must be between 128 and 1048576 MB, not 10/],
  ] as const) {
    it(`refuses ${args.join(' ')} as a usage error (exit 2) and changes nothing`, () => {
      const run = cli(root, ['up', ...args]);
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, message);
      assert.equal(fs.existsSync(db), false);
    });
  }

  it('refuses timeLimitSeconds 0 in .vscode/settings.json (exit 2), naming the file', () => {
    fs.mkdirSync(path.join(root, '.vscode'));
    fs.writeFileSync(path.join(root, '.vscode', 'settings.json'), '{ "sqliteMigrations.timeLimitSeconds": 0 }');
    const run = cli(root, ['up']);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /settings\.json: error: "sqliteMigrations\.timeLimitSeconds" must be between 1 and 86400 seconds, not 0/);
    assert.equal(fs.existsSync(db), false);
  });

  it('stops a migration that allocates past the memory limit, leaving the database as it was', function () {
    this.timeout(120_000);
    assert.equal(cli(root, ['up']).code, 0);
    fs.writeFileSync(path.join(root, 'migrations', '002_blob.sql'), 'CREATE TABLE blobs (b BLOB);\nINSERT INTO blobs VALUES (randomblob(600000000));\n');
    const before = fs.readFileSync(db);
    const run = cli(root, ['up', '--memory-limit', '256']);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout + run.stderr, ENGINE === 'native' ? /more than the 256 MB memory limit and was stopped.*--memory-limit MB/ : /002_blob\.sql:2: error: out of memory/);
    assert.equal(sqlite3(db, "SELECT count(*) FROM sqlite_master WHERE name = 'blobs';"), '0\n');
    if (ENGINE === 'native') assert.deepEqual(fs.readFileSync(db), before);
  });

  describe('file-system failures end in one sentence, exit 2, no stack trace', () => {
    function assertClear(run: { code: number | null; stdout: string; stderr: string }, message: RegExp, code = 2) {
      assert.equal(run.code, code, run.stdout + run.stderr);
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /internal error|\n\s+at /);
    }

    it('.vscode/settings.json being a folder', () => {
      fs.mkdirSync(path.join(root, '.vscode', 'settings.json'), { recursive: true });
      assertClear(cli(root, ['status']), /settings\.json: error: cannot be read: .*settings\.json is a folder where a file is expected; remove or rename that folder\./);
    });

    it('a migrations folder that is a symbolic link loop', () => {
      fs.rmSync(path.join(root, 'migrations'), { recursive: true });
      fs.symlinkSync('migrations', path.join(root, 'migrations'));
      assertClear(cli(root, ['up']), /migrations: error: Could not list a folder: .*migrations is a symbolic link that loops .*; fix or remove the link\./);
    });

    it('paths in .vscode/settings.json outside the workspace are refused; a flag may point anywhere', () => {
      fs.mkdirSync(path.join(root, '.vscode'));
      const outside = path.join(path.dirname(root), `${path.basename(root)}-outside.db`);
      fs.writeFileSync(path.join(root, '.vscode', 'settings.json'), JSON.stringify({ 'sqliteMigrations.databaseFile': `../${path.basename(outside)}` }));
      try {
        assertClear(cli(root, ['up']), /"sqliteMigrations\.databaseFile" resolves to .*-outside\.db, outside the workspace folder/);
        assert.equal(fs.existsSync(outside), false);
        assert.equal(cli(root, ['up', '--db', outside]).code, 0);
        assert.equal(fs.existsSync(outside), true);
      } finally {
        fs.rmSync(outside, { force: true });
      }
    });

    it('an unreadable migrations folder and an unwritable backups folder (as another user)', function () {
      if (!isRoot) return this.skip();
      assert.equal(cli(root, ['up']).code, 0);
      fs.writeFileSync(path.join(root, 'migrations', '002_more.sql'), "INSERT INTO notes (body) VALUES ('x');\n");
      fs.chmodSync(root, 0o755);
      fs.chmodSync(path.dirname(db), 0o777);
      fs.chownSync(db, 65534, 65534);
      fs.mkdirSync(backups, { mode: 0o755 });
      const before = fs.readFileSync(db);
      assertClear(cliAsNobody(root, ['up']), /app\.db: error: Could not back up .*app\.db: this user may not write to .*backups; give it write permission there, or choose another backups folder .*Nothing was changed\./);
      assert.deepEqual(fs.readFileSync(db), before);
      fs.chmodSync(path.join(root, 'migrations'), 0o700);
      assertClear(cliAsNobody(root, ['status']), /migrations: error: Could not list a folder: this user may not read .*migrations; give it permission/);
    });

    it('a folder this user may not write (as another user): "new" and the schema file say so, not "may not read"', function () {
      if (!isRoot) return this.skip();
      assert.equal(cli(root, ['up']).code, 0);
      fs.rmSync(path.join(root, 'schema.sql'));
      fs.writeFileSync(path.join(root, 'migrations', '002_more.sql'), "INSERT INTO notes (body) VALUES ('x');\n");
      fs.chmodSync(root, 0o755);
      fs.chmodSync(path.dirname(db), 0o777);
      fs.chownSync(db, 65534, 65534);
      fs.mkdirSync(backups, { recursive: true, mode: 0o777 });
      fs.chmodSync(backups, 0o777);
      const escaped = (p: string) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const up = cliAsNobody(root, ['up']);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stderr, new RegExp(`schema\\.sql: warning: Could not write .*schema\\.sql: this user may not write to ${escaped(root)}; give it write permission there, or run as a user who has it\\. .*schema\\.sql was not created\\.`));
      assert.doesNotMatch(up.stderr, /may not read|sqlite-migrations-tmp|unchanged/);
      assert.equal(sqlite3(db, 'SELECT count(*) FROM notes;'), '1\n', 'the database itself was migrated');
      const made = cliAsNobody(root, ['new', 'x y']);
      assertClear(made, new RegExp(`003_x_y\\.sql: error: Could not create 003_x_y\\.sql: this user may not write to ${escaped(path.join(root, 'migrations'))}; give it write permission there, or run as a user who has it\\. No migration file was created\\.`));
      assert.doesNotMatch(made.stderr, /may not read/);
      assert.deepEqual(fs.readdirSync(path.join(root, 'migrations')).sort(), ['001_notes.down.sql', '001_notes.sql', '002_more.sql']);
    });

    it('a full disk leaves the database as it was', function () {
      const mnt = mountTmpfs(512);
      if (!mnt) return this.skip();
      try {
        const ws = path.join(mnt, 'ws');
        fs.cpSync(root, ws, { recursive: true });
        assert.equal(cli(ws, ['up']).code, 0);
        const file = path.join(ws, 'data', 'app.db');
        fs.writeFileSync(path.join(ws, 'migrations', '002_big.sql'), "INSERT INTO notes (body) SELECT hex(randomblob(500)) FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000) SELECT i FROM c);\n");
        const before = fs.readFileSync(file);
        const run = cli(ws, ['up']);
        if (ENGINE === 'native') {
          assertClear(run, /002_big\.sql(:1)?: error: (COMMIT failed: database or disk is full; rolled back|database or disk is full, in statement: .*)\. Free some space on the disk/, 1);
          assert.equal(sqlite3(file, "SELECT count(*) FROM notes; SELECT status FROM schema_migrations WHERE version = '002';"), '0\nfailed\n');
        } else {
          assertClear(run, /app\.db: error: Could not write .*app\.db: the disk holding .*app\.db is full; free some space on it and try again\. .*app\.db is unchanged\./);
          assert.deepEqual(fs.readFileSync(file), before);
        }
      } finally {
        unmount(mnt);
      }
    });
  });
});
