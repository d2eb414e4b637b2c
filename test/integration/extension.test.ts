import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { api, dbPath, eventually, folder, inWorkspace, resetWorkspace, states, statusList } from './helpers';
import { loadSqlJs } from '../../src/core/engine/sqljs/load';

async function query(sql: string): Promise<unknown[][]> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(fs.readFileSync(dbPath()));
  try {
    const result = db.exec(sql);
    return result.length ? result[0].values : [];
  } finally {
    db.close();
  }
}

async function migrationNode(name: string) {
  const tree = (await api()).tree;
  const nodes = await tree.getChildren();
  const node = nodes.find((n) => n.kind === 'migration' && n.state.name === name);
  // When it is missing, what the tree shows instead (an error item's message) says why.
  const shown = nodes.map((n) => (n.kind === 'migration' ? n.state.name : n.kind === 'error' ? `error: ${n.problem.message}` : n.kind));
  assert.ok(node, `no tree item for ${name}; the tree shows ${JSON.stringify(shown)}`);
  return node;
}

suite('Tree view and commands', () => {
  const extra = ['migrations/003_add_user_age.sql', 'migrations/003_add_user_age.down.sql'];
  setup(() => resetWorkspace(extra));
  suiteTeardown(() => resetWorkspace(extra));

  test('the tree shows every migration as pending before anything is applied', async () => {
    const tree = (await api()).tree;
    const nodes = await tree.getChildren();
    const items = nodes.map((n) => tree.getTreeItem(n));
    assert.deepEqual(items.map((i) => [i.label, i.description, i.contextValue]), [
      ['001 Create users', '001', 'migration-pending-down'],
      ['002 Add user email', '002', 'migration-pending-down'],
    ]);
    assert.equal((items[0].iconPath as vscode.ThemeIcon).id, 'circle-large-outline');
    assert.equal(items[0].command?.command, 'vscode.open');
    assert.equal(fs.existsSync(dbPath()), false, 'showing the tree must not create the database');
  });

  test('Apply Pending applies every migration to the database file', async () => {
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true }), true);
    assert.deepEqual(await query("SELECT version, status FROM schema_migrations ORDER BY id"), [['001', 'applied'], ['002', 'applied']]);
    assert.deepEqual(await query("SELECT name FROM pragma_table_info('users') ORDER BY cid"), [['id'], ['name'], ['email']]);
    assert.deepEqual(await statusList(), ['001_create_users:applied', '002_add_user_email:applied']);
    const item = (await api()).tree.getTreeItem(await migrationNode('001_create_users'));
    assert.equal(item.contextValue, 'migration-applied-down');
    assert.match((item.tooltip as vscode.MarkdownString).value, /Applied at: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  });

  test('Apply on one item applies just that one; Roll Back on it undoes it', async () => {
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.apply', await migrationNode('001_create_users')), true);
    assert.deepEqual(await statusList(), ['001_create_users:applied', '002_add_user_email:pending']);
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.rollback', await migrationNode('001_create_users'), { confirmed: true }), true);
    assert.deepEqual(await query("SELECT status FROM schema_migrations WHERE version = '001'"), [['rolled_back']]);
    assert.deepEqual(await query("SELECT count(*) FROM sqlite_master WHERE name = 'users'"), [[0]]);
    const backups = fs.readdirSync(inWorkspace('data', 'backups'));
    assert.equal(backups.length, 1, 'the rollback backed the database up first');
  });

  test('Roll Back Last rolls back the newest applied migration', async () => {
    await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true });
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.rollbackLast', undefined, { confirmed: true }), true);
    assert.deepEqual(await statusList(), ['001_create_users:applied', '002_add_user_email:rolled_back']);
    assert.deepEqual(await query("SELECT name FROM pragma_table_info('users') ORDER BY cid"), [['id'], ['name']]);
  });

  test('Dry Run opens one report view, replaced when run again, and leaves the database file alone', async () => {
    await vscode.commands.executeCommand('sqliteMigrations.apply', await migrationNode('001_create_users'));
    const before = fs.readFileSync(dbPath());
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.dryRun'), true);
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.dryRun'), true);
    // The workbench tells the extension host about new tabs a moment after the panel is created.
    const reportTabs = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('sqliteMigrations.report'))
        .map((t) => t.label);
    await eventually(() => assert.deepEqual(reportTabs(), [`Dry Run: ${folder().name}`]), 'one report view, reused');
    assert.deepEqual(vscode.workspace.textDocuments.filter((d) => d.isUntitled).map((d) => d.uri.toString()), [], 'no untitled document');
    assert.deepEqual(fs.readFileSync(dbPath()), before);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Verify passes on a healthy database', async () => {
    await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true });
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.verify'), true);
  });

  test('Back Up Now and Restore Backup put the old database back', async () => {
    await vscode.commands.executeCommand('sqliteMigrations.apply', await migrationNode('001_create_users'));
    const backup = await vscode.commands.executeCommand<string>('sqliteMigrations.backup');
    assert.ok(backup && fs.existsSync(backup));
    await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true });
    const schemaFile = inWorkspace('schema.sql');
    assert.match(fs.readFileSync(schemaFile, 'utf8'), /email TEXT/);
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.restoreBackup', undefined, backup, { confirmed: true }), true);
    assert.deepEqual(await statusList(), ['001_create_users:applied', '002_add_user_email:pending']);
    // The schema file follows the restored database, as after Apply.
    assert.doesNotMatch(fs.readFileSync(schemaFile, 'utf8'), /email TEXT/);
  });

  test('New Migration creates the next numbered pair from the template and opens it', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('sqliteMigrations.newMigration', undefined, { description: 'add user age', bump: 'minor' });
    assert.ok(uri);
    assert.equal(uri.fsPath, inWorkspace('migrations', '003_add_user_age.sql'));
    assert.ok(fs.existsSync(inWorkspace('migrations', '003_add_user_age.down.sql')));
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, uri.fsPath);
    // The fixture's migrations have no version header (their versions are their sequences): the new one neither.
    const text = fs.readFileSync(uri.fsPath, 'utf8');
    assert.match(text, /^-- description: Add user age\n/);
    assert.doesNotMatch(text, /-- version:/);
    await eventually(async () => assert.equal((await states()).length, 3), 'the new migration in the tree');
  });

  test('a failing migration is reported and recorded as failed, the schema untouched', async () => {
    fs.writeFileSync(inWorkspace('migrations', '003_add_user_age.sql'), 'ALTER TABLE users ADD COLUMN age INTEGER;\nINSERT INTO nowhere VALUES (1);\n');
    (await api()).model.invalidate();
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true }), false);
    assert.deepEqual(await statusList(), ['001_create_users:applied', '002_add_user_email:applied', '003_add_user_age:failed']);
    assert.deepEqual(await query("SELECT count(*) FROM pragma_table_info('users') WHERE name = 'age'"), [[0]]);
  });
});

