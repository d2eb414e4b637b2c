import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EngineReport } from '../../src/core/engine';
import { api, resetWorkspace, statusList } from './helpers';

/** The host runs this suite twice: engine "auto" (native: code-server's extension host is Node 24), and "sqljs". */
function expectedEngine(): 'native' | 'sqljs' {
  return vscode.workspace.getConfiguration('sqliteMigrations').get('engine') === 'sqljs' ? 'sqljs' : 'native';
}

suite('Engine', () => {
  setup(() => resetWorkspace());
  suiteTeardown(() => resetWorkspace());

  test('the engine the setting chooses applies the migrations, and the status bar tooltip says which', async () => {
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true }), true);
    assert.deepEqual(await statusList(), ['001_create_users:applied', '002_add_user_email:applied']);
    const { model, statusBar } = await api();
    const [status] = await model.folders();
    assert.equal(status.engine, expectedEngine());
    await statusBar.update();
    assert.match(statusBar.tooltip, expectedEngine() === 'native' ? /Engine: native \(node:sqlite, Node 24\./ : /Engine: sql\.js/);
  });

  test('Show Engine reports the SQLite version, its modules and, on native, the probe', async () => {
    const report = await vscode.commands.executeCommand<EngineReport>('sqliteMigrations.showEngine');
    assert.ok(report, 'Show Engine returned nothing');
    assert.equal(report.engine, expectedEngine());
    assert.match(report.facts?.sqlite ?? '', /^3\.\d+\.\d+$/);
    assert.equal(report.probe?.available ?? false, expectedEngine() === 'native');
    // The native engine of Node 24 has FTS5; sql.js is built without it.
    assert.equal(report.facts?.modules.includes('fts5'), expectedEngine() === 'native');
  });
});
