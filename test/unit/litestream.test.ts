// A database replicated by the real Litestream: the native engine migrates it through SQLite's locks and the
// changes reach the replica without a new generation; sql.js, which would replace the file, refuses it.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ENGINE } from './helpers/engines';
import { Litestream } from './helpers/litestream';
import { Sqlite3Session } from './helpers/sqlite3';
import { cli, makeWorkspace, removeWorkspace, sqlite3 } from './helpers/workspace';

const MIGRATIONS = {
  'migrations/001_tasks.sql': "CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL);\nINSERT INTO tasks (title) VALUES ('seed');\n",
  'migrations/001_tasks.down.sql': 'DROP TABLE tasks;\n',
  'migrations/002_priority.sql': 'ALTER TABLE tasks ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;\nCREATE INDEX idx_tasks_priority ON tasks (priority);\n',
  'migrations/002_priority.down.sql': 'DROP INDEX idx_tasks_priority;\nALTER TABLE tasks DROP COLUMN priority;\n',
  'migrations/003_open_tasks.sql': 'CREATE VIEW open_tasks AS SELECT id, title FROM tasks;\n',
  'migrations/003_open_tasks.down.sql': 'DROP VIEW open_tasks;\n',
};

/** Everything a restore must bring back: the schema (Litestream's tables aside), the ledger and the rows. */
function contents(db: string): string {
  return sqlite3(db, [
    "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE '\\_litestream%' ESCAPE '\\' ORDER BY type, name;",
    'SELECT * FROM schema_migrations ORDER BY 1;',
    'SELECT * FROM tasks ORDER BY id;',
  ].join('\n'));
}

describe(`a database replicated by Litestream (${ENGINE})`, function () {
  this.timeout(120_000);
  let root: string;
  let db: string;
  let ls: Litestream | undefined;

  beforeEach(async () => {
    root = makeWorkspace(MIGRATIONS);
    db = path.join(root, 'data', 'app.db');
    fs.mkdirSync(path.dirname(db));
    sqlite3(db, 'PRAGMA journal_mode = WAL; PRAGMA user_version = 1;');
    ls = await Litestream.replicate(db, path.join(root, 'replica'));
  });

  afterEach(async () => {
    await ls?.stop();
    removeWorkspace(root);
  });

  const run = (args: string[], engine: string) => cli(root, [...args, '--db', db, '--engine', engine]);

  if (ENGINE === 'native') {
    it('up and down on the native engine reach the replica: a restore has the same schema, ledger and rows, in the same generation', async () => {
      const generations = ls!.generations();
      const up = run(['up'], 'native');
      assert.equal(up.code, 0, up.stderr);
      sqlite3(db, "INSERT INTO tasks (title, priority) VALUES ('written by the application', 3);");
      const down = run(['down', '--steps', '2'], 'native');
      assert.equal(down.code, 0, down.stderr);
      assert.equal(sqlite3(db, "SELECT count(*) FROM sqlite_master WHERE name = 'idx_tasks_priority';").trim(), '0');
      const again = run(['up'], 'native');
      assert.equal(again.code, 0, again.stderr);
      assert.equal(sqlite3(db, 'PRAGMA journal_mode;').trim(), 'wal', 'the journal mode is left as Litestream needs it');

      const restored = path.join(root, 'restored.db');
      const expected = contents(db);
      assert.match(expected, /003_open_tasks|open_tasks/);
      await ls!.waitFor(() => {
        ls!.restore(restored);
        try {
          return contents(restored) === expected;
        } catch {
          return false; // a replica from before the migrations: no ledger yet
        }
      }, 'a replica with the migrated database');
      assert.deepEqual(ls!.generations(), generations, 'no new generation: the replication never had to start over');
    });
  } else {
    it('sql.js refuses to migrate it, says why and names the native engine; nothing is written and the replica goes on', async () => {
      const generations = ls!.generations();
      const up = run(['up'], 'sqljs');
      assert.equal(up.code, 2, up.stderr);
      assert.match(up.stderr, /is replicated by Litestream \(its folder \.app\.db-litestream is beside it\)/);
      assert.match(up.stderr, /break the replica's generation.*--engine native/s);
      assert.equal(sqlite3(db, "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations';").trim(), '0');
      assert.deepEqual(ls!.generations(), generations);
    });

    it('sql.js cannot read it while Litestream holds it in WAL mode, and does not advise a checkpoint', () => {
      const status = run(['status'], 'sqljs');
      assert.equal(status.code, 2, status.stdout);
      assert.match(status.stderr, /replicated by Litestream .* reads only the main file/);
      assert.doesNotMatch(status.stderr, /wal_checkpoint/);
    });

    it('sql.js still refuses after Litestream stopped: its folder says the file is replicated', async () => {
      await ls!.stop();
      const up = run(['up'], 'sqljs');
      assert.equal(up.code, 2, up.stderr);
      assert.match(up.stderr, /replicated by Litestream/);
    });

    it('a copy that has only Litestream\'s tables is refused until they are dropped, and the message says so', async () => {
      const copy = path.join(root, 'copy', 'app.db');
      fs.mkdirSync(path.dirname(copy));
      sqlite3(db, `VACUUM INTO '${copy}';`);
      const refused = cli(root, ['up', '--db', copy, '--engine', 'sqljs']);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /it has Litestream's _litestream_lock table; if this copy is not replicated, drop _litestream_seq and _litestream_lock first/);
      sqlite3(copy, 'DROP TABLE _litestream_seq; DROP TABLE _litestream_lock;');
      const up = cli(root, ['up', '--db', copy, '--engine', 'sqljs']);
      assert.equal(up.code, 0, up.stderr);
    });
  }
});

if (ENGINE === 'native') {
  describe('the native engine leaves checkpoints to Litestream', function () {
    this.timeout(120_000);
    const BULK = {
      'migrations/001_bulk.sql': 'CREATE TABLE blobs (b BLOB);\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO blobs SELECT randomblob(4000) FROM n;\n',
    };
    let root: string;
    let reader: Sqlite3Session | undefined;
    afterEach(async () => {
      await reader?.close();
      removeWorkspace(root);
    });

    /** Runs a migration of ~3000 pages, past SQLite's auto-checkpoint, while another connection keeps the WAL alive. */
    async function bulkUp(replicated: boolean): Promise<{ before: number; after: number }> {
      root = makeWorkspace(BULK);
      const db = path.join(root, 'app.db');
      sqlite3(db, 'PRAGMA journal_mode = WAL; PRAGMA user_version = 1;');
      if (replicated) fs.mkdirSync(path.join(root, '.app.db-litestream'));
      reader = Sqlite3Session.open(db);
      await reader.run('SELECT count(*) FROM sqlite_master;');
      const before = fs.statSync(db).size;
      const up = cli(root, ['up', '--db', db, '--engine', 'native']);
      assert.equal(up.code, 0, up.stderr);
      return { before, after: fs.statSync(db).size };
    }

    it('beside a .NAME-litestream folder, a large migration stays in the WAL for Litestream to checkpoint', async () => {
      const { before, after } = await bulkUp(true);
      assert.equal(after, before, 'nothing was checkpointed into the database file');
    });

    it('without it, SQLite checkpoints as usual (the same migration grows the database file)', async () => {
      const { before, after } = await bulkUp(false);
      assert.ok(after > before + 10_000_000, `${before} -> ${after}`);
    });
  });
}
