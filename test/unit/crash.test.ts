import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { cli, cliPausedAt, makeWorkspace, removeWorkspace, sqlite3 } from './helpers/workspace';

// The sql.js engine's atomic replace: the CLI is killed with SIGKILL at each step of the write; the file
// must always be either exactly the old bytes or the complete, verified new database. (The native engine
// writes in place through SQLite's journal; its kill tests are in concurrency.test.ts.)
const STEPS: [string, 'old' | 'new'][] = [
  ['temp-created', 'old'],
  ['temp-written', 'old'],
  ['temp-synced', 'old'],
  ['renamed', 'new'],
  ['dir-synced', 'new'],
];

function tempFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.includes('sqlite-migrations-tmp'));
}

describe('sql.js engine: CLI killed during the atomic write', () => {
  for (const [step, expected] of STEPS) {
    it(`leaves the ${expected} database when killed at ${step}`, async function () {
      this.timeout(30_000);
      const root = makeWorkspace({
        'migrations/001_projects.sql': "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT);\nINSERT INTO projects (name) VALUES ('keep me');\n",
        'migrations/002_tasks.sql': 'CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER REFERENCES projects(id));\n',
      });
      try {
        assert.equal(cli(root, ['up', '--to', '1', '--engine', 'sqljs']).code, 0);
        const db = path.join(root, 'data', 'app.db');
        const before = fs.readFileSync(db);

        const child = await cliPausedAt(root, ['up', '--engine', 'sqljs'], step);
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;

        if (expected === 'old') {
          assert.deepEqual(fs.readFileSync(db), before);
        } else {
          assert.equal(sqlite3(db, 'PRAGMA integrity_check;'), 'ok\n');
          assert.equal(sqlite3(db, "SELECT status FROM schema_migrations WHERE version = '002';"), 'applied\n');
        }
        assert.equal(sqlite3(db, 'SELECT name FROM projects;'), 'keep me\n');

        const next = cli(root, ['up', '--engine', 'sqljs']);
        assert.equal(next.code, 0, next.stderr);
        if (step !== 'renamed' && step !== 'dir-synced') {
          assert.match(next.stderr, /temporary file left by an earlier run/);
        }
        assert.deepEqual(tempFiles(path.dirname(db)), []);
        assert.equal(sqlite3(db, "SELECT status FROM schema_migrations WHERE version = '002';"), 'applied\n');
      } finally {
        removeWorkspace(root);
      }
    });
  }
});
