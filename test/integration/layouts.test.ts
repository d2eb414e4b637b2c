import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { api, eventually, folder, inWorkspace, resetWorkspace, states } from './helpers';

// A golang-migrate folder (sqlx's reversible form too), as a project coming from that tool has it. The extension
// reads the names as they are: the tree shows them, and apply and roll back work from the tree's items.
const GOLANG = {
  '000001_create_users.up.sql': 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n',
  '000001_create_users.down.sql': 'DROP TABLE users;\n',
  '000002_add-posts.up.sql': 'CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));\n',
  '000002_add-posts.down.sql': 'DROP TABLE posts;\n',
};

const settings = () => vscode.workspace.getConfiguration('sqliteMigrations', folder().uri);

async function node(name: string) {
  const nodes = await (await api()).tree.getChildren();
  const found = nodes.find((n) => n.kind === 'migration' && n.state.name === name);
  assert.ok(found, `no tree item for ${name}: ${nodes.map((n) => (n.kind === 'migration' ? n.state.name : n.kind)).join(', ')}`);
  return found;
}

suite('Other tools\' layouts', () => {
  const dir = () => inWorkspace('golang-migrations');

  suiteSetup(async () => {
    fs.mkdirSync(dir(), { recursive: true });
    for (const [name, text] of Object.entries(GOLANG)) fs.writeFileSync(path.join(dir(), name), text);
    await settings().update('migrationsFolder', 'golang-migrations', vscode.ConfigurationTarget.WorkspaceFolder);
    await settings().update('databaseFile', 'data/golang.db', vscode.ConfigurationTarget.WorkspaceFolder);
  });

  suiteTeardown(async () => {
    await settings().update('migrationsFolder', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await settings().update('databaseFile', 'data/app.db', vscode.ConfigurationTarget.WorkspaceFolder);
    fs.rmSync(dir(), { recursive: true, force: true });
    await resetWorkspace();
  });

  test('a golang-migrate folder is read as it is, and applied and rolled back from the tree', async () => {
    await eventually(async () => assert.deepEqual((await states()).map((s) => `${s.name}:${s.status}`), ['000001_create_users:pending', '000002_add-posts:pending']), 'the golang-migrate migrations in the tree');
    const first = await node('000001_create_users');
    // Shown as the sequence as written and the description the name gives ("-" and "_" read as spaces).
    const labels = await Promise.all([first, await node('000002_add-posts')].map(async (n) => (await (await api()).tree.getTreeItem(n)).label));
    assert.deepEqual(labels, ['000001 Create users', '000002 Add posts']);
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.apply', first), true);
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.apply', await node('000002_add-posts')), true);
    assert.deepEqual((await states()).map((s) => s.status), ['applied', 'applied']);
    assert.ok(fs.existsSync(inWorkspace('data', 'golang.db')));
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.rollback', await node('000002_add-posts'), { confirmed: true }), true);
    assert.deepEqual((await states()).map((s) => s.status), ['applied', 'rolled_back']);
    // The rollback ran the .down.sql file: the table is gone, so applying again succeeds.
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.apply', await node('000002_add-posts')), true);
    assert.deepEqual((await states()).map((s) => s.status), ['applied', 'applied']);
  });

  test('New Migration writes the folder\'s own layout', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('sqliteMigrations.newMigration', undefined, { description: 'add tags', bump: 'minor' });
    assert.ok(uri, 'a file was created');
    assert.equal(path.basename(uri.fsPath), '000003_add_tags.up.sql');
    assert.ok(fs.existsSync(path.join(dir(), '000003_add_tags.down.sql')));
  });
});

// Diesel keeps each migration in a folder of its own (up.sql, down.sql): the folder's watcher must look one level down.
suite('Diesel\'s folders', () => {
  const dir = () => inWorkspace('diesel-migrations');
  const write = (name: string, up: string, down: string) => {
    fs.mkdirSync(path.join(dir(), name), { recursive: true });
    fs.writeFileSync(path.join(dir(), name, 'up.sql'), up);
    fs.writeFileSync(path.join(dir(), name, 'down.sql'), down);
  };

  suiteSetup(async () => {
    write('2024-01-01-000000_create_users', 'CREATE TABLE users (id INTEGER PRIMARY KEY);\n', 'DROP TABLE users;\n');
    await settings().update('migrationsFolder', 'diesel-migrations', vscode.ConfigurationTarget.WorkspaceFolder);
  });

  suiteTeardown(async () => {
    await settings().update('migrationsFolder', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    fs.rmSync(dir(), { recursive: true, force: true });
    await resetWorkspace();
  });

  test('a migration folder created on disk appears in the tree by itself, and an edit to its up.sql is seen', async () => {
    await eventually(async () => assert.equal((await states()).length, 1), 'the Diesel migration in the tree');
    // The watcher is re-made when the settings change, and a recursive one takes a moment to start: the file is
    // written again while waiting, so a change the watcher could not have seen yet is not what is tested.
    await eventually(async () => {
      write('2024-01-02-000000_add_posts', 'CREATE TABLE posts (id INTEGER PRIMARY KEY);\n', 'DROP TABLE posts;\n');
      await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual((await states()).map((s) => s.status), ['pending', 'pending']);
    }, 'the watcher to see the new folder', 20_000);
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.applyPending', undefined, { confirmed: true }), true);
    fs.appendFileSync(path.join(dir(), '2024-01-01-000000_create_users', 'up.sql'), 'CREATE INDEX idx_users_id ON users (id);\n');
    await eventually(async () => assert.deepEqual((await states()).map((s) => s.status), ['modified', 'applied']), 'the watcher to see the edited up.sql');
  });

  test('a file in a migration\'s folder is named with the folder: the tree\'s problem item, the Problems panel, the Testing view', async () => {
    const bad = path.join(dir(), '2024-01-03-000000_bad', 'up.sql');
    const testFile = path.join(dir(), '2024-01-02-000000_add_posts', 'test.sql');
    fs.mkdirSync(path.dirname(bad), { recursive: true });
    fs.writeFileSync(bad, '-- version: one\nCREATE TABLE bad (id INTEGER PRIMARY KEY);\n');
    fs.writeFileSync(testFile, '-- expect: 0\nSELECT count(*) FROM posts;\n');
    const tree = (await api()).tree;
    const item = await eventually(async () => {
      (await api()).model.invalidate();
      const file = (await tree.getChildren()).find((n) => n.kind === 'file');
      assert.ok(file, 'a problem item');
      return tree.getTreeItem(file);
    }, 'the bad header in the tree');
    assert.deepEqual([item.label, item.description], ['2024-01-03-000000_bad/up.sql', 'bad header']);
    await eventually(() => {
      const messages = vscode.languages.getDiagnostics(vscode.Uri.file(bad)).map((d) => d.message);
      assert.deepEqual(messages, ['2024-01-03-000000_bad/up.sql:1: "one" is not a MAJOR.MINOR.PATCH version (e.g. 1.2.0).']);
    }, 'the bad header in the Problems panel');
    const tests = (await api()).tests;
    const testItem = await eventually(async () => {
      await tests.refresh();
      const found = tests.items().find((i) => i.id === `test:${testFile}`);
      assert.ok(found, JSON.stringify(tests.items().map((i) => i.id)));
      return found;
    }, 'the Diesel test.sql in the Testing view');
    assert.equal(testItem.label, '2024-01-02-000000_add_posts/test.sql');
  });
});
