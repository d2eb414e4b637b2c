import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { api, dbPath, eventually, inWorkspace, resetWorkspace, statusList } from './helpers';

/** The database changed outside the migrations, by another program: the real sqlite3 shell. */
function sqlite3(sql: string): void {
  const run = spawnSync(process.env.SQLITE3_BIN ?? 'sqlite3', ['-bail', dbPath()], { input: sql, encoding: 'utf8' });
  assert.equal(run.status, 0, `sqlite3 failed: ${run.stderr ?? run.error?.message}`);
}

async function driftNode() {
  const { tree, drift, model } = await api();
  model.invalidate();
  return eventually(async () => {
    await drift.settled();
    const [first] = await tree.getChildren();
    assert.equal(first?.kind, 'drift', 'no drift item atop the tree yet');
    return first;
  }, 'the drift item in the tree', 20_000);
}

suite('Schema drift in the tree', () => {
  const extra = ['index_added_by_hand', 'column_added_by_hand'].flatMap((name) => [`migrations/003_${name}.sql`, `migrations/003_${name}.down.sql`]);
  setup(() => resetWorkspace(extra));
  suiteTeardown(() => resetWorkspace(extra));

  test('an index created with sqlite3 shows as drift; Show Schema Diff opens both schemas; New Migration from Drift writes its CREATE INDEX', async () => {
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true }), true);
    const { tree, statusBar } = await api();
    assert.notEqual((await tree.getChildren())[0]?.kind, 'drift', 'no drift right after applying');
    sqlite3('CREATE INDEX idx_users_name ON users(name);');

    const node = await driftNode();
    const item = tree.getTreeItem(node);
    assert.equal(item.label, 'Schema drift: 1 difference');
    assert.equal(item.contextValue, 'schemaDrift');
    assert.match((item.tooltip as vscode.MarkdownString).value, /index idx\\_users\\_name exists in the database but in no migration/);
    const children = await tree.getChildren(node);
    assert.deepEqual(children.map((c) => tree.getTreeItem(c).label), ['index idx_users_name exists in the database but in no migration']);
    await statusBar.update();
    assert.match(statusBar.tooltip, /Schema drift: 1 difference/);

    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.showSchemaDiff', node), true);
    const diff = await eventually(() => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      assert.ok(input instanceof vscode.TabInputTextDiff, 'the active tab is not a diff');
      return input;
    }, 'the diff editor');
    assert.equal(diff.original.scheme, 'sqlite-migrations-schema');
    assert.equal(diff.modified.scheme, 'sqlite-migrations-schema');
    const original = (await vscode.workspace.openTextDocument(diff.original)).getText();
    const modified = (await vscode.workspace.openTextDocument(diff.modified)).getText();
    assert.match(original, /^-- Schema produced by the applied migrations, up to version 002/);
    assert.doesNotMatch(original, /idx_users_name/);
    assert.match(modified, /\nCREATE INDEX idx_users_name ON users\(name\);\n/);
    assert.match(modified, /CREATE TABLE users/);

    const created = await vscode.commands.executeCommand<vscode.Uri>('sqliteMigrations.newMigrationFromDrift', node, { description: 'index added by hand' });
    assert.ok(created, 'no migration was created');
    assert.match(created.fsPath, /003_index_added_by_hand\.sql$/);
    assert.match(fs.readFileSync(created.fsPath, 'utf8'), /\nCREATE INDEX IF NOT EXISTS idx_users_name ON users\(name\);\n$/);
    assert.match(fs.readFileSync(created.fsPath.replace(/\.sql$/, '.down.sql'), 'utf8'), /\nDROP INDEX IF EXISTS "idx_users_name";\n$/);
    await eventually(() => assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, created.fsPath), 'the new up file to open');

    // Applied to this very database, the new migration changes nothing and ends the drift.
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true }), true);
    await (await api()).drift.settled();
    assert.notEqual((await tree.getChildren())[0]?.kind, 'drift', 'the drift item is still there after applying the migration');
  });

  test('a column added with sqlite3: the migration from drift is recorded as applied on that database, not run, and the drift ends', async () => {
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true }), true);
    sqlite3("ALTER TABLE users ADD COLUMN nickname TEXT; INSERT INTO users (name, nickname) VALUES ('ann', 'a');");
    const node = await driftNode();
    const created = await vscode.commands.executeCommand<vscode.Uri>('sqliteMigrations.newMigrationFromDrift', node, { description: 'column added by hand' });
    assert.ok(created, 'no migration was created');
    assert.match(fs.readFileSync(created.fsPath, 'utf8'), /\nALTER TABLE "users" ADD COLUMN nickname TEXT;\n$/);
    const { tree, model } = await api();
    model.invalidate();
    const item = await eventually(async () => {
      const found = (await tree.getChildren()).find((n) => n.kind === 'migration' && n.state.name === '003_column_added_by_hand');
      assert.ok(found, 'the new migration is not in the tree yet');
      return found;
    }, 'the new migration in the tree');
    assert.equal(tree.getTreeItem(item).contextValue?.startsWith('migration-pending'), true);

    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.recordApplied', item, { confirmed: true }), true);
    assert.deepEqual(await statusList(), ['001_create_users:applied', '002_add_user_email:applied', '003_column_added_by_hand:applied']);
    await (await api()).drift.settled();
    assert.notEqual((await tree.getChildren())[0]?.kind, 'drift', 'the drift item is still there after recording the migration');
    // Nothing ran: the row written by hand is there as it was.
    const rows = spawnSync(process.env.SQLITE3_BIN ?? 'sqlite3', [dbPath(), "SELECT nickname FROM users WHERE name = 'ann';"], { encoding: 'utf8' });
    assert.equal(rows.stdout.trim(), 'a');
  });

  test('Record as Applied refuses a pending migration the database does not have, and records nothing', async () => {
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true }), true);
    fs.writeFileSync(inWorkspace('migrations', '003_column_added_by_hand.sql'), 'ALTER TABLE users ADD COLUMN nickname TEXT;\n');
    fs.writeFileSync(inWorkspace('migrations', '003_column_added_by_hand.down.sql'), 'ALTER TABLE users DROP COLUMN nickname;\n');
    const uri = vscode.Uri.file(inWorkspace('migrations', '003_column_added_by_hand.sql'));
    (await api()).model.invalidate();
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.recordApplied', uri, { confirmed: true }), false);
    assert.deepEqual(await statusList(), ['001_create_users:applied', '002_add_user_email:applied', '003_column_added_by_hand:pending']);
  });
});