suite('Checksum diagnostics and quick fixes', () => {
  const upFile = () => vscode.Uri.file(inWorkspace('migrations', '002_add_user_email.sql'));
  let original: string;

  suiteSetup(() => {
    original = fs.readFileSync(upFile().fsPath, 'utf8');
  });
  setup(async () => {
    fs.writeFileSync(upFile().fsPath, original);
    await resetWorkspace(['migrations/003_follow_up_add_user_email.sql', 'migrations/003_follow_up_add_user_email.down.sql']);
    await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true });
    await (await api()).diagnostics.reload();
  });
  teardown(() => fs.writeFileSync(upFile().fsPath, original));
  suiteTeardown(() => resetWorkspace(['migrations/003_follow_up_add_user_email.sql', 'migrations/003_follow_up_add_user_email.down.sql']));

  async function editAppliedFile(): Promise<vscode.TextEditor> {
    const editor = await vscode.window.showTextDocument(upFile());
    await editor.edit((e) => e.insert(new vscode.Position(editor.document.lineCount, 0), 'CREATE INDEX idx_users_email ON users(email);\n'));
    return editor;
  }

  const mismatch = () => vscode.languages.getDiagnostics(upFile()).filter((d) => d.code === 'checksum-mismatch');

  test('typing into an applied migration raises a warning on line 1, without saving', async () => {
    assert.equal(mismatch().length, 0);
    const editor = await editAppliedFile();
    const [d] = await eventually(() => {
      const found = mismatch();
      assert.equal(found.length, 1);
      return found;
    }, 'the checksum warning');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(d.range.start.line, 0);
    assert.equal(d.source, 'SQLite Migrations');
    assert.match(d.message, /applied on \d{4}-\d\d-\d\d/);
    assert.equal(editor.document.isDirty, true);
  });

  test('the quick fixes are offered, and Revert restores the applied text', async () => {
    await editAppliedFile();
    await eventually(() => assert.equal(mismatch().length, 1), 'the checksum warning');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', upFile(), new vscode.Range(0, 0, 0, 0));
    const titles = actions.map((a) => a.title);
    for (const t of ['Revert to the applied text', 'Move this edit into a new migration', 'Accept the new checksum (repair the ledger)']) {
      assert.ok(titles.includes(t), `missing quick fix "${t}" in ${titles.join(', ')}`);
    }
    const revert = actions.find((a) => a.title === 'Revert to the applied text')!;
    await vscode.commands.executeCommand(revert.command!.command, ...(revert.command!.arguments ?? []));
    assert.equal(fs.readFileSync(upFile().fsPath, 'utf8'), original);
    await eventually(() => assert.equal(mismatch().length, 0), 'the warning to clear');
  });

  test('Accept the new checksum records the edited text as applied', async () => {
    await editAppliedFile();
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.acceptChecksum', upFile(), { confirmed: true }), true);
    const [[checksum]] = await query("SELECT checksum FROM schema_migrations WHERE version = '002'");
    const state = (await states()).find((s) => s.name === '002_add_user_email')!;
    assert.equal(state.status, 'applied');
    assert.equal(checksum, state.migration!.checksum);
    await eventually(() => assert.equal(mismatch().length, 0), 'the warning to clear');
  });

  test('Move this edit into a new migration creates 003 with the added line and reverts 002', async () => {
    await editAppliedFile();
    const created = await vscode.commands.executeCommand<vscode.Uri>('sqliteMigrations.moveEditToNewMigration', upFile());
    assert.ok(created);
    assert.match(fs.readFileSync(created.fsPath, 'utf8'), /CREATE INDEX idx_users_email ON users\(email\);/);
    assert.equal(fs.readFileSync(upFile().fsPath, 'utf8'), original);
  });

  test('Compare with Applied opens a diff of the applied text against the file', async () => {
    await editAppliedFile();
    await vscode.commands.executeCommand('sqliteMigrations.compareWithApplied', upFile());
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, 'a diff editor is active');
    const applied = await vscode.workspace.openTextDocument(tab.input.original);
    assert.equal(applied.getText(), original);
  });
});

