import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { api, dbPath, inWorkspace, statusList } from './helpers';

// Runs only in the host's second pass, on a fresh copy opened in Restricted Mode.
suite('Untrusted workspace @untrusted', () => {
  test('the tree still shows the migrations, read-only', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.deepEqual(await statusList(), ['001_create_users:pending', '002_add_user_email:pending']);
  });

  test('every command that writes is refused, even when invoked programmatically', async () => {
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true }), false);
    const [node] = await (await api()).tree.getChildren();
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.apply', node), false);
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.recordApplied', node, { confirmed: true }), false);
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.rollbackLast', undefined, { confirmed: true }), false);
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.dryRun'), false);
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.newMigration', undefined, { description: 'sneaky', bump: 'minor' }), undefined);
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.backup'), undefined);
    assert.equal(fs.existsSync(dbPath()), false, 'no database file may appear');
    assert.equal(fs.existsSync(inWorkspace('migrations', '003_sneaky.sql')), false);
  });

  test('the Testing view lists the reversibility checks but runs no SQL: each item errors with the reason', async () => {
    const tests = (await api()).tests;
    await tests.refresh();
    assert.deepEqual(tests.items().map((i) => i.label), ['001_create_users: reversible', '002_add_user_email: reversible']);
    const records = await tests.run();
    assert.equal(records.length, 2);
    for (const r of records) {
      assert.equal(r.state, 'errored');
      assert.match(r.messages[0].message, /This workspace is not trusted/);
    }
    assert.equal(fs.existsSync(dbPath()), false);
  });

  test('no SQL from the workspace runs for the checks while typing: no diagnostics, no schema in completion', async () => {
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(inWorkspace('migrations', '002_add_user_email.sql')));
    await editor.edit((e) => e.insert(new vscode.Position(editor.document.lineCount, 0), 'CREATE INDEX idx_users_nmae ON users(nmae);\n'));
    // Well past the checks' debounce (400 ms): a trusted workspace shows the error by then (see lint.test.ts).
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.code === 'sql-error'), []);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(0, 0));
    assert.deepEqual(list.items.filter((i) => i.kind === vscode.CompletionItemKind.Field || i.kind === vscode.CompletionItemKind.Class), []);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
