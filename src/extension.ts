import * as vscode from 'vscode';
import { AppliedContentProvider, APPLIED_SCHEME } from './vscode/appliedContent';
import { ChecksumCodeActions } from './vscode/codeActions';
import { MigrationCommands } from './vscode/commands';
import { ChecksumDiagnostics } from './vscode/diagnostics';
import { registerShowEngine } from './vscode/engineCommand';
import { FileCommands } from './vscode/fileCommands';
import { MigrationsModel } from './vscode/model';
import { Reporter } from './vscode/report';
import { ReportView } from './vscode/reportView';
import { SECTION } from './vscode/settings';
import { MigrationsStatusBar } from './vscode/statusBar';
import { MigrationsTree } from './vscode/tree';
import { FolderWatchers } from './vscode/watchers';
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
}

export function activate(context: vscode.ExtensionContext): SqliteMigrationsApi {
  const now = () => new Date();
  const log = vscode.window.createOutputChannel('SQLite Migrations', { log: true });
  const model = new MigrationsModel(now, (problem) => log.error(problem.message));
  const tree = new MigrationsTree(model);
  const diagnostics = new ChecksumDiagnostics(model);
  const views = [
    vscode.window.createTreeView('sqliteMigrations.migrations', { treeDataProvider: tree, showCollapseAll: true }),
    vscode.window.createTreeView('sqliteMigrations.explorer', { treeDataProvider: tree }),
  ];
  // The badge goes on the activity-bar view only: on the Explorer's view it would badge the Explorer icon.
  const statusBar = new MigrationsStatusBar(model, [views[0]]);
  const watchers = new FolderWatchers(model);
  const reporter = new Reporter(log);
  const reports = new ReportView();
  // SQL checked while typing: the worker starts with the first check, after activation.
  const lintClient = new LintWorkerClient();
  const lint = new LintDiagnostics(lintClient, (message) => log.warn(message));
  const schemaHover = new SchemaHover(lint);
  const sqlFiles = { scheme: 'file', pattern: '**/*.sql' };
  watchers.reset();

  context.subscriptions.push(
    log,
    model,
    tree,
    diagnostics,
    statusBar,
    watchers,
    reports,
    lint,
    lintClient,
    vscode.languages.registerHoverProvider(sqlFiles, schemaHover),
    vscode.languages.registerCompletionItemProvider(sqlFiles, schemaHover, '.'),
    ...views,
    vscode.workspace.registerTextDocumentContentProvider(APPLIED_SCHEME, new AppliedContentProvider(model)),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/*.sql' }, new ChecksumCodeActions(), {
      providedCodeActionKinds: ChecksumCodeActions.kinds,
    }),
    ...new MigrationCommands(model, reporter, reports).register(),
    ...new FileCommands(model, diagnostics, reporter, context.extensionUri, now).register(),
    registerShowEngine(model, reporter, log),
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
  return testApi(model, tree, diagnostics, statusBar);
}

/** Only the members named in the interface, bound: the objects themselves stay private to the extension. */
function testApi(model: MigrationsModel, tree: MigrationsTree, diagnostics: ChecksumDiagnostics, statusBar: MigrationsStatusBar): SqliteMigrationsApi {
  return {
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
  };
}

export function deactivate(): void {}
