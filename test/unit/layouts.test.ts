import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { resolveConfig, type UserSettings } from '../../src/core/config';
import * as engine from '../../src/core/engine';
import { discoverMigrations } from '../../src/core/migrations/catalog';
import { createMigration } from '../../src/core/migrations/scaffold';
import { sqlite3, hasSqlite3 } from './helpers/sqlite3';
import { makeWorkspace, removeWorkspace, REPO } from './helpers/workspace';

// Real-shaped folders of the tools people come from, each with three migrations: users, posts (a foreign key to
// users), an index. Each is applied, rolled back to zero and applied again on a real database.
const USERS = 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n';
const POSTS = 'CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), body TEXT);\n';
const INDEX = 'CREATE INDEX idx_posts_user ON posts(user_id);\n';

const dbmate = (up: string, down: string) => `-- migrate:up\n${up}\n-- migrate:down\n${down}`;

const FOLDERS: Record<string, { layout: string; files: Record<string, string> }> = {
  'golang-migrate (also sqlx reversible)': {
    layout: 'golang-migrate',
    files: {
      '000001_create_users.up.sql': USERS,
      '000001_create_users.down.sql': 'DROP TABLE users;\n',
      '000002_create-posts.up.sql': POSTS,
      '000002_create-posts.down.sql': 'DROP TABLE posts;\n',
      '000003_posts.index.up.sql': INDEX,
      '000003_posts.index.down.sql': 'DROP INDEX idx_posts_user;\n',
    },
  },
  'dbmate (timestamps, one file per migration)': {
    layout: 'dbmate',
    files: {
      '20230101120000_create_users.sql': dbmate(USERS, 'DROP TABLE users;\n'),
      '20230102093000_create_posts.sql': dbmate(POSTS, 'DROP TABLE posts;\n'),
      '20230315000000_index_posts.sql': dbmate(INDEX, 'DROP INDEX idx_posts_user;\n'),
    },
  },
  'flyway (versioned and undo)': {
    layout: 'flyway',
    files: {
      'V1__create_users.sql': USERS,
      'U1__create_users.sql': 'DROP TABLE users;\n',
      'V2__Create_Posts.sql': POSTS,
      'U2__Create_Posts.sql': 'DROP TABLE posts;\n',
      'V10__index_posts.sql': INDEX,
      'U10__index_posts.sql': 'DROP INDEX idx_posts_user;\n',
    },
  },
  'diesel (a folder per migration)': {
    layout: 'diesel',
    files: {
      '2020-01-01-000000_create_users/up.sql': USERS,
      '2020-01-01-000000_create_users/down.sql': 'DROP TABLE users;\n',
      '2020-02-01-101010_create_posts/up.sql': POSTS,
      '2020-02-01-101010_create_posts/down.sql': 'DROP TABLE posts;\n',
      '2021-01-01-000000_index_posts/up.sql': INDEX,
      '2021-01-01-000000_index_posts/down.sql': 'DROP INDEX idx_posts_user;\n',
    },
  },
};

function workspace(files: Record<string, string>): string {
  return makeWorkspace(Object.fromEntries(Object.entries(files).map(([f, t]) => [path.join('migrations', f), t])));
}

function tables(db: string): string[] {
  return sqlite3(db, "SELECT name FROM sqlite_master WHERE type IN ('table','index') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'schema_migrations%' ORDER BY name;").trim().split('\n').filter(Boolean);
}

