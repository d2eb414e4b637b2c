import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { describeDataLoss } from '../../src/core/run/dataloss';
import { ENGINE } from './helpers/engines';
import { cli, cliJson, makeWorkspace, removeWorkspace } from './helpers/workspace';

// Real databases through the CLI (the engine under test: sql.js on Node 20, native on Node 24): the
// preview comes from running the down plan on a copy, so it reports what happens, not what the SQL looks like.
const FILES = {
  'migrations/001_projects.sql': `CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO projects (name) VALUES ('alpha'), ('beta'), ('gamma');
`,
  'migrations/001_projects.down.sql': 'DROP TABLE projects;\n',
  'migrations/002_seed_tags.sql': `CREATE TABLE tags (id INTEGER PRIMARY KEY, tag TEXT);
INSERT INTO tags (tag) VALUES ('a'), ('b');
`,
  'migrations/002_seed_tags.down.sql': 'DROP TABLE tags;\n',
  // Rolling back deletes every seed row but keeps the table.
  'migrations/003_seed_more_projects.sql': "INSERT INTO projects (name) VALUES ('delta'), ('epsilon');\n",
  'migrations/003_seed_more_projects.down.sql': "DELETE FROM projects WHERE name IN ('delta', 'epsilon');\n",
  'migrations/004_add_owner.sql': "ALTER TABLE projects ADD COLUMN owner TEXT NOT NULL DEFAULT 'me';\n",
  // A rebuild that copies every row back: it drops a table, but loses nothing but the column.
  'migrations/004_add_owner.down.sql': `CREATE TABLE projects_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO projects_new (id, name) SELECT id, name FROM projects;
DROP TABLE projects;
ALTER TABLE projects_new RENAME TO projects;
`,
  'migrations/005_empty_log.sql': 'CREATE TABLE log (line TEXT);\n',
  'migrations/005_empty_log.down.sql': 'DROP TABLE log;\n',
};

describe(`data-loss preview: dry-run --down (${ENGINE})`, () => {
  let root: string;
  let bytes: Buffer;
  before(() => {
    root = makeWorkspace(FILES);
    const up = cli(root, ['up']);
    assert.equal(up.code, 0, up.stderr);
  });
  beforeEach(() => {
    bytes = fs.readFileSync(path.join(root, 'data', 'app.db'));
  });
  afterEach(() => assert.deepEqual(fs.readFileSync(path.join(root, 'data', 'app.db')), bytes, 'a dry run must not change the database'));
  after(() => removeWorkspace(root));

  const loss = (args: string[]) => {
    const run = cliJson(root, ['dry-run', '--down', ...args]);
    assert.equal(run.code, 0, run.stderr);
    return run.json.dryRun.loss;
  };

  it('says no data is removed when only an empty table is dropped', () => {
    const l = loss(['--only', '5']);
    assert.deepEqual(l, { tablesDropped: [{ table: 'log', rows: 0 }], columnsDropped: [], rowsDeleted: [] });
    assert.deepEqual(describeDataLoss(l), ['Drops table log (0 rows).', 'No data is removed.']);
  });

  it('a rebuild that copies every row back loses only the dropped column, not the table', () => {
    const l = loss(['--only', '4']);
    assert.deepEqual(l, { tablesDropped: [], columnsDropped: [{ table: 'projects', columns: ['owner'], rows: 5 }], rowsDeleted: [] });
  });

  it('names the rows a DELETE removes, though no table is dropped', () => {
    const l = loss(['--only', '3']);
    assert.deepEqual(l.rowsDeleted, [{ table: 'projects', before: 5, after: 3 }]);
    assert.deepEqual(describeDataLoss(l), ['Deletes 2 rows from projects (5 before, 3 after).']);
  });

  it('names a dropped table and its row count, and prints the preview as a table', () => {
    assert.deepEqual(loss(['--only', '2']).tablesDropped, [{ table: 'tags', rows: 2 }]);
    const run = cli(root, ['dry-run', '--down', '--only', '2']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /REMOVED\s+WHERE\s+ROWS\n\s*table dropped\s+tags\s+2\n/);
    assert.match(run.stdout, /002_seed_tags \(002\) would roll back \(\d+ ms on the copy\)/);
    assert.doesNotMatch(run.stdout, /rolled back in/);
  });

  it('sums several steps: everything down to 001', () => {
    const l = loss(['--to', '1']);
    assert.deepEqual(l.tablesDropped, [
      { table: 'log', rows: 0 },
      { table: 'tags', rows: 2 },
    ]);
    assert.deepEqual(l.columnsDropped, [{ table: 'projects', columns: ['owner'], rows: 3 }]);
    assert.deepEqual(l.rowsDeleted, [{ table: 'projects', before: 5, after: 3 }]);
  });
});
