import * as vscode from 'vscode';
import { AppliedContentProvider, APPLIED_SCHEME } from './vscode/appliedContent';
import { ChecksumCodeActions } from './vscode/codeActions';
import { MigrationCommands } from './vscode/commands';
import { ChecksumDiagnostics } from './vscode/diagnostics';
import { registerShowEngine } from './vscode/engineCommand';
import { FileCommands } from './vscode/fileCommands';
import { MigrationsModel } from './vscode/model';
import { Reporter } from './vscode/report';
import { registerSelectEnvironment } from './vscode/environment';
import { ReportView } from './vscode/reportView';
import { BumpVersionActions, SemverDiagnostics } from './vscode/semverDiagnostics';
import { SECTION } from './vscode/settings';
import { MigrationsStatusBar } from './vscode/statusBar';
import { MigrationsTree } from './vscode/tree';
import { MigrationTestExplorer } from './vscode/testExplorer';
import { TestFileDiagnostics } from './vscode/testFileDiagnostics';
import { FolderWatchers } from './vscode/watchers';
import { SchemaDriftWatch } from './vscode/drift';
import { DriftCommands } from './vscode/driftCommands';
import { SchemaContentProvider, SCHEMA_SCHEME } from './vscode/schemaContent';
import { LintWorkerClient } from './core/lint/lintClient';
import { LintDiagnostics } from './vscode/lintDiagnostics';
import { SchemaHover } from './vscode/schemaHover';

/**
 * What the integration tests reach through `activate()`'s return value: reads of what the user sees, and the
 * refreshes a file change would trigger. Nothing that writes a database: tests do that through the commands.
 */
export interface SqliteMigrationsApi {
  readonly model: Pick<MigrationsModel, 'folders' | 'invalidate'>;
  readonly tree: Pick<MigrationsTree, 'getChildren' | 'getTreeItem'>;
  readonly diagnostics: Pick<ChecksumDiagnostics, 'reload'>;
  readonly statusBar: Pick<MigrationsStatusBar, 'update' | 'text' | 'tooltip'>;
  /** Resolves once the drift checks started by the refreshes so far have ended. */
  readonly drift: Pick<SchemaDriftWatch, 'settled'>;
  /** The Testing view's items, and a run of some (ids) or all of them as its Run button does. */
  readonly tests: { refresh(): Promise<void>; items: MigrationTestExplorer['snapshot']; run: MigrationTestExplorer['runItems'] };
}

export function activate(context: vscode.ExtensionContext): SqliteMigrationsApi {
  const now = () => new Date();
  const log = vscode.window.createOutputChannel('SQLite Migrations', { log: true });
  const model = new MigrationsModel(now, (problem) => log.error(problem.message));
  // Drift is found after each refresh, off the extension host's thread, and shown in the tree and the status bar.
  const drift = new SchemaDriftWatch(model);
  const schemaContent = new SchemaContentProvider();
  const tree = new MigrationsTree(model, drift);
  const diagnostics = new ChecksumDiagnostics(model);
  const semver = new SemverDiagnostics(model);
  const views = [
    vscode.window.createTreeView('sqliteMigrations.migrations', { treeDataProvider: tree, showCollapseAll: true }),
    vscode.window.createTreeView('sqliteMigrations.explorer', { treeDataProvider: tree }),
  ];
  // The badge goes on the activity-bar view only: on the Explorer's view it would badge the Explorer icon.
  const statusBar = new MigrationsStatusBar(model, [views[0]], drift, views);
  const watchers = new FolderWatchers(model);
  const reporter = new Reporter(log);
  const files = new FileCommands(model, diagnostics, reporter, context.extensionUri, now);
  const reports = new ReportView();
  const tests = new MigrationTestExplorer(model);
  // SQL checked while typing: the worker starts with the first check, after activation.
  const lintClient = new LintWorkerClient();
  const lint = new LintDiagnostics(lintClient, (message) => log.warn(message));
  const schemaHover = new SchemaHover(lint);
  const sqlFiles = { scheme: 'file', pattern: '**/*.sql' };
  watchers.reset();

  context.subscriptions.push(
    log,
    model,
    drift,
    schemaContent,
    tree,
    diagnostics,
    semver,
    statusBar,
    watchers,
    reports,
    new TestFileDiagnostics(),
    tests,
    lint,
    lintClient,
    vscode.languages.registerHoverProvider(sqlFiles, schemaHover),
    vscode.languages.registerCompletionItemProvider(sqlFiles, schemaHover, '.'),
    ...views,
    vscode.workspace.registerTextDocumentContentProvider(APPLIED_SCHEME, new AppliedContentProvider(model)),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/*.sql' }, new ChecksumCodeActions(), {
      providedCodeActionKinds: ChecksumCodeActions.kinds,
    }),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/*.sql' }, new BumpVersionActions(semver), {
      providedCodeActionKinds: BumpVersionActions.kinds,
    }),
    ...new MigrationCommands(model, reporter, reports).register(),
    ...files.register(),
    vscode.workspace.registerTextDocumentContentProvider(SCHEMA_SCHEME, schemaContent),
    ...new DriftCommands(drift, schemaContent, (folder, args, body) => files.newMigration(folder, args, body), async (folder) => (await model.folderStatus(folder)).states).register(),
    registerShowEngine(model, reporter, log),
    registerSelectEnvironment(model),
    vscode.commands.registerCommand('sqliteMigrations.showOutput', () => log.show()),
    vscode.commands.registerCommand('sqliteMigrations.openSettings', () =>
      vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${context.extension.id}`),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      watchers.reset();
      model.invalidate();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      watchers.reset();
      model.invalidate();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => model.invalidate()),
  );
  // The first status read happens after activation, off its critical path.
  const firstRead = setTimeout(() => {
    model.invalidate();
    lint.scheduleAll();
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(firstRead) });
  return testApi(model, tree, diagnostics, statusBar, drift, tests);
}

/** Only the members named in the interface, bound: the objects themselves stay private to the extension. */
function testApi(model: MigrationsModel, tree: MigrationsTree, diagnostics: ChecksumDiagnostics, statusBar: MigrationsStatusBar, drift: SchemaDriftWatch, tests: MigrationTestExplorer): SqliteMigrationsApi {
  return {
    tests: { refresh: () => tests.refresh(), items: () => tests.snapshot(), run: (ids) => tests.runItems(ids) },
    model: { folders: () => model.folders(), invalidate: (folder) => model.invalidate(folder) },
    tree: { getChildren: (node) => tree.getChildren(node), getTreeItem: (node) => tree.getTreeItem(node) },
    diagnostics: { reload: () => diagnostics.reload() },
    statusBar: {
      update: () => statusBar.update(),
      get text() {
        return statusBar.text;
      },
      get tooltip() {
        return statusBar.tooltip;
      },
    },
    drift: { settled: () => drift.settled() },
  };
}

export function deactivate(): void {}