describe('layouts: other tools\' folders, read as they are', () => {
  let root: string;
  afterEach(() => removeWorkspace(root));
  const config = (settings: UserSettings = {}) => resolveConfig(root, settings);

  for (const [title, { layout, files }] of Object.entries(FOLDERS)) {
    it(`${title}: found by auto, applied, rolled back to zero and applied again`, async function () {
      if (!hasSqlite3()) this.skip();
      root = workspace(files);
      const catalog = await discoverMigrations(path.join(root, 'migrations'));
      assert.equal(catalog.layout, layout);
      assert.deepEqual(catalog.problems.map((p) => p.message), []);
      assert.equal(catalog.migrations.length, 3);
      assert.ok(catalog.migrations.every((m) => m.downPath), 'every migration has its down');
      const db = config().databaseFile;
      const up = await engine.migrateUp(config(), {});
      assert.ok(up.ok, JSON.stringify(!up.ok && up.error));
      assert.deepEqual(tables(db), ['idx_posts_user', 'posts', 'users']);
      const down = await engine.migrateDown(config(), { steps: 3 });
      assert.ok(down.ok, JSON.stringify(!down.ok && down.error));
      assert.deepEqual(tables(db), []);
      const again = await engine.migrateUp(config(), {});
      assert.ok(again.ok && again.value.states.every((s) => s.status === 'applied'));
      assert.deepEqual(tables(db), ['idx_posts_user', 'posts', 'users']);
      // The ledger's version is the sequence as written; the names are the files' own.
      const versions = sqlite3(db, 'SELECT version FROM schema_migrations ORDER BY id;').trim().split('\n');
      assert.deepEqual([...new Set(versions)], catalog.migrations.map((m) => m.sequenceText));
    });
  }

  it('dbmate: up runs only the up section; the down section runs on rollback (the data-loss defect)', async function () {
    if (!hasSqlite3()) this.skip();
    // A seed-layout folder (no setting), one file with both sections: before, up ran both and left no table.
    root = workspace({ '001_users.sql': dbmate(USERS, 'DROP TABLE users;\n') });
    const up = await engine.migrateUp(config(), {});
    assert.ok(up.ok, JSON.stringify(!up.ok && up.error));
    assert.deepEqual(tables(config().databaseFile), ['users']);
    const down = await engine.migrateDown(config(), {});
    assert.ok(down.ok, JSON.stringify(!down.ok && down.error));
    assert.deepEqual(tables(config().databaseFile), []);
  });

  it('dbmate: an error in the down section is reported at its line in the file', async function () {
    if (!hasSqlite3()) this.skip();
    root = workspace({ '001_users.sql': dbmate(USERS, '\nDROP TABLE no_such_table;\n') });
    assert.ok((await engine.migrateUp(config(), {})).ok);
    const down = await engine.migrateDown(config(), {});
    const failure = down.ok ? down.value.outcomes.find((o) => !o.ok) : undefined;
    const message = down.ok ? (failure?.error?.message ?? '') : down.error[0].message;
    assert.match(message, /001_users\.sql:6:/, message);
  });

  it('dbmate: editing the down section of an applied file does not change its checksum', async () => {
    root = workspace({ '001_users.sql': dbmate(USERS, 'DROP TABLE users;\n') });
    const before = await discoverMigrations(path.join(root, 'migrations'));
    fs.appendFileSync(path.join(root, 'migrations', '001_users.sql'), '-- a note\n');
    const after = await discoverMigrations(path.join(root, 'migrations'));
    assert.equal(after.migrations[0].checksum, before.migrations[0].checksum);
  });

  const refused: [string, Record<string, string>, RegExp][] = [
    ['transaction:false', { '001_vacuum.sql': '-- migrate:up transaction:false\nVACUUM;\n-- migrate:down\n' }, /001_vacuum\.sql:1: "transaction:false" is not supported/],
    ['a down section and a down file', { '001_a.sql': dbmate(USERS, 'DROP TABLE users;\n'), '001_a.down.sql': 'DROP TABLE users;\n' }, /has a "-- migrate:down" section and 001_a\.down\.sql exists too/],
    ['two up markers', { '001_a.sql': `-- migrate:up\n${USERS}-- migrate:up\n-- migrate:down\n` }, /001_a\.sql:3: a second "-- migrate:up" marker/],
    ['down before up', { '001_a.sql': `-- migrate:down\nDROP TABLE users;\n-- migrate:up\n${USERS}` }, /"-- migrate:up" must come before "-- migrate:down"/],
  ];
  for (const [why, files, message] of refused) {
    it(`a file with dbmate markers is never run whole: ${why} is refused`, async () => {
      root = workspace(files);
      const up = await engine.migrateUp(config(), {});
      assert.ok(!up.ok, 'up must refuse');
      assert.ok(up.error.some((p) => message.test(p.message)), up.error.map((p) => p.message).join('\n'));
      assert.equal(fs.existsSync(config().databaseFile), false, 'nothing ran');
    });
  }

  it('auto refuses a folder mixing layouts, naming files of each, and says how to choose', async () => {
    root = workspace({ '001_a.up.sql': USERS, '001_a.down.sql': 'DROP TABLE users;\n', '002_b.sql': POSTS });
    const status = await engine.status(config());
    const catalog = await discoverMigrations(path.join(root, 'migrations'));
    assert.deepEqual(catalog.problems.map((p) => p.code), ['mixed-layouts']);
    assert.match(catalog.problems[0].message, /golang-migrate \(001_a\.up\.sql\) and seed \(002_b\.sql\).*sqliteMigrations\.layout \(CLI: --layout\)/);
    assert.ok(!(await engine.migrateUp(config(), {})).ok);
    assert.ok(status.ok && status.value.catalog.problems[0].code === 'mixed-layouts');
  });

  it('an explicit layout reads only its own names and reports the others against its pattern', async () => {
    root = workspace({ '001_a.up.sql': USERS, '001_a.down.sql': 'DROP TABLE users;\n', '002_b.sql': POSTS });
    const catalog = await discoverMigrations(path.join(root, 'migrations'), undefined, 'golang-migrate');
    assert.deepEqual(catalog.migrations.map((m) => m.name), ['001_a']);
    assert.deepEqual(catalog.problems.map((p) => `${p.code} ${path.basename(p.file ?? '')}`), ['bad-name 002_b.sql']);
    assert.match(catalog.problems[0].message, /The golang-migrate layout expects NNN_description\.up\.sql/);
  });
});

