import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { resolveConfig } from '../../src/core/config';
import { ENGINE } from './helpers/engines';
import { hasSqlite3 } from './helpers/sqlite3';
import { cli, cliJson, makeWorkspace, removeWorkspace, sqlite3, writeFile } from './helpers/workspace';

const FILES = {
  'migrations/001_tasks.sql': '-- version: 1.0.0\nCREATE TABLE tasks (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL);\n',
  'migrations/001_tasks.down.sql': 'DROP TABLE tasks;\n',
  'migrations/002_tags.sql': '-- version: 1.1.0\nCREATE TABLE tags (task_id INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (task_id, tag)) WITHOUT ROWID;\nCREATE INDEX idx_tags_tag ON tags(tag);\n',
  'migrations/002_tags.down.sql': 'DROP TABLE tags;\n',
};

describe(`sqlite-migrations schema, and drift in verify and status (${ENGINE})`, () => {
  let root: string;
  let schemaFile: string;
  beforeEach(() => {
    root = makeWorkspace(FILES);
    schemaFile = path.join(root, 'schema.sql');
  });
  afterEach(() => removeWorkspace(root));

  it('prints the schema of the applied migrations only, with the highest applied version in the header', () => {
    assert.match(cli(root, ['schema']).stdout, /^-- Schema produced by the applied migrations: none applied yet\.\n/);
    assert.equal(cli(root, ['up', '--to', '1']).code, 0);
    const printed = cli(root, ['schema']);
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, /^-- Schema produced by the applied migrations, up to version 1\.0\.0 \(001_tasks\)\./);
    assert.match(printed.stdout, /\nCREATE TABLE tasks \(id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL\);\n$/);
    assert.doesNotMatch(printed.stdout, /tags|schema_migrations|sqlite_sequence/);
  });

  it('up and down rewrite schema.sql beside the migrations folder; --check passes, then fails naming the first differing line', () => {
    assert.equal(cli(root, ['up']).code, 0);
    const text = fs.readFileSync(schemaFile, 'utf8');
    assert.match(text, /up to version 1\.1\.0 \(002_tags\)/);
    assert.match(text, /\) WITHOUT ROWID;\n\nCREATE TABLE tasks[^;]*;\n\nCREATE INDEX idx_tags_tag ON tags\(tag\);\n$/);
    const pass = cli(root, ['schema', '--check']);
    assert.equal(pass.code, 0, pass.stderr);
    assert.match(pass.stdout, /schema\.sql matches the schema the applied migrations produce/);

    fs.writeFileSync(schemaFile, text.replace('CREATE INDEX idx_tags_tag ON tags(tag);', 'CREATE INDEX idx_tags_tag ON tags(task_id);'));
    const failed = cli(root, ['schema', '--check']);
    assert.equal(failed.code, 1);
    const line = text.split('\n').indexOf('CREATE INDEX idx_tags_tag ON tags(tag);') + 1;
    assert.match(failed.stderr, new RegExp(`schema\\.sql:${line}: error: differs from the schema the applied migrations produce at line ${line}: the file has "CREATE INDEX idx_tags_tag ON tags\\(task_id\\);", the migrations produce "CREATE INDEX idx_tags_tag ON tags\\(tag\\);"`));
    assert.equal(cliJson(root, ['schema', '--check']).json.difference.line, line);

    assert.equal(cli(root, ['down']).code, 0);
    const after = fs.readFileSync(schemaFile, 'utf8');
    assert.match(after, /up to version 1\.0\.0 \(001_tasks\)/);
    assert.doesNotMatch(after, /tags/);
    assert.equal(cli(root, ['schema', '--check']).code, 0);
  });

  it('--out writes the file; --check on a missing file exits 1; bad input exits 2', () => {
    const out = path.join(root, 'db', 'schema.sql');
    assert.equal(cli(root, ['schema', '--check', '--out', out]).code, 1);
    assert.equal(cli(root, ['schema', '--out', 'db/schema.sql']).code, 0);
    assert.equal(cli(root, ['schema', '--check', '--out', out]).code, 0);
    const misplaced = cli(root, ['status', '--check']);
    assert.equal(misplaced.code, 2);
    assert.match(misplaced.stderr, /--check only applies to "schema"/);
    writeFile(root, 'migrations/3_bad name.sql', 'SELECT 1;');
    assert.equal(cli(root, ['schema']).code, 2);
  });

  it('an empty sqliteMigrations.schemaFile keeps no file, and --check then has nothing to check (exit 2)', () => {
    writeFile(root, '.vscode/settings.json', '{ "sqliteMigrations.schemaFile": "" }');
    assert.equal(cli(root, ['up']).code, 0);
    assert.equal(fs.existsSync(schemaFile), false);
    const check = cli(root, ['schema', '--check']);
    assert.equal(check.code, 2);
    assert.match(check.stderr, /sqliteMigrations\.schemaFile is empty/);
  });

  it('the setting names another file, relative to the workspace folder', () => {
    writeFile(root, '.vscode/settings.json', '{ "sqliteMigrations.schemaFile": "db/current.sql" }');
    assert.equal(cli(root, ['up']).code, 0);
    assert.match(fs.readFileSync(path.join(root, 'db', 'current.sql'), 'utf8'), /up to version 1\.1\.0/);
    assert.equal(fs.existsSync(schemaFile), false);
    assert.equal(cli(root, ['schema', '--check']).code, 0);
  });

  it('baseline rewrites the schema file too; a schemaFile outside the workspace in settings.json is refused (exit 2)', function () {
    if (!hasSqlite3()) this.skip();
    fs.mkdirSync(path.join(root, 'data'));
    sqlite3(path.join(root, 'data', 'app.db'), 'CREATE TABLE tasks (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL);');
    assert.equal(cli(root, ['baseline', '--to', '1']).code, 0);
    assert.match(fs.readFileSync(schemaFile, 'utf8'), /up to version 1\.0\.0 \(001_tasks\)[^]*CREATE TABLE tasks/);
    assert.equal(cli(root, ['verify']).code, 0);
    writeFile(root, '.vscode/settings.json', '{ "sqliteMigrations.schemaFile": "../elsewhere.sql" }');
    const outside = cli(root, ['schema']);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /"sqliteMigrations\.schemaFile" resolves to .*elsewhere\.sql, outside the workspace folder/);
  });

  it('resolves the setting: beside the migrations folder by default, none for a migrations folder at the root, "" off', () => {
    assert.equal(resolveConfig('/w', {}).schemaFile, path.resolve('/w/schema.sql'));
    assert.equal(resolveConfig('/w', { migrationsFolder: 'docs/api/migrations' }).schemaFile, path.resolve('/w/docs/api/schema.sql'));
    assert.equal(resolveConfig('/w', { migrationsFolder: '.' }).schemaFile, null);
    assert.equal(resolveConfig('/w', { schemaFile: '' }).schemaFile, null);
    assert.equal(resolveConfig('/w', { schemaFile: 'db/s.sql' }).schemaFile, path.resolve('/w/db/s.sql'));
  });

  describe('drift (with the sqlite3 shell changing the database by hand)', function () {
    before(function () {
      if (!hasSqlite3()) this.skip();
    });

    it('verify passes on a migrated database, Litestream tables included; status says nothing', () => {
      assert.equal(cli(root, ['up']).code, 0);
      sqlite3(path.join(root, 'data', 'app.db'), 'CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER); CREATE TABLE _litestream_lock (id INTEGER);');
      const verify = cliJson(root, ['verify']);
      assert.equal(verify.code, 0, JSON.stringify(verify.json.checks));
      assert.deepEqual(verify.json.checks.find((c: any) => c.name === 'schema_drift'), { name: 'schema_drift', ok: true, detail: 'the schema is what the applied migrations produce' });
      assert.doesNotMatch(cli(root, ['status']).stderr, /differs/);
    });

    it('status on a database with tables but no ledger warns once (unmanaged), not again per table as drift', () => {
      fs.mkdirSync(path.join(root, 'data'));
      sqlite3(path.join(root, 'data', 'app.db'), 'CREATE TABLE a (id INTEGER); CREATE TABLE b (id INTEGER);');
      const status = cli(root, ['status']);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stderr, /has 2 tables of its own \(a, b\) but no schema_migrations table/);
      assert.doesNotMatch(status.stderr, /differs/);
      const verify = cli(root, ['verify']);
      assert.equal(verify.code, 1);
      assert.match(verify.stdout, /schema_drift: .*table a exists in the database but in no migration; table b exists in the database but in no migration/);
    });

    it('verify exits 1 and status warns, naming each difference in plain words', () => {
      assert.equal(cli(root, ['up']).code, 0);
      sqlite3(path.join(root, 'data', 'app.db'), 'CREATE INDEX idx_tasks_title ON tasks(title); ALTER TABLE tasks ADD COLUMN archived INTEGER; DROP INDEX idx_tags_tag;');
      const verify = cli(root, ['verify']);
      assert.equal(verify.code, 1);
      assert.match(verify.stdout, /✗ schema_drift: the database's schema differs from what its applied migrations produce: column tasks\.archived exists in the database but in no migration; index idx_tags_tag is missing from the database; index idx_tasks_title exists in the database but in no migration/);
      const status = cli(root, ['status']);
      assert.equal(status.code, 0);
      assert.match(status.stderr, /warning: The database's schema differs from what its applied migrations produce \(changed outside them\?\): column tasks\.archived exists/);
    });
  });
});
