import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ENGINE } from './helpers/engines';
import { hasSqlite3 } from './helpers/sqlite3';
import { cli, cliJson, makeWorkspace, removeWorkspace, sqlite3 } from './helpers/workspace';

const FILES = {
  'migrations/001_tasks.sql': '-- version: 1.0.0\nCREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL);\n',
  'migrations/001_tasks.down.sql': 'DROP TABLE tasks;\n',
};

describe(`sqlite-migrations new --from-drift (${ENGINE})`, function () {
  let root: string;
  before(function () {
    if (!hasSqlite3()) this.skip();
  });
  beforeEach(() => (root = makeWorkspace(FILES)));
  afterEach(() => removeWorkspace(root));

  it('writes the next pair holding the drift; applied to the drifted database it ends the drift', () => {
    assert.equal(cli(root, ['up']).code, 0);
    sqlite3(path.join(root, 'data', 'app.db'), 'CREATE INDEX idx_tasks_title ON tasks(title);');
    assert.equal(cli(root, ['verify']).code, 1);
    const made = cliJson(root, ['new', 'index added by hand', '--from-drift']);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(path.basename(made.json.upPath), '002_index_added_by_hand.sql');
    assert.match(fs.readFileSync(made.json.upPath, 'utf8'), /^-- version: 1\.1\.0\n[^]*\n\nCREATE INDEX IF NOT EXISTS idx_tasks_title ON tasks\(title\);\n$/);
    assert.match(fs.readFileSync(made.json.downPath, 'utf8'), /\n\nDROP INDEX IF EXISTS "idx_tasks_title";\n$/);
    assert.equal(cli(root, ['up']).code, 0);
    const verify = cliJson(root, ['verify']);
    assert.equal(verify.code, 0, JSON.stringify(verify.json.checks));
  });

  it('without drift it creates nothing (exit 2); --from-drift belongs to "new" only', () => {
    assert.equal(cli(root, ['up']).code, 0);
    const none = cli(root, ['new', 'nothing', '--from-drift']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /app\.db: error: has the schema its applied migrations produce: there is no drift to make a migration of, so nothing was created\./);
    assert.deepEqual(fs.readdirSync(path.join(root, 'migrations')).sort(), ['001_tasks.down.sql', '001_tasks.sql']);
    assert.match(cli(root, ['up', '--from-drift']).stderr, /--from-drift only applies to "new"/);
  });
});
