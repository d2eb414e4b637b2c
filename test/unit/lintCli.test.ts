// `sqlite-migrations lint` as CI runs it: pending migrations only (or --all), exit codes 0/1/2, the target from the
// flag or settings.json, and the database file only read: never created, never changed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sha256Hex } from '../../src/core/migrations/checksum';
import { cli, cliJson, makeWorkspace, removeWorkspace, writeFile } from './helpers/workspace';

describe('CLI: lint', () => {
  let root: string;
  beforeEach(() => {
    root = makeWorkspace({
      'migrations/001_task.sql': 'CREATE TABLE task (id INTEGER PRIMARY KEY, title TEXT, notes TEXT);\n',
      'migrations/001_task.down.sql': 'DROP TABLE task;\n',
      'migrations/002_rename.sql': 'ALTER TABLE task RENAME TO todo;\n',
      'migrations/002_rename.down.sql': 'ALTER TABLE todo RENAME TO task;\n',
    });
  });
  afterEach(() => removeWorkspace(root));

  const db = () => path.join(root, 'data', 'app.db');

  it('clean: exit 0, and no database file is created', () => {
    const run = cli(root, ['lint']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^No findings in 2 migrations checked \(target SQLite 3\.35\.0\)\./m);
    assert.equal(fs.existsSync(db()), false);
  });

  it('findings: exit 1 with file:line:column, SQLite\'s message and the statement; a table an earlier migration renamed', () => {
    writeFile(root, 'migrations/003_index.sql', '-- titles\nCREATE INDEX task_title ON task(title);\n');
    const run = cli(root, ['lint']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^migrations\/003_index\.sql:2:28: error: no such table: (main\.)?task \(renamed to todo by 002_rename\.sql\)\n {4}CREATE INDEX task_title ON task\(title\)$/m);
    const json = cliJson(root, ['lint']);
    assert.equal(json.code, 1);
    assert.deepEqual(json.json.findings.map((f: { code: string; line: number; column: number; endColumn: number }) => [f.code, f.line, f.column, f.endColumn]), [['sql-error', 2, 28, 32]]);
    assert.deepEqual(json.json.checked, ['001_task', '002_rename', '003_index']);
  });

  it('a virtual table of a module the engine lacks is a note: exit 0, said apart from the findings (JSON: notes)', () => {
    writeFile(root, 'migrations/003_search.sql', "CREATE VIRTUAL TABLE todo_idx USING nosuchmodule(title);\nINSERT INTO todo_idx (title) VALUES ('a');\n");
    const run = cli(root, ['lint']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^migrations\/003_search\.sql:1:1: note: not checked: the SQLite these checks run on has no nosuchmodule module, so an ordinary table with the same columns stands in for todo_idx$/m);
    assert.match(run.stdout, /^No findings \(1 note\) in 3 migrations checked/m);
    const json = cliJson(root, ['lint']);
    assert.equal(json.code, 0);
    assert.deepEqual(json.json.findings, []);
    assert.deepEqual(json.json.notes.map((n: { code: string; line: number }) => [n.code, n.line]), [['module-unchecked', 1]]);
    writeFile(root, 'migrations/003_search.sql', 'CREATE VIRTUAL TABLE todo_idx USING nosuchmodule(title);\nINSERT INTO todo_idx (titel) VALUES (1);\n');
    assert.equal(cli(root, ['lint']).code, 1, 'a real mistake after it is still a finding');
  });

  it('only pending migrations, unless --all; the database is read, not written', () => {
    assert.equal(cli(root, ['up']).code, 0);
    writeFile(root, 'migrations/003_notes.sql', 'ALTER TABLE todo DROP COLUMN notes;\n');
    writeFile(root, 'migrations/003_notes.down.sql', 'CREATE INDEX todo_notes ON todo(notes);\n');
    const before = sha256Hex(fs.readFileSync(db()).toString('latin1'));
    const pending = cliJson(root, ['lint']);
    assert.equal(pending.code, 1);
    assert.deepEqual(pending.json.checked, ['003_notes']);
    assert.deepEqual(pending.json.findings.map((f: { file: string; detail: string }) => [path.basename(f.file), f.detail]), [['003_notes.down.sql', 'no such column: notes']]);
    assert.deepEqual(cliJson(root, ['lint', '--all']).json.checked, ['001_task', '002_rename', '003_notes']);
    assert.equal(sha256Hex(fs.readFileSync(db()).toString('latin1')), before);
  });

  it('--target: SQL newer than it is a finding naming the feature and version; settings.json sets the default', () => {
    writeFile(root, 'migrations/003_strict.sql', 'CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT) STRICT;\n');
    assert.equal(cli(root, ['lint']).code, 1);
    const run = cli(root, ['lint', '--target', '3.37.0']);
    assert.equal(run.code, 0, run.stdout);
    const old = cli(root, ['lint', '--target', '3.36']);
    assert.match(old.stdout, /003_strict\.sql:1:54: error: STRICT tables need SQLite 3\.37\.0; the target is 3\.36\.0/);
    // The same engine label as the other commands.
    assert.match(old.stdout, /\nEngine: (native \(node:sqlite, Node \d+\.\d+\.\d+\)|sql\.js \(SQLite in WebAssembly\)) \(a scratch in-memory database/);
    writeFile(root, '.vscode/settings.json', '{ "sqliteMigrations.targetSqliteVersion": "3.45.1" }');
    assert.equal(cli(root, ['lint']).code, 0);
    writeFile(root, '.vscode/settings.json', '{ "sqliteMigrations.targetSqliteVersion": "latest" }');
    const bad = cli(root, ['lint']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /settings\.json: error: "sqliteMigrations\.targetSqliteVersion": "latest" is not a SQLite 3 version/);
  });

  it('bad input: exit 2 in one sentence (a bad --target, a missing folder, --all elsewhere); --help', () => {
    const bad = cli(root, ['lint', '--target', '3.x']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^sqlite-migrations: --target: "3\.x" is not a SQLite 3 version/);
    assert.equal(cli(root, ['lint', '--dir', 'nope']).code, 2);
    assert.match(cli(root, ['status', '--all']).stderr, /--all only applies to "lint"/);
    const help = cli(root, ['lint', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: sqlite-migrations lint \[--target X\.Y\.Z\] \[--all\] \[--json\]/);
  });
});
