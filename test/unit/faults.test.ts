// Faults a hostile environment produces, on real files, on both engines: failed runs that must not spend
// backups, two databases that share a stem, files this user may not write, limits, file-system errors.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ENGINE } from './helpers/engines';
import { sqlite3 } from './helpers/sqlite3';
import { cli, cliJson, makeWorkspace, removeWorkspace } from './helpers/workspace';

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
});
