import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { dbPath, eventually, inWorkspace, resetWorkspace } from './helpers';

suite('SQL checked while typing', () => {
  const rel = 'migrations/003_index_user_names.sql';
  const file = () => vscode.Uri.file(inWorkspace(rel));
  const checks = () => vscode.languages.getDiagnostics(file()).filter((d) => d.code === 'sql-error' || d.code === 'needs-newer-sqlite');

  setup(async () => {
    await resetWorkspace([rel]);
    fs.writeFileSync(inWorkspace(rel), '-- Index user names.\nCREATE INDEX idx_users_name ON users(name);\n');
  });
  // Closing a dirty editor keeps its text for the next test's editor: revert it first.
  teardown(async () => {
    if (vscode.window.activeTextEditor?.document.uri.fsPath === file().fsPath) await vscode.commands.executeCommand('workbench.action.files.revert');
  });
  suiteTeardown(() => resetWorkspace([rel]));

  async function openAndWaitForCheck(): Promise<vscode.TextEditor> {
    const editor = await vscode.window.showTextDocument(file());
    // The completion items come from the schema a check built: once they name `email`, the first check has run.
    await eventually(async () => assert.ok((await labels(editor, new vscode.Position(1, 37))).includes('email')), 'the first check');
    return editor;
  }

  async function labels(editor: vscode.TextEditor, at: vscode.Position): Promise<string[]> {
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, at);
    return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
  }

  test('a misspelled column is underlined where it is, with SQLite\'s message, before saving; fixing it clears it', async () => {
    const editor = await openAndWaitForCheck();
    assert.deepEqual(checks(), []);
    const name = new vscode.Range(1, 37, 1, 41);
    assert.equal(editor.document.getText(name), 'name');
    await editor.edit((e) => e.replace(name, 'nmae'));
    const [d] = await eventually(() => {
      const found = checks();
      assert.equal(found.length, 1);
      return found;
    }, 'the diagnostic on the misspelled column');
    assert.equal(d.message, 'no such column: nmae');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.source, 'SQLite Migrations');
    assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character], [1, 37, 1, 41]);
    assert.equal(editor.document.isDirty, true);
    await editor.edit((e) => e.replace(name, 'name'));
    await eventually(() => assert.deepEqual(checks(), []), 'the diagnostic to clear');
    assert.equal(fs.existsSync(dbPath()), false, 'the checks never create or open the database');
  });

  test('an FTS5 table (which the checks\' sql.js lacks) is a hint, not an error; a mistake after it is still an error', async () => {
    const editor = await openAndWaitForCheck();
    const whole = new vscode.Range(0, 0, editor.document.lineCount, 0);
    await editor.edit((e) => e.replace(whole, [
      "CREATE VIRTUAL TABLE users_fts USING fts5(name, content='users', content_rowid='id');",
      'CREATE TRIGGER users_ai AFTER INSERT ON users BEGIN INSERT INTO users_fts(rowid, name) VALUES (new.id, new.name); END;',
      "INSERT INTO users_fts(users_fts) VALUES ('rebuild');",
      'SELECT nmae FROM users;',
      '',
    ].join('\n')));
    const found = await eventually(() => {
      const all = vscode.languages.getDiagnostics(file()).filter((d) => d.source === 'SQLite Migrations');
      assert.ok(all.some((d) => d.code === 'sql-error'), 'no error yet for the misspelled column');
      return all;
    }, 'the checks of the FTS5 migration');
    const errors = found.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(errors.map((d) => [d.range.start.line, d.message]), [[3, 'no such column: nmae']]);
    const hints = found.filter((d) => d.code === 'module-unchecked');
    // The checks while typing run on sql.js (in a worker, whatever the engine that applies), which has no fts5.
    assert.deepEqual(hints.map((d) => [d.severity, d.range.start.line]), [[vscode.DiagnosticSeverity.Hint, 0]]);
  });

  test('completion offers the tables and columns the earlier migrations leave; after "users." only its columns', async () => {
    const editor = await openAndWaitForCheck();
    const all = await labels(editor, new vscode.Position(1, 37));
    for (const want of ['users', 'id', 'name', 'email']) assert.ok(all.includes(want), `missing ${want} in ${all.join(', ')}`);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(1, 37));
    const email = list.items.find((i) => typeof i.label !== 'string' && i.label.label === 'email' && i.label.description === 'users');
    assert.equal(email?.kind, vscode.CompletionItemKind.Field);
    assert.equal(email?.detail, 'users.email TEXT');
    await editor.edit((e) => e.insert(new vscode.Position(2, 0), 'SELECT users.'));
    assert.deepEqual((await labels(editor, new vscode.Position(2, 13))).sort(), ['email', 'id', 'name']);
  });

  test('hover on a table shows its definition as the earlier migrations leave it', async () => {
    const editor = await openAndWaitForCheck();
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(1, 33));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /table users/);
    assert.match(text, /CREATE TABLE users \(/);
    assert.match(text, /email TEXT/);
  });

  test('SQL newer than the target SQLite version is a warning naming the feature and the version', async () => {
    const editor = await openAndWaitForCheck();
    await editor.edit((e) => e.insert(new vscode.Position(2, 0), 'CREATE TABLE tags (id INTEGER PRIMARY KEY) STRICT;\n'));
    const [d] = await eventually(() => {
      const found = checks();
      assert.equal(found.length, 1);
      return found;
    }, 'the target-version warning');
    assert.equal(d.message, 'STRICT tables need SQLite 3.37.0; the target is 3.35.0');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepEqual([d.range.start.line, d.range.start.character], [2, 43]);
  });
});
