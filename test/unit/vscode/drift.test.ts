// The drift item over a fake vscode API and the real engine on real files: found after a refresh, cached by the
// database file's identity and the applied checksums, shown in the tree and the status bar's tooltip.
import './install';
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import * as path from 'path';
import type { Problem, Result } from '../../../src/core/model';
import { SchemaDriftWatch } from '../../../src/vscode/drift';
import { MigrationsModel, type Operation } from '../../../src/vscode/model';
import { MigrationsStatusBar } from '../../../src/vscode/statusBar';
import { MigrationsTree, type Node } from '../../../src/vscode/tree';
import { ENGINE } from '../helpers/engines';
import { hasSqlite3, sqlite3 } from '../helpers/sqlite3';
import { cli, makeWorkspace, removeWorkspace } from '../helpers/workspace';
import { fake, type MarkdownString } from './fakeVscode';

const FILES = {
  'migrations/001_tasks.sql': '-- version: 1.0.0\nCREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL);\n',
  'migrations/001_tasks.down.sql': 'DROP TABLE tasks;\n',
};

/** The real model, counting the queries it runs (each drift comparison is one). */
class CountingModel extends MigrationsModel {
  queries = 0;
  override query<T>(folder: vscode.WorkspaceFolder, operation: Operation<Result<T, Problem[]>>): Promise<Result<T, Problem[]>> {
    this.queries++;
    return super.query(folder, operation);
  }
}

describe(`the schema drift item over a fake vscode API (${ENGINE})`, function () {
  this.timeout(30_000);
  let root: string;
  let model: CountingModel;
  let drift: SchemaDriftWatch;
  let tree: MigrationsTree;
  before(function () {
    if (!hasSqlite3()) this.skip();
  });
  beforeEach(() => {
    fake.reset();
    root = makeWorkspace(FILES);
    fake.folders = [fake.folder(root)];
    fake.settings = { 'sqliteMigrations.engine': ENGINE };
    model = new CountingModel();
    drift = new SchemaDriftWatch(model);
    tree = new MigrationsTree(model, drift);
    assert.equal(cli(root, ['up']).code, 0);
  });
  afterEach(() => {
    tree.dispose();
    drift.dispose();
    model.dispose();
    removeWorkspace(root);
  });

  const db = () => path.join(root, 'data', 'app.db');
  async function refreshed(): Promise<Node[]> {
    model.invalidate();
    await drift.settled();
    return tree.getChildren();
  }

  it('an index created by hand shows as a warning item atop the migrations, its differences as children; gone once undone', async () => {
    assert.deepEqual((await refreshed()).map((n) => n.kind), ['migration']);
    sqlite3(db(), 'CREATE INDEX idx_by_hand ON tasks(title);');
    const nodes = await refreshed();
    assert.deepEqual(nodes.map((n) => n.kind), ['drift', 'migration']);
    const item = tree.getTreeItem(nodes[0]);
    assert.equal(item.label, 'Schema drift: 1 difference');
    assert.equal(item.contextValue, 'schemaDrift');
    assert.equal((item.iconPath as { id: string }).id, 'warning');
    assert.match((item.tooltip as unknown as MarkdownString).value, /index idx\\_by\\_hand exists in the database but in no migration/);
    const children = await tree.getChildren(nodes[0]);
    assert.deepEqual(children.map((c) => tree.getTreeItem(c).label), ['index idx_by_hand exists in the database but in no migration']);
    assert.equal(tree.getTreeItem(children[0]).command?.command, 'sqliteMigrations.showSchemaDiff');

    const bar = new MigrationsStatusBar(model, [], drift);
    await bar.update();
    assert.match(bar.tooltip, /Schema drift: 1 difference from what the applied migrations produce/);
    bar.dispose();

    sqlite3(db(), 'DROP INDEX idx_by_hand;');
    assert.deepEqual((await refreshed()).map((n) => n.kind), ['migration']);
  });

  it('a refresh that changed nothing does not replay again; a changed database file does', async () => {
    sqlite3(db(), 'CREATE INDEX idx_by_hand ON tasks(title);');
    await refreshed();
    const after = model.queries;
    assert.ok(after >= 1);
    await refreshed();
    await refreshed();
    assert.equal(model.queries, after);
    sqlite3(db(), 'CREATE INDEX idx_second ON tasks(id, title);');
    const nodes = await refreshed();
    assert.equal(model.queries, after + 1);
    assert.equal(tree.getTreeItem(nodes[0]).label, 'Schema drift: 2 differences');
  });

  it('an untrusted workspace replays nothing and shows no drift', async () => {
    sqlite3(db(), 'CREATE INDEX idx_by_hand ON tasks(title);');
    fake.trusted = false;
    assert.deepEqual((await refreshed()).map((n) => n.kind), ['migration']);
    assert.equal(model.queries, 0);
  });
});
