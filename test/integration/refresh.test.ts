import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { api, eventually, inWorkspace, resetWorkspace, statusList } from './helpers';

suite('Refresh and status bar', () => {
  const extra = ['migrations/003_watch_me.sql'];
  setup(() => resetWorkspace(extra));
  suiteTeardown(() => resetWorkspace(extra));

  test('a migration file created on disk appears in the tree by itself', async () => {
    assert.equal((await statusList()).length, 2);
    fs.writeFileSync(inWorkspace('migrations', '003_watch_me.sql'), 'CREATE TABLE watched (id INTEGER);\n');
    await eventually(async () => assert.deepEqual((await statusList()).slice(2), ['003_watch_me:pending']), 'the watcher to refresh the tree');
  });

  test('the status bar shows the version and the pending count, and follows applies', async () => {
    const bar = (await api()).statusBar;
    await eventually(() => assert.equal(bar.text, '$(database) empty · 2 pending'), 'the status bar before applying');
    await vscode.commands.executeCommand('sqliteMigrations.apply', (await (await api()).tree.getChildren())[0]);
    await eventually(() => assert.equal(bar.text, '$(database) 001 · 1 pending'), 'the status bar after applying 001');
    await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true });
    await eventually(() => assert.equal(bar.text, '$(database) 002'), 'the status bar when up to date');
  });
});
