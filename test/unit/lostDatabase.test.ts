// A database file gone while its backups remain: status and up name the newest backup and the restore that brings it
// back, instead of "does not exist yet; it is created by the first up" (which leads to an empty database).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENGINE } from './helpers/engines';
import { hasSqlite3 } from './helpers/sqlite3';
import { cli, cliJson, makeWorkspace, removeWorkspace, sqlite3 } from './helpers/workspace';

describe(`a lost database with backups (${ENGINE})`, () => {
  let root: string;
  const db = () => path.join(root, 'data', 'app.db');
  beforeEach(() => {
    root = makeWorkspace({
      'migrations/001_notes.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n',
      'migrations/001_notes.down.sql': 'DROP TABLE notes;\n',
    });
  });
  afterEach(() => removeWorkspace(root));

  it('without backups, a missing database is still the plain note that up creates it', () => {
    const status = cli(root, ['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stderr, /app\.db: info: does not exist yet; it is created by the first "up"\./);
  });

  it('status warns with the newest backup and the restore command; up says the same after creating a new one; restore brings the data back', function () {
    if (!hasSqlite3()) this.skip();
    assert.equal(cli(root, ['up']).code, 0);
    sqlite3(db(), "INSERT INTO notes (body) VALUES ('kept');");
    const backup = cliJson(root, ['backup']);
    assert.equal(backup.code, 0, backup.stderr);
    const name = path.basename(backup.json.path);
    assert.match(name, /^app\.db_\d{8}T\d{9}Z\.db$/, JSON.stringify(backup.json));
    fs.rmSync(db());

    const status = cli(root, ['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stderr, new RegExp(`app\\.db: warning: does not exist, but its backups folder holds 1 backup of an earlier one, the newest ${name.replace(/\./g, '\\.')} \\(.*\\): if it was lost, "sqlite-migrations restore ${name.replace(/\./g, '\\.')}" \\(editor: Restore Backup\\.\\.\\.\\) brings it back; "up" would create a new, empty database instead\\.`));
    assert.equal(fs.existsSync(db()), false);

    const up = cli(root, ['up']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, /app\.db: warning: did not exist, so this operation created a new one, while its backups folder holds 1 backup of an earlier one/);

    const restore = cli(root, ['restore', name]);
    assert.equal(restore.code, 0, restore.stderr);
    assert.equal(sqlite3(db(), 'SELECT body FROM notes;').trim(), 'kept');
  });
});
