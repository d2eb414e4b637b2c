// Runs only in the host's multi-root pass: test/fixtures/multiroot opened through its .code-workspace,
// with folders api (default settings), web (its own databaseFile) and docs (no migrations at all).
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { api } from './helpers';
import type { Node } from '../../src/vscode/tree';
import { loadSqlJs } from '../../src/core/engine/sqljs/load';

function workspaceFolder(name: string): vscode.WorkspaceFolder {
  const found = vscode.workspace.workspaceFolders?.find((f) => f.name === name);
  if (!found) throw new Error(`no workspace folder named ${name}`);
  return found;
}

function inFolder(name: string, ...parts: string[]): string {
  return path.join(workspaceFolder(name).uri.fsPath, ...parts);
}

const webDb = () => inFolder('web', 'db', 'web.db');
const apiDb = () => inFolder('api', 'data', 'app.db');

async function query(file: string, sql: string): Promise<unknown[][]> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(fs.readFileSync(file));
  try {
    const result = db.exec(sql);
    return result.length ? result[0].values : [];
  } finally {
    db.close();
  }
}

/** The tree's top level, read afresh: nodes carry the status they were built from. */
async function groups(): Promise<Node[]> {
  return (await api()).tree.getChildren();
}

async function group(name: string): Promise<Node> {
  const tree = (await api()).tree;
  const found = (await groups()).find((n) => n.kind === 'folder' && tree.getTreeItem(n).label === name);
  assert.ok(found, `no group for ${name}`);
  return found;
}

/** [label, description, contextValue] of each item in a folder's group. */
async function children(name: string): Promise<unknown[][]> {
  const tree = (await api()).tree;
  const nodes = await tree.getChildren(await group(name));
  return nodes.map((n) => tree.getTreeItem(n)).map((i) => [i.label, i.description, i.contextValue]);
}

async function descriptions(): Promise<Record<string, unknown>> {
  const tree = (await api()).tree;
  const items = (await groups()).map((n) => tree.getTreeItem(n));
  return Object.fromEntries(items.map((i) => [i.label, i.description]));
}

const API_PENDING = [['001 Create accounts', '001', 'migration-pending-down']];
const WEB_PENDING = [
  ['001 Create pages', '001', 'migration-pending-down'],
  ['002 Add page title', '002', 'migration-pending-down'],
];

/** No databases anywhere: each folder back as the host copied it. */
async function resetFolders(): Promise<void> {
  for (const dir of [inFolder('api', 'data'), inFolder('web', 'db'), inFolder('web', 'data')]) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  (await api()).model.invalidate();
}

suite('Multi-root workspace @multiroot', () => {
  setup(resetFolders);
  suiteTeardown(resetFolders);

  test('the tree has one group per folder with migrations, each listing its own, pending', async () => {
    assert.ok(vscode.workspace.workspaceFile, 'a .code-workspace file is open');
    assert.deepEqual(vscode.workspace.workspaceFolders?.map((f) => f.name), ['api', 'web', 'docs']);
    const tree = (await api()).tree;
    const top = await groups();
    assert.deepEqual(top.map((n) => n.kind), ['folder', 'folder']);
    const items = top.map((n) => tree.getTreeItem(n));
    assert.deepEqual(items.map((i) => [i.label, i.contextValue, i.collapsibleState]), [
      ['api', 'folder', vscode.TreeItemCollapsibleState.Expanded],
      ['web', 'folder', vscode.TreeItemCollapsibleState.Expanded],
    ]);
    assert.equal(items[1].resourceUri?.toString(), workspaceFolder('web').uri.toString());
    assert.deepEqual(await children('api'), API_PENDING);
    assert.deepEqual(await children('web'), WEB_PENDING);
    assert.equal(fs.existsSync(apiDb()), false, 'showing the tree must not create a database');
    assert.equal(fs.existsSync(webDb()), false, 'showing the tree must not create a database');
  });

  test("Apply Pending on web's group applies to web's own database and leaves api alone", async () => {
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.applyPending', await group('web'), { confirmed: true }), true);
    assert.deepEqual(await query(webDb(), 'SELECT version, status FROM schema_migrations ORDER BY id'), [
      ['001', 'applied'],
      ['002', 'applied'],
    ]);
    assert.deepEqual(await query(webDb(), "SELECT name FROM pragma_table_info('pages') ORDER BY cid"), [['id'], ['slug'], ['title']]);
    assert.equal(fs.existsSync(apiDb()), false, 'api has no database');
    assert.equal(fs.existsSync(inFolder('web', 'data')), false, "web's setting, not the default path, names its database");
    assert.deepEqual(await children('web'), [
      ['001 Create pages', '001', 'migration-applied-down'],
      ['002 Add page title', '002', 'migration-applied-down'],
    ]);
    assert.deepEqual(await children('api'), API_PENDING);
  });

  test("a group's description counts its folder's pending migrations", async () => {
    assert.deepEqual(await descriptions(), { api: '1 pending', web: '2 pending' });
    const tree = (await api()).tree;
    const first = (await tree.getChildren(await group('web')))[0];
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.apply', first), true);
    assert.deepEqual(await query(webDb(), 'SELECT version FROM schema_migrations'), [['001']]);
    assert.deepEqual(await descriptions(), { api: '1 pending', web: '1 pending' });
    assert.equal(await vscode.commands.executeCommand('sqliteMigrations.applyPending', await group('web'), { confirmed: true }), true);
    assert.deepEqual(await descriptions(), { api: '1 pending', web: undefined });
  });
});
