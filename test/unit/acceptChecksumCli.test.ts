import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'fs';
import * as path from 'path';
import { cli, cliJson, sqlite3, workspacesPerTest, writeFile } from './helpers/workspace';

const TAGS = 'CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);\n';
const EDITED = '-- tags: names only, no colours yet\nCREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);\n';

describe('CLI: accept-checksum', () => {
  const workspace = workspacesPerTest();
  let root: string;
  let db: string;
  const ledger = (version: string) => sqlite3(db, `SELECT m.checksum || '|' || s.up_sql FROM schema_migrations m JOIN schema_migrations_sql s USING (version) WHERE version = '${version}';`);
  const backups = () => (fs.existsSync(path.join(root, 'data', 'backups')) ? fs.readdirSync(path.join(root, 'data', 'backups')).length : 0);

  beforeEach(() => {
    root = workspace({
      'migrations/001_projects.sql': 'CREATE TABLE projects (id INTEGER PRIMARY KEY);\n',
      'migrations/001_projects.down.sql': 'DROP TABLE projects;\n',
      'migrations/002_tags.sql': `-- version: 1.1.0\n${TAGS}`,
      'migrations/002_tags.down.sql': 'DROP TABLE tags;\n',
      'migrations/003_notes.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY);\n',
      'migrations/003_notes.down.sql': 'DROP TABLE notes;\n',
    });
    db = path.join(root, 'data', 'app.db');
    const up = cli(root, ['up', '--to', '2']);
    assert.equal(up.code, 0, up.stderr);
  });

  it('up on an edited applied migration names the command; accept-checksum records the edit, and up goes on', () => {
    writeFile(root, 'migrations/002_tags.sql', `-- version: 1.1.0\n${EDITED}`);
    const refused = cli(root, ['up']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /or accept the edit with "sqlite-migrations accept-checksum 002" \(editor: Accept New Checksum\), or run up with --allow-modified/);
    const accepted = cliJson(root, ['accept-checksum', '002']);
    assert.equal(accepted.code, 0, accepted.stderr);
    const checksum = createHash('sha256').update(`-- version: 1.1.0\n${EDITED}`).digest('hex');
    assert.equal(accepted.json.ok, true);
    assert.equal(accepted.json.written, true);
    assert.deepEqual({ ...accepted.json.accepted, previousChecksum: undefined }, { sequence: '002', name: '002_tags', version: '1.1.0', checksum, previousChecksum: undefined });
    assert.match(accepted.json.backup, /app\.db_.*\.db$/);
    assert.ok(['native', 'sqljs'].includes(accepted.json.engine));
    assert.equal(ledger('1.1.0'), `${checksum}|-- version: 1.1.0\n${EDITED}\n`);
    const up = cli(root, ['up']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /003_notes \(003\) applied/);
  });

  it('rewrites the schema file from the accepted text, so "schema --check" passes', () => {
    writeFile(root, 'migrations/002_tags.sql', '-- version: 1.1.0\nCREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT, colour TEXT);\n');
    assert.equal(cli(root, ['accept-checksum', '2']).code, 0);
    const check = cli(root, ['schema', '--check']);
    assert.equal(check.code, 0, check.stderr);
    assert.match(fs.readFileSync(path.join(root, 'schema.sql'), 'utf8'), /colour TEXT/);
  });

  it('takes a sequence without zeros or a version, prints the result, a backup and the engine', () => {
    writeFile(root, 'migrations/002_tags.sql', `-- version: 1.1.0\n${EDITED}`);
    const bySequence = cli(root, ['accept-checksum', '2']);
    assert.equal(bySequence.code, 0, bySequence.stderr);
    assert.match(bySequence.stdout, /✓ 002_tags \(1\.1\.0\): the ledger now records the edited file's checksum and text/);
    assert.match(bySequence.stdout, /Backup: .*app\.db_\d{8}T\d{9}Z\.db\nEngine: /);
    writeFile(root, 'migrations/002_tags.sql', `-- version: 1.1.0\n${TAGS}`);
    const byVersion = cli(root, ['accept-checksum', '1.1.0']);
    assert.equal(byVersion.code, 0, byVersion.stderr);
    assert.deepEqual(cliJson(root, ['status']).json.migrations.map((m: any) => m.status), ['applied', 'applied', 'pending']);
  });

  it('an unedited migration: nothing to accept, nothing written, no backup', () => {
    const before = fs.readFileSync(db);
    const count = backups();
    const run = cli(root, ['accept-checksum', '2']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^002_tags already has the checksum it was applied with: nothing to accept, the database was not changed\.\nEngine: /);
    assert.deepEqual(fs.readFileSync(db), before);
    assert.equal(backups(), count);
  });

  it('refuses a pending migration, an unknown one and a missing file with exit 2, before any backup', () => {
    const before = fs.readFileSync(db);
    const count = backups();
    const pending = cliJson(root, ['accept-checksum', '3']);
    assert.equal(pending.code, 2);
    assert.equal(pending.json.ok, false);
    assert.match(pending.json.problems[0].message, /^003_notes is pending; only an applied migration's checksum can be accepted\.$/);
    const unknown = cli(root, ['accept-checksum', '9']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /error: No migration has the version or sequence "9"; "sqlite-migrations status" lists them\./);
    fs.rmSync(path.join(root, 'migrations', '002_tags.sql'));
    fs.rmSync(path.join(root, 'migrations', '002_tags.down.sql'));
    const missing = cli(root, ['accept-checksum', '1.1.0']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /002_tags's file is missing, so there is no checksum to accept; restore the file first\./);
    assert.deepEqual(fs.readFileSync(db), before);
    assert.equal(backups(), count);
  });

  it('needs exactly one migration, and asks on an environment with confirm', () => {
    const usage = cli(root, ['accept-checksum']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /"accept-checksum" needs the one migration whose edit to accept/);
    writeFile(root, '.vscode/settings.json', JSON.stringify({ 'sqliteMigrations.environments': { production: { databaseFile: 'data/app.db', confirm: true } } }));
    writeFile(root, 'migrations/002_tags.sql', `-- version: 1.1.0\n${EDITED}`);
    const before = ledger('1.1.0');
    const refused = cliJson(root, ['accept-checksum', '2', '--env', 'production']);
    assert.equal(refused.code, 2);
    assert.equal(refused.json.problems[0].code, 'confirm-needed');
    assert.equal(ledger('1.1.0'), before);
    const run = cli(root, ['accept-checksum', '2', '--env', 'production', '--yes']);
    assert.equal(run.code, 0, run.stderr);
    assert.notEqual(ledger('1.1.0'), before);
  });

  it('is listed in the help', () => {
    assert.match(cli(root, ['--help']).stdout, /accept-checksum <SEQ or version>/);
    assert.match(cli(root, ['accept-checksum', '--help']).stdout, /^Usage: sqlite-migrations accept-checksum <SEQ or version>/);
  });
});
