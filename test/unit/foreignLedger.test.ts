// Taking over a database another migration tool migrated: its own ledger says how far it got, the baseline records
// that far (checked against the schema), and golang-migrate's or dbmate's schema_migrations, which has the spec
// ledger's name, is moved aside in the same transaction. Real databases made with the sqlite3 shell, through the CLI.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ENGINE } from './helpers/engines';
import { hasSqlite3, sqlite3 } from './helpers/sqlite3';
import { cli, cliJson, workspacesPerTest } from './helpers/workspace';

const USERS = 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);';
const INDEX = 'CREATE INDEX idx_users_email ON users(email);';
const POSTS = 'CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));';

const GOLANG_MIGRATE = {
  'migrations/000001_users.up.sql': `${USERS}\n`,
  'migrations/000001_users.down.sql': 'DROP TABLE users;\n',
  'migrations/000002_email.up.sql': `${INDEX}\n`,
  'migrations/000002_email.down.sql': 'DROP INDEX idx_users_email;\n',
  'migrations/000003_posts.up.sql': `${POSTS}\n`,
  'migrations/000003_posts.down.sql': 'DROP TABLE posts;\n',
};

describe(`taking over a database another tool migrated (${ENGINE})`, function () {
  this.timeout(60_000);
  const ws = workspacesPerTest();
  before(function () {
    if (!hasSqlite3()) this.skip();
  });

  /** A workspace with `files` and a database at data/app.db made by `sql`. */
  function database(files: Record<string, string>, sql: string): { root: string; db: string } {
    const root = ws(files);
    const db = path.join(root, 'data', 'app.db');
    fs.mkdirSync(path.dirname(db));
    sqlite3(db, sql);
    return { root, db };
  }
  const golangMigrate = (version: number, dirty: 0 | 1) =>
    `${USERS} ${INDEX} CREATE TABLE schema_migrations (version uint64, dirty bool); CREATE UNIQUE INDEX version_unique ON schema_migrations (version); INSERT INTO schema_migrations VALUES (${version}, ${dirty});`;

  it("golang-migrate's: status says how to take it over; baseline moves its table aside and records how far it got", () => {
    const { root, db } = database(GOLANG_MIGRATE, golangMigrate(2, 0));
    const status = cli(root, ['status']);
    assert.equal(status.code, 2);
    assert.match(status.stderr, /which is golang-migrate's migration table\. It is left untouched; "sqlite-migrations baseline" \(editor: Baseline Existing Database\.\.\.\) takes the database over: it renames that table to schema_migrations_golang_migrate/);
    const base = cliJson(root, ['baseline']);
    assert.equal(base.code, 0, base.stderr);
    assert.deepEqual(base.json.migrations.map((s: { status: string }) => s.status), ['applied', 'applied', 'pending']);
    assert.equal(sqlite3(db, 'SELECT version, dirty FROM schema_migrations_golang_migrate;'), '2|0\n', 'its table is kept, renamed');
    assert.equal(sqlite3(db, 'SELECT version, status FROM schema_migrations ORDER BY version;'), '000001|applied\n000002|applied\n');
    assert.equal(cli(root, ['up']).code, 0);
    assert.equal(sqlite3(db, "SELECT count(*) FROM sqlite_master WHERE name = 'posts';"), '1\n');
    const verify = cliJson(root, ['verify']);
    assert.equal(verify.code, 0, JSON.stringify(verify.json.checks));
  });

  it("golang-migrate's marked dirty: the baseline is refused with what to do, and nothing changes", () => {
    const { root, db } = database(GOLANG_MIGRATE, golangMigrate(2, 1));
    const before = fs.readFileSync(db);
    const base = cli(root, ['baseline']);
    assert.equal(base.code, 2, base.stderr);
    assert.match(base.stderr, /marks version 2 dirty: that migration stopped partway.*migrate force 2/);
    assert.deepEqual(fs.readFileSync(db), before);
  });

  it("dbmate's: its versions say how far it got; the folder's sections are read", () => {
    const dbmate = (up: string, down: string) => `-- migrate:up\n${up}\n\n-- migrate:down\n${down}\n`;
    const files = {
      'db/migrations/20240101000000_users.sql': dbmate(USERS, 'DROP TABLE users;'),
      'db/migrations/20240102000000_email.sql': dbmate(INDEX, 'DROP INDEX idx_users_email;'),
      'db/migrations/20240103000000_posts.sql': dbmate(POSTS, 'DROP TABLE posts;'),
    };
    const { root, db } = database(files, `${USERS} ${INDEX} CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240101000000'), ('20240102000000');`);
    const base = cliJson(root, ['baseline', '--dir', 'db/migrations']);
    assert.equal(base.code, 0, base.stderr);
    assert.deepEqual(base.json.migrations.map((s: { status: string }) => s.status), ['applied', 'applied', 'pending']);
    assert.equal(sqlite3(db, 'SELECT count(*) FROM schema_migrations_dbmate;'), '2\n');
  });

  describe("Flyway's flyway_schema_history, beside the spec's ledger name", () => {
    const FLYWAY = {
      'sql/V1__users.sql': `${USERS}\n`,
      'sql/V2__email.sql': `${INDEX}\n`,
      'sql/V3__posts.sql': `${POSTS}\n`,
    };
    const history = (versions: number[]) =>
      `CREATE TABLE flyway_schema_history (installed_rank INT PRIMARY KEY, version VARCHAR(50), description VARCHAR(200), type VARCHAR(20), script VARCHAR(1000), success BOOLEAN NOT NULL); ${versions.map((v) => `INSERT INTO flyway_schema_history VALUES (${v}, '${v}', 'm', 'SQL', 'V${v}__m.sql', 1);`).join(' ')}`;

    it('up is refused naming how far Flyway got; baseline records that far and leaves its table alone', () => {
      const { root, db } = database(FLYWAY, `${USERS} ${INDEX} ${history([1, 2])}`);
      const up = cli(root, ['up', '--dir', 'sql']);
      assert.equal(up.code, 2, up.stderr);
      assert.match(up.stderr, /has 1 table of its own \(users\).*Flyway's flyway_schema_history records the migrations up to 2 as applied/);
      const base = cliJson(root, ['baseline', '--dir', 'sql']);
      assert.equal(base.code, 0, base.stderr);
      assert.deepEqual(base.json.migrations.map((s: { status: string }) => s.status), ['applied', 'applied', 'pending']);
      assert.equal(sqlite3(db, 'SELECT count(*) FROM flyway_schema_history;'), '2\n');
      assert.equal(cli(root, ['up', '--dir', 'sql']).code, 0);
      const verify = cliJson(root, ['verify', '--dir', 'sql']);
      assert.equal(verify.code, 0, JSON.stringify(verify.json.checks));
    });

    it('a history that claims more than the schema has: the schema decides, and the refusal names the --to', () => {
      const { root, db } = database(FLYWAY, `${USERS} ${INDEX} ${history([1, 2, 3])}`);
      const before = fs.readFileSync(db);
      const base = cli(root, ['baseline', '--dir', 'sql']);
      assert.equal(base.code, 2, base.stderr);
      assert.match(base.stderr, /up to V2__email produce, not up to V3__posts: table posts is missing from the database\. Run "sqlite-migrations baseline --to 2"/);
      assert.deepEqual(fs.readFileSync(db), before);
    });
  });
});