describe('layouts: new writes the folder\'s own layout', () => {
  let root: string;
  afterEach(() => removeWorkspace(root));
  const templateDir = path.join(REPO, 'migrations-template');
  const now = () => new Date('2026-11-29T15:30:45Z');
  const create = (layout?: 'seed') => createMigration({ folder: path.join(root, 'migrations'), templateDir, description: 'Add tags', bump: 'minor', now, layout });
  const rel = (p: string) => path.relative(path.join(root, 'migrations'), p);

  const cases: [string, Record<string, string>, string, string][] = [
    ['an empty folder: the spec\'s layout', {}, '001_add_tags.sql', '001_add_tags.down.sql'],
    ['golang-migrate', { '000001_a.up.sql': USERS, '000001_a.down.sql': 'DROP TABLE users;\n' }, '000002_add_tags.up.sql', '000002_add_tags.down.sql'],
    ['golang-migrate with timestamps', { '20230101120000_a.up.sql': USERS }, '20261129153045_add_tags.up.sql', '20261129153045_add_tags.down.sql'],
    ['flyway', { 'V1__a.sql': USERS, 'V2__b.sql': POSTS }, 'V3__add_tags.sql', 'U3__add_tags.sql'],
    ['diesel', { '2020-01-01-000000_a/up.sql': USERS }, path.join('2026-11-29-153045_add_tags', 'up.sql'), path.join('2026-11-29-153045_add_tags', 'down.sql')],
    ['dbmate', { '20230101120000_a.sql': dbmate(USERS, 'DROP TABLE users;\n') }, '20261129153045_add_tags.sql', '20261129153045_add_tags.sql'],
  ];
  for (const [title, files, up, down] of cases) {
    it(title, async () => {
      root = workspace(files);
      fs.mkdirSync(path.join(root, 'migrations'), { recursive: true });
      const created = await create();
      assert.ok(created.ok, JSON.stringify(!created.ok && created.error));
      assert.equal(rel(created.value.upPath), up);
      assert.equal(rel(created.value.downPath), down);
      const catalog = await discoverMigrations(path.join(root, 'migrations'));
      assert.deepEqual(catalog.problems.filter((p) => p.severity === 'error'), []);
      const made = catalog.migrations.find((m) => m.upPath === created.value.upPath);
      assert.ok(made?.downPath, 'the new migration is found, with its down');
      const label = up.split(path.sep).join('/');
      assert.ok(fs.readFileSync(created.value.upPath, 'utf8').includes(`-- ${label}, created 2026-11-29.`));
    });
  }
});
