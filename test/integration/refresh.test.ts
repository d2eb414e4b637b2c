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
    await eventually(() => assert.equal(bar.text, '$(database) 002 · up to date'), 'the status bar when up to date');
  });
});

suite('Naming problems as diagnostics', () => {
  const bad = 'migrations/003 bad name.sql';
  const orphan = 'migrations/004_lonely.down.sql';
  setup(() => resetWorkspace([bad, orphan]));
  suiteTeardown(() => resetWorkspace([bad, orphan]));

  test('a badly named file and a down file without its up file are flagged where they are', async () => {
    fs.writeFileSync(inWorkspace(bad), 'SELECT 1;\n');
    fs.writeFileSync(inWorkspace(orphan), 'SELECT 1;\n');
    const forFile = (rel: string) => vscode.languages.getDiagnostics(vscode.Uri.file(inWorkspace(rel))).filter((d) => d.source === 'SQLite Migrations');
    await eventually(() => {
      assert.equal(forFile(bad).length, 1);
      assert.equal(forFile(orphan).length, 1);
    }, 'diagnostics on both files');
    assert.equal(forFile(bad)[0].severity, vscode.DiagnosticSeverity.Error);
    assert.match(forFile(bad)[0].message, /003 bad name\.sql/);
    assert.equal(forFile(orphan)[0].severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true }), false);
  });
});
