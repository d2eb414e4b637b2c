// Environments in the editor over the fake vscode API and the real engine on real files: typing the name
// before a write to one with `confirm`, Select Environment, and the name in the status bar, view and tree.
import './install';
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MigrationCommands } from '../../../src/vscode/commands';
import { registerSelectEnvironment } from '../../../src/vscode/environment';
import { MigrationsModel } from '../../../src/vscode/model';
import { Reporter } from '../../../src/vscode/report';
import { ReportView } from '../../../src/vscode/reportView';
import { MigrationsStatusBar } from '../../../src/vscode/statusBar';
import { MigrationsTree } from '../../../src/vscode/tree';
import { ENGINE } from '../helpers/engines';
import { sqlite3 } from '../helpers/sqlite3';
import { makeWorkspace, removeWorkspace } from '../helpers/workspace';
import { fake, window } from './fakeVscode';

const FILES = {
  'migrations/001_projects.sql': 'CREATE TABLE projects (id INTEGER PRIMARY KEY);\n',
  'migrations/001_projects.down.sql': 'DROP TABLE projects;\n',
};
const ENVIRONMENTS = {
  development: { databaseFile: 'data/dev.db' },
  production: { databaseFile: 'data/prod.db' },
};

describe(`environments in the editor (${ENGINE})`, function () {
  this.timeout(30_000);
  let root: string;
  let model: MigrationsModel;
  const disposables: { dispose(): void }[] = [];

  beforeEach(() => {
    fake.reset();
    root = makeWorkspace(FILES);
    fs.mkdirSync(path.join(root, 'data'));
    for (const name of ['dev', 'prod']) sqlite3(db(name), 'CREATE TABLE scratch (x); DROP TABLE scratch;');
    fake.folders = [fake.folder(root)];
    fake.settings = { 'sqliteMigrations.engine': ENGINE, 'sqliteMigrations.environments': ENVIRONMENTS, 'sqliteMigrations.environment': 'production' };
    model = new MigrationsModel(() => new Date('2025-10-19T14:30:00Z'));
    disposables.push(model);
  });
  afterEach(() => {
    for (const d of disposables.splice(0)) d.dispose();
    removeWorkspace(root);
  });

  function db(name: string): string {
    return path.join(root, 'data', `${name}.db`);
  }
  const hasProjects = (name: string) => sqlite3(db(name), "SELECT count(*) FROM sqlite_master WHERE name = 'projects';") === '1\n';
  const commands = () => {
    const reports = new ReportView();
    disposables.push(reports, ...new MigrationCommands(model, new Reporter(window.createOutputChannel() as never), reports).register(), registerSelectEnvironment(model));
    return (id: string, ...args: unknown[]) => fake.commands.get(`sqliteMigrations.${id}`)?.(...args) as Promise<unknown>;
  };

  it('Apply on production asks for its name; Escape changes nothing', async () => {
    const run = commands();
    fake.answer = 'Apply';
    fake.typed = undefined;
    assert.equal(await run('applyPending'), false);
    assert.equal(fake.asked.length, 1);
    assert.match(fake.asked[0], /This writes to .*prod\.db\. Type "production" to go ahead\./);
    assert.ok(!hasProjects('prod'));
  });

  it('a wrong name changes nothing and says so; the right one applies to production only', async () => {
    const run = commands();
    fake.answer = 'Apply';
    fake.typed = 'development';
    assert.equal(await run('applyPending'), false);
    assert.ok(!hasProjects('prod'));
    assert.ok(fake.shown.some((s) => /Not confirmed: "development" is not "production".*Nothing was changed\./.test(s.message)), JSON.stringify(fake.shown));
    fake.typed = 'production';
    assert.equal(await run('applyPending'), true);
    assert.ok(hasProjects('prod'));
    assert.ok(!hasProjects('dev'), 'development was not touched');
  });

  it('"confirmed" from a caller does not stand for the name; Roll Back asks too', async () => {
    const run = commands();
    assert.equal(await run('applyPending', undefined, { confirmed: true }), false);
    assert.ok(!hasProjects('prod'));
    assert.equal(await run('applyPending', undefined, { confirmed: true, environment: 'production' }), true);
    assert.equal(await run('rollbackLast', undefined, { confirmed: true }), false);
    assert.ok(hasProjects('prod'));
    assert.equal(await run('rollbackLast', undefined, { confirmed: true, environment: 'production' }), true);
    assert.ok(!hasProjects('prod'));
  });

  it('development (no confirm) never asks', async () => {
    fake.settings['sqliteMigrations.environment'] = 'development';
    const run = commands();
    assert.equal(await run('applyPending', undefined, { confirmed: true }), true);
    assert.equal(fake.asked.length, 0);
    assert.ok(hasProjects('dev') && !hasProjects('prod'));
  });

  it('Select Environment writes the setting; the status bar and the view show the selected one', async () => {
    const run = commands();
    const view = { badge: undefined as unknown, description: undefined as string | undefined };
    const bar = new MigrationsStatusBar(model, [view as unknown as vscode.TreeView<unknown>]);
    disposables.push(bar);
    await bar.update();
    assert.match(bar.text, /production · /);
    assert.equal(view.description, 'production');
    assert.equal(await run('selectEnvironment', undefined, 'development'), true);
    assert.equal(fake.settings['sqliteMigrations.environment'], 'development');
    await bar.update();
    assert.match(bar.text, /development · /);
    assert.match(bar.tooltip, /dev\.db \(environment: development\)/);
    assert.equal(view.description, 'development');
    assert.equal(await run('selectEnvironment', undefined, 'qa'), false, 'an unknown name is refused');
    assert.ok(fake.shown.some((s) => s.message === 'There is no environment "qa"; the known ones are development, production.'));
  });

  it('without environments nothing is asked, and the view names its database file', async () => {
    delete fake.settings['sqliteMigrations.environments'];
    delete fake.settings['sqliteMigrations.environment'];
    const run = commands();
    const view = { badge: undefined as unknown, description: 'stale' as string | undefined };
    const bar = new MigrationsStatusBar(model, [view as unknown as vscode.TreeView<unknown>]);
    disposables.push(bar);
    assert.equal(await run('applyPending', undefined, { confirmed: true }), true);
    await bar.update();
    assert.equal(view.description, path.join(root, 'data', 'app.db'), 'the fake gives paths as they are; VS Code makes it data/app.db');
    assert.doesNotMatch(bar.text, /development|production/);
    assert.equal(fake.asked.length, 0);
    assert.equal(await run('selectEnvironment', undefined, 'production'), false);
  });

  it('with two folders, each folder row names its environment', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlm-env-'));
    disposables.push({ dispose: () => fs.rmSync(other, { recursive: true, force: true }) });
    fs.cpSync(path.join(root, 'migrations'), path.join(other, 'migrations'), { recursive: true });
    fake.folders = [fake.folder(root, 0), fake.folder(other, 1)];
    const tree = new MigrationsTree(model);
    disposables.push(tree);
    const items = (await tree.getChildren()).map((n) => tree.getTreeItem(n) as vscode.TreeItem);
    // The fake has one settings store, so both folders select production.
    assert.deepEqual(items.map((i) => String(i.description).split(' · ')[0]), ['production', 'production']);
  });

  it('a bad environments setting is one sentence naming the settings file, shown instead of the status', async () => {
    fake.settings['sqliteMigrations.environments'] = { production: { retention: 'forever' } };
    const [status] = await model.folders();
    assert.equal(status.errors.length, 1);
    assert.equal(status.errors[0].message, `${path.join(root, '.vscode', 'settings.json')}: "sqliteMigrations.environments": "production.retention" must be a count (5), an age (12h, 30d, 2w) or "all", not "forever".`);
  });
});
