import * as vscode from 'vscode';
import type { MigrationStatus, Problem } from '../core/model';
import { toApply, type MigrationState } from '../core/ledger/status';
import type { FolderStatus, MigrationsModel } from './model';

/** Tree elements are plain values; `getTreeItem` turns them into what VS Code shows. */
export type Node =
  | { readonly kind: 'folder'; readonly status: FolderStatus }
  | { readonly kind: 'migration'; readonly folder: vscode.WorkspaceFolder; readonly state: MigrationState }
  | { readonly kind: 'error'; readonly folder: vscode.WorkspaceFolder; readonly problem: Problem };

const ICONS: Record<MigrationStatus, [string, string]> = {
  applied: ['pass-filled', 'testing.iconPassed'],
  pending: ['circle-large-outline', 'charts.yellow'],
  failed: ['error', 'testing.iconFailed'],
  rolled_back: ['discard', 'disabledForeground'],
  modified: ['warning', 'list.warningForeground'],
  missing: ['question', 'list.errorForeground'],
};

const LABELS: Record<MigrationStatus, string> = {
  applied: 'applied',
  pending: 'pending',
  failed: 'failed',
  rolled_back: 'rolled back',
  modified: 'applied, modified since',
  missing: 'applied, file missing',
};

export class MigrationsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: MigrationsModel) {
    this.subscription = model.onDidChange(() => this.changed.fire(undefined));
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node?.kind === 'folder') return folderChildren(node.status);
    if (node) return [];
    const shown = (await this.model.folders()).filter((f) => f.states.length > 0 || f.errors.length > 0);
    if (shown.length === 1) return folderChildren(shown[0]);
    return shown.map((status) => ({ kind: 'folder', status }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'folder':
        return folderItem(node.status);
      case 'error':
        return errorItem(node.problem);
      case 'migration':
        return migrationItem(node.state);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function folderChildren(status: FolderStatus): Node[] {
  const errors = status.errors.map((problem): Node => ({ kind: 'error', folder: status.folder, problem }));
  const migrations = status.states.map((state): Node => ({ kind: 'migration', folder: status.folder, state }));
  return [...errors, ...migrations];
}

function folderItem(status: FolderStatus): vscode.TreeItem {
  const item = new vscode.TreeItem(status.folder.name, vscode.TreeItemCollapsibleState.Expanded);
  item.iconPath = vscode.ThemeIcon.Folder;
  item.resourceUri = status.folder.uri;
  item.contextValue = 'folder';
  const pending = toApply(status.states).length;
  item.description = pending ? `${pending} pending` : undefined;
  return item;
}

/** A status that could not be read: the reason, and a click to try again. */
function errorItem(problem: Problem): vscode.TreeItem {
  const item = new vscode.TreeItem(problem.message, vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  item.tooltip = `${problem.message}\n\nClick to try again.`;
  item.contextValue = 'error';
  item.command = { command: 'sqliteMigrations.refresh', title: 'Try Again' };
  return item;
}

function migrationItem(state: MigrationState): vscode.TreeItem {
  const seq = state.migration?.sequenceText ?? (state.sequence === undefined ? '' : String(state.sequence));
  const item = new vscode.TreeItem(`${seq} ${state.description}`.trim(), vscode.TreeItemCollapsibleState.None);
  item.description = state.version;
  const [icon, colour] = ICONS[state.status];
  item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(colour));
  item.contextValue = `migration-${state.status}${state.migration?.downPath ? '-down' : ''}`;
  item.tooltip = tooltip(state);
  item.id = `${state.name}@${state.version}`;
  if (state.migration) {
    const uri = vscode.Uri.file(state.migration.upPath);
    item.resourceUri = uri;
    item.command = { command: 'vscode.open', title: 'Open Migration', arguments: [uri] };
  }
  item.accessibilityInformation = { label: `${item.label}, version ${state.version}, ${LABELS[state.status]}` };
  return item;
}

function tooltip(state: MigrationState): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${state.name}** — ${LABELS[state.status]}\n\n`);
  md.appendMarkdown(`Version: \`${state.version}\`\n\n`);
  if (state.row && state.status !== 'pending') {
    md.appendMarkdown(`Applied at: ${state.row.appliedAt} UTC\n\n`);
    if (state.row.executionTimeMs !== null) md.appendMarkdown(`Execution time: ${state.row.executionTimeMs} ms\n\n`);
    if (state.row.checksum) md.appendMarkdown(`Applied checksum: \`${state.row.checksum.slice(0, 16)}…\`\n\n`);
  }
  if (state.migration) md.appendMarkdown(`File checksum: \`${state.migration.checksum.slice(0, 16)}…\``);
  return md;
}