suite('Settings', () => {
  teardown(async () => {
    await vscode.workspace.getConfiguration('sqliteMigrations', folder().uri).update('databaseFile', 'data/app.db', vscode.ConfigurationTarget.WorkspaceFolder);
    await resetWorkspace();
  });

  test('changing the database file setting points the extension at the new file', async () => {
    await resetWorkspace();
    await vscode.workspace.getConfiguration('sqliteMigrations', folder().uri).update('databaseFile', 'data/other.db', vscode.ConfigurationTarget.WorkspaceFolder);
    await eventually(async () => assert.equal((await api()).model && (await states())[0]?.status, 'pending'), 'status after the change');
    await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true });
    assert.ok(fs.existsSync(inWorkspace('data', 'other.db')));
    assert.equal(fs.existsSync(dbPath()), false);
  });

  test('a database path outside the workspace folder is refused', async () => {
    await vscode.workspace.getConfiguration('sqliteMigrations', folder().uri).update('databaseFile', '../outside.db', vscode.ConfigurationTarget.WorkspaceFolder);
    const [status] = await eventually(async () => {
      const folders = await (await api()).model.folders();
      assert.equal(folders[0].errors[0]?.code, 'path-outside');
      return folders;
    }, 'the settings error');
    assert.match(status.errors[0].message, /outside the workspace folder/);
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true }), false);
  });
});
