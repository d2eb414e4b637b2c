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
    assert.equal(made.json.advice, 'Applied to app.db, it changes nothing there and ends the drift: "sqlite-migrations up".');
    assert.equal(cli(root, ['up']).code, 0);
    const verify = cliJson(root, ['verify']);
    assert.equal(verify.code, 0, JSON.stringify(verify.json.checks));
  });

  it('an ADD COLUMN with a migration pending before it: the advice says to apply that one first, and followed it ends the drift', () => {
    assert.equal(cli(root, ['up']).code, 0);
    const db = path.join(root, 'data', 'app.db');
    sqlite3(db, 'ALTER TABLE tasks ADD COLUMN team_id INTEGER REFERENCES tasks(id);');
    fs.writeFileSync(path.join(root, 'migrations', '002_tags.sql'), 'CREATE TABLE tags (id INTEGER PRIMARY KEY);\n');
    fs.writeFileSync(path.join(root, 'migrations', '002_tags.down.sql'), 'DROP TABLE tags;\n');
    const made = cli(root, ['new', 'team', '--from-drift']);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /\napp\.db already has this change and its ADD COLUMN would fail there: record it with "sqlite-migrations baseline --to 3" rather than "up", after applying the 1 migration pending before it \("sqlite-migrations up --to 2"\)\.\n$/);
    assert.match(fs.readFileSync(path.join(root, 'migrations', '003_team.sql'), 'utf8'), /\nALTER TABLE "tasks" ADD COLUMN team_id INTEGER REFERENCES tasks\(id\);\n$/);
    assert.equal(cli(root, ['up', '--to', '2']).code, 0);
    const base = cli(root, ['baseline', '--to', '3']);
    assert.equal(base.code, 0, base.stderr);
    const verify = cliJson(root, ['verify']);
    assert.equal(verify.code, 0, JSON.stringify(verify.json.checks));
  });

  it('an index changed by hand is a recipe: the advice is to finish it, not to apply or record it', () => {
    fs.writeFileSync(path.join(root, 'migrations', '002_title.sql'), 'CREATE INDEX idx_title ON tasks(title);\n');
    fs.writeFileSync(path.join(root, 'migrations', '002_title.down.sql'), 'DROP INDEX idx_title;\n');
    assert.equal(cli(root, ['up']).code, 0);
    sqlite3(path.join(root, 'data', 'app.db'), 'DROP INDEX idx_title; CREATE INDEX idx_title ON tasks(title, id);');
    const made = cli(root, ['new', 'title index', '--from-drift']);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /\n003_title_index\.sql holds a commented recipe to finish by hand: until then it does not bring the migrations up to app\.db\.\n$/);
  });

  it('without drift it creates nothing (exit 2); --from-drift belongs to "new" only', () => {
    assert.equal(cli(root, ['up']).code, 0);
    const none = cli(root, ['new', 'nothing', '--from-drift']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /app\.db: error: has the schema its applied migrations produce: there is no drift to make a migration of, so nothing was created\./);
    assert.deepEqual(fs.readdirSync(path.join(root, 'migrations')).sort(), ['001_tasks.down.sql', '001_tasks.sql']);
    assert.match(cli(root, ['up', '--from-drift']).stderr, /--from-drift only applies to "new"/);
  });

  it('without a database it says the database does not exist, and creates nothing', () => {
    const none = cli(root, ['new', 'nothing', '--from-drift']);
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /app\.db: error: does not exist: there is no drift to make a migration of, so nothing was created\./);
    assert.deepEqual(fs.readdirSync(path.join(root, 'migrations')).sort(), ['001_tasks.down.sql', '001_tasks.sql']);
    assert.equal(fs.existsSync(path.join(root, 'data', 'app.db')), false);
  });

  it('a column added by hand: the up file adds it (unguarded, said in the file), the down file drops it; applied elsewhere it brings the column', () => {
    assert.equal(cli(root, ['up']).code, 0);
    const db = path.join(root, 'data', 'app.db');
    sqlite3(db, 'ALTER TABLE tasks ADD COLUMN extra TEXT;');
    const made = cliJson(root, ['new', 'extra column', '--from-drift']);
    assert.equal(made.code, 0, made.stderr);
    const up = fs.readFileSync(made.json.upPath, 'utf8');
    assert.match(up, /-- SQLite has no ADD COLUMN IF NOT EXISTS[^]*\nALTER TABLE "tasks" ADD COLUMN extra TEXT;\n$/);
    assert.match(fs.readFileSync(made.json.downPath, 'utf8'), /\nALTER TABLE "tasks" DROP COLUMN "extra";\n$/);
    assert.equal(made.json.advice, 'app.db already has this change and its ADD COLUMN would fail there: record it with "sqlite-migrations baseline --to 2" rather than "up".');
    // On the drifted database it fails and rolls back, as the file says: the column and its data stay.
    sqlite3(db, "INSERT INTO tasks (title, extra) VALUES ('a', 'kept');");
    assert.notEqual(cli(root, ['up']).code, 0);
    assert.match(sqlite3(db, 'SELECT extra FROM tasks;'), /kept/);
    // There it is recorded as applied instead, as the file and `new` said, and the drift ends.
    const baseline = cli(root, ['baseline']);
    assert.equal(baseline.code, 0, baseline.stderr);
    assert.match(baseline.stdout, /Recorded 1 migration as applied without running it: 002_extra_column\./);
    const drifted = cliJson(root, ['verify']);
    assert.equal(drifted.code, 0, JSON.stringify(drifted.json.checks));
    assert.match(sqlite3(db, 'SELECT extra FROM tasks;'), /kept/);
    // Elsewhere (a fresh database) it brings the column along, and that one has no drift.
    fs.rmSync(db);
    assert.equal(cli(root, ['up']).code, 0);
    const verify = cliJson(root, ['verify']);
    assert.equal(verify.code, 0, JSON.stringify(verify.json.checks));
  });
});
