// Issue #15 in a real VS Code: environments (the status bar, Select Environment, typing the name before a write)
// and the breaking-change warning with its quick fix.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { api, eventually, folder, inWorkspace, resetWorkspace } from './helpers';

const config = () => vscode.workspace.getConfiguration('sqliteMigrations', folder().uri);
const hasUsers = (file: string) => fs.existsSync(file) && fs.readFileSync(file).includes(Buffer.from('CREATE TABLE users'));

suite('Production: environments', () => {
  async function clearEnvironments() {
    await config().update('environments', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await config().update('environment', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await resetWorkspace();
  }
  setup(async () => {
    await resetWorkspace();
    await config().update('environments', { development: { databaseFile: 'data/dev.db' }, production: { databaseFile: 'data/prod.db' } }, vscode.ConfigurationTarget.WorkspaceFolder);
    await config().update('environment', 'production', vscode.ConfigurationTarget.WorkspaceFolder);
    (await api()).model.invalidate();
  });
  teardown(clearEnvironments);

  test('the status bar names the selected environment; Select Environment switches it', async () => {
    const bar = (await api()).statusBar;
    await eventually(async () => {
      await bar.update();
      assert.match(bar.text, /production · /);
    }, 'the status bar to name production');
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.selectEnvironment', undefined, 'development'), true);
    assert.equal(config().get('environment'), 'development');
    await eventually(async () => {
      await bar.update();
      assert.match(bar.text, /development · /);
    }, 'the status bar to name development');
  });

  test('Apply on production needs its name: "confirmed" alone changes nothing, the name applies to prod.db only', async () => {
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true, environment: 'prod' }), false);
    assert.equal(fs.existsSync(inWorkspace('data', 'prod.db')), false, 'nothing was created');
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true, environment: 'production' }), true);
    assert.ok(hasUsers(inWorkspace('data', 'prod.db')));
    assert.equal(fs.existsSync(inWorkspace('data', 'dev.db')), false, 'development was not touched');
    assert.equal(fs.existsSync(inWorkspace('data', 'app.db')), false, 'nor the top-level database');
  });
});

suite('Production: breaking changes', () => {
  const files = ['migrations/003_notes.sql', 'migrations/003_notes.down.sql', 'migrations/004_rename_body.sql', 'migrations/004_rename_body.down.sql'];
  setup(async () => {
    await resetWorkspace(files);
    fs.writeFileSync(inWorkspace(files[0]), '-- version: 1.0.0\nCREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n');
    fs.writeFileSync(inWorkspace(files[1]), 'DROP TABLE notes;\n');
    fs.writeFileSync(inWorkspace(files[2]), '-- version: 1.1.0\nALTER TABLE notes RENAME COLUMN body TO text;\n');
    fs.writeFileSync(inWorkspace(files[3]), 'ALTER TABLE notes RENAME COLUMN text TO body;\n');
    (await api()).model.invalidate();
  });
  suiteTeardown(() => resetWorkspace(files));

  test('a breaking change in a MINOR version is a warning on its statement, and the quick fix bumps the header', async () => {
    const uri = vscode.Uri.file(inWorkspace(files[2]));
    const diagnostic = await eventually(() => {
      const found = vscode.languages.getDiagnostics(uri).find((d) => d.code === 'breaking-change');
      assert.ok(found, 'no breaking-change diagnostic yet');
      return found;
    }, 'the breaking-change warning', 20_000);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(diagnostic.range.start.line, 1);
    assert.match(diagnostic.message, /drops column notes\.body \(or renames it\): a breaking change in 1\.1\.0, which is not a MAJOR bump over 1\.0\.0; make it 2\.0\.0/);
    const doc = await vscode.workspace.openTextDocument(uri);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
    const bump = actions.find((a) => a.title === 'Bump the version to 2.0.0 (MAJOR: a breaking change)');
    assert.ok(bump?.edit, JSON.stringify(actions.map((a) => a.title)));
    assert.equal(await vscode.workspace.applyEdit(bump.edit), true);
    assert.equal(doc.lineAt(0).text, '-- version: 2.0.0');
    await doc.save();
    await eventually(() => assert.equal(vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'breaking-change').length, 0), 'the warning to go', 20_000);
  });
});
