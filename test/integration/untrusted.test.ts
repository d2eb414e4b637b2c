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
});
