import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { cli, cliJson, makeWorkspace, removeWorkspace } from './helpers/workspace';

describe('CLI: per-command help', () => {
  it('prints one command\'s help for "up --help" and "help up" alike, exit 0', () => {
    const a = cli(process.cwd(), ['up', '--help']);
    const b = cli(process.cwd(), ['help', 'up']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(a.stdout, b.stdout);
    assert.match(a.stdout, /^Usage: sqlite-migrations up \[--to SEQ \| --only SEQ\]/);
    assert.match(a.stdout, /--only SEQ\s+apply just SEQ/);
    assert.doesNotMatch(a.stdout, /Commands:/);
  });

  it('has help for every command, and the overview names the per-command form', () => {
    for (const command of ['status', 'up', 'down', 'new', 'verify', 'dry-run', 'backup', 'backups', 'restore']) {
      const run = cli(process.cwd(), [command, '-h']);
      assert.equal(run.code, 0, `${command}: ${run.stderr}`);
      assert.match(run.stdout, new RegExp(`^Usage: sqlite-migrations ${command}\\b`), command);
    }
    assert.match(cli(process.cwd(), ['--help']).stdout, /sqlite-migrations help <command>/);
    assert.match(cli(process.cwd(), ['help']).stdout, /^Usage: sqlite-migrations <command>/);
  });

  it('refuses help for an unknown command in one line, exit 2', () => {
    const run = cli(process.cwd(), ['help', 'upp']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^sqlite-migrations: unknown command "upp"; expected one of: status, up/);
  });
});

describe('CLI: restore NAME', () => {
  let root: string;
  beforeEach(() => {
    root = makeWorkspace({
      'migrations/001_projects.sql': 'CREATE TABLE projects (id INTEGER PRIMARY KEY);\n',
      'migrations/001_projects.down.sql': 'DROP TABLE projects;\n',
      'migrations/002_tags.sql': 'CREATE TABLE tags (id INTEGER PRIMARY KEY);\n',
      'migrations/002_tags.down.sql': 'DROP TABLE tags;\n',
    });
  });
  afterEach(() => removeWorkspace(root));

  it('finds a bare backup name in the backups folder', () => {
    assert.equal(cli(root, ['up', '--to', '1']).code, 0);
    const backup = cliJson(root, ['backup']).json.path as string;
    assert.equal(cli(root, ['up']).code, 0);
    const restore = cli(root, ['restore', path.basename(backup)]);
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(restore.stdout, new RegExp(`from ${backup.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.deepEqual(cliJson(root, ['status']).json.migrations.map((m: any) => m.status), ['applied', 'pending']);
  });

  it('says where it looked when the name is nowhere, and leaves the database alone', () => {
    assert.equal(cli(root, ['up']).code, 0);
    const db = path.join(root, 'data', 'app.db');
    const bytes = fs.readFileSync(db);
    const run = cli(root, ['restore', 'nope.db']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /No backup named nope\.db here or in the backups folder .*backups; "sqlite-migrations backups" lists them\./);
    assert.deepEqual(fs.readFileSync(db), bytes);
  });

  it('rewrites the schema file for the restored state, as up and down do, and names the engine', () => {
    assert.equal(cli(root, ['up', '--to', '1']).code, 0);
    const backup = cliJson(root, ['backup']).json.path as string;
    assert.equal(cli(root, ['up']).code, 0);
    const schemaFile = path.join(root, 'schema.sql');
    assert.match(fs.readFileSync(schemaFile, 'utf8'), /CREATE TABLE tags/);
    const restore = cli(root, ['restore', path.basename(backup)]);
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(restore.stdout, /\nEngine: (native \(node:sqlite|sql\.js)/);
    assert.doesNotMatch(fs.readFileSync(schemaFile, 'utf8'), /CREATE TABLE tags/);
    const check = cli(root, ['schema', '--check']);
    assert.equal(check.code, 0, check.stderr);
  });

  it('restores, but keeps and names a schema file it did not write', () => {
    assert.equal(cli(root, ['up', '--to', '1']).code, 0);
    const backup = cliJson(root, ['backup']).json.path as string;
    assert.equal(cli(root, ['up']).code, 0);
    const schemaFile = path.join(root, 'schema.sql');
    fs.writeFileSync(schemaFile, '-- my own notes\n');
    const restore = cliJson(root, ['restore', backup]);
    assert.equal(restore.code, 0, restore.stderr);
    assert.deepEqual(restore.json.warnings.map((w: any) => w.code), ['schema-not-ours']);
    assert.equal(fs.readFileSync(schemaFile, 'utf8'), '-- my own notes\n');
    assert.deepEqual(cliJson(root, ['status']).json.migrations.map((m: any) => m.status), ['applied', 'pending']);
  });
});
