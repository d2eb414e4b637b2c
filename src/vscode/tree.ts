import * as vscode from 'vscode';
import type { MigrationStatus, Problem } from '../core/model';
import type { MigrationState } from '../core/ledger/status';
import { summarize } from '../core/ledger/summary';
import { compareFileNames } from '../core/migrations/catalog';
import { fileLabel } from '../core/migrations/label';
import type { FolderStatus, MigrationsModel } from './model';
import type { DriftSource } from './drift';
import { differenceNodes, driftItem, driftNode, type DriftNode } from './driftTree';

/** Tree elements are plain values; `getTreeItem` turns them into what VS Code shows. */
export type Node =
  | { readonly kind: 'folder'; readonly status: FolderStatus }
  | { readonly kind: 'migration'; readonly folder: vscode.WorkspaceFolder; readonly state: MigrationState; readonly problems: readonly Problem[] }
  | { readonly kind: 'error'; readonly folder: vscode.WorkspaceFolder; readonly problem: Problem }
  /** A file named like a migration that is not used as one (duplicate sequence, bad name, undecodable, orphan down). */
  | { readonly kind: 'file'; readonly folder: vscode.WorkspaceFolder; readonly file: string; readonly problems: readonly Problem[] }
  | DriftNode;

const ICONS: Record<MigrationStatus, [string, string]> = {
  applied: ['pass-filled', 'testing.iconPassed'],
  pending: ['circle-large-outline', 'charts.yellow'],
  failed: ['error', 'testing.iconFailed'],
  rolled_back: ['debug-step-back', 'charts.purple'],
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
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly model: MigrationsModel,
    /** Drift found after a refresh: shown as a warning item atop its folder. */
    private readonly drift?: DriftSource,
  ) {
    const refresh = () => this.changed.fire(undefined);
    this.subscriptions = [model.onDidChange(refresh), ...(drift ? [drift.onDidChange(refresh)] : [])];
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node?.kind === 'folder') return this.withDrift(node.status);
    if (node?.kind === 'drift') return differenceNodes(node);
    if (node) return [];
    // A folder whose only files are unusable still shows them (with their problems), not "No migrations found".
    const shown = (await this.model.folders()).filter(
      (f) => f.states.length > 0 || f.errors.length > 0 || f.problems.some((p) => p.file !== undefined && p.severity !== 'info'),
    );
    if (shown.length === 1) return this.withDrift(shown[0]);
    return shown.map((status) => ({ kind: 'folder', status }));
  }

  private withDrift(status: FolderStatus): Node[] {
    const drift = this.drift?.forFolder(status.folder);
    return [...(drift ? [driftNode(drift)] : []), ...folderChildren(status)];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'folder':
        return folderItem(node.status);
      case 'error':
        return errorItem(node.problem);
      case 'migration':
        return migrationItem(node.state, node.problems);
      case 'file':
        return fileItem(node.file, node.problems);
      case 'drift':
      case 'drift-difference':
        return driftItem(node);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/**
 * Every file is in the tree: the migrations in order, and each file with a problem that keeps it from being
 * one (a duplicate sequence, a bad name, ...) where its name sorts among them, with the problem.
 */
function folderChildren(status: FolderStatus): Node[] {
  const errors = status.errors.map((problem): Node => ({ kind: 'error', folder: status.folder, problem }));
  const byFile = problemsByFile(status.problems);
  const used = new Set<string>();
  const migrations = status.states.map((state): [string, Node] => {
    const files = [state.migration?.upPath, state.migration?.downPath].filter((f) => f !== undefined);
    for (const f of files) used.add(f);
    const problems = files.flatMap((f) => byFile.get(f) ?? []);
    return [state.migration ? fileLabel(state.migration.upPath) : `${state.name}.sql`, { kind: 'migration', folder: status.folder, state, problems }];
  });
  const files = [...byFile]
    .filter(([file]) => !used.has(file))
    .map(([file, problems]): [string, Node] => [fileLabel(file), { kind: 'file', folder: status.folder, file, problems }]);
  return [...errors, ...mergeByName(migrations, files)];
}

function problemsByFile(problems: readonly Problem[]): Map<string, Problem[]> {
  const byFile = new Map<string, Problem[]>();
  for (const p of problems) {
    if (!p.file || p.severity === 'info') continue;
    byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  }
  return byFile;
}

/** The migrations keep their order; each problem file goes before the first migration whose name sorts after it. */
function mergeByName(migrations: readonly [string, Node][], files: readonly [string, Node][]): Node[] {
  const out: Node[] = [];
  const rest = [...files].sort((a, b) => compareFileNames(a[0], b[0]));
  for (const [name, node] of migrations) {
    while (rest.length && compareFileNames(rest[0][0], name) < 0) out.push(rest.shift()![1]);
    out.push(node);
  }
  return [...out, ...rest.map(([, node]) => node)];
}

/** The words a narrow sidebar has room for; the whole message is in the tooltip. */
const SHORT_PROBLEM: Record<string, string> = {
  'duplicate-sequence': 'duplicate sequence',
  'duplicate-version': 'duplicate version',
  'bad-name': 'bad name',
  'uppercase-extension': 'bad name',
  'invalid-utf8': 'cannot be decoded',
  'bad-header': 'bad header',
  'missing-down': 'no down file',
  'orphan-down': 'no up file',
  'not-a-file': 'not a file',
  'symlink-outside': 'link outside the folder',
  unreadable: 'cannot be read',
  'sequence-gap': 'sequence gap',
  'version-order': 'version out of order',
};

export function shortProblem(p: Problem): string {
  return SHORT_PROBLEM[p.code] ?? p.message;
}

function fileItem(file: string, problems: readonly Problem[]): vscode.TreeItem {
  const item = new vscode.TreeItem(fileLabel(file), vscode.TreeItemCollapsibleState.None);
  const error = problems.some((p) => p.severity === 'error');
  item.iconPath = new vscode.ThemeIcon(error ? 'error' : 'warning', new vscode.ThemeColor(error ? 'list.errorForeground' : 'list.warningForeground'));
  item.description = problems.map(shortProblem).join(', ');
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escapeMd(fileLabel(file))}** — ${error ? 'not used' : 'warning'}\n\n`);
  for (const p of problems) md.appendMarkdown(`$(${p.severity === 'error' ? 'error' : 'warning'}) ${escapeMd(p.message)}\n\n`);
  md.supportThemeIcons = true;
  item.tooltip = md;
  item.contextValue = error ? 'file-error' : 'file-warning';
  const uri = vscode.Uri.file(file);
  item.resourceUri = uri;
  item.id = `file:${file}`;
  item.command = { command: 'vscode.open', title: 'Open File', arguments: [uri] };
  item.accessibilityInformation = { label: `${fileLabel(file)}, ${error ? 'error' : 'warning'}: ${problems.map((p) => p.message).join(' ')}` };
  return item;
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, '\\$&');
}

function folderItem(status: FolderStatus): vscode.TreeItem {
  const item = new vscode.TreeItem(status.folder.name, vscode.TreeItemCollapsibleState.Expanded);
  item.iconPath = vscode.ThemeIcon.Folder;
  item.resourceUri = status.folder.uri;
  item.contextValue = 'folder';
  const summary = summarize(status.states, status.problems);
  // The selected environment first: which database these rows are is the first thing to know.
  const parts = [status.config?.environment?.name, summary.state === 'up to date' ? undefined : summary.label].filter((p) => p !== undefined);
  item.description = parts.length ? parts.join(' · ') : undefined;
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

function migrationItem(state: MigrationState, problems: readonly Problem[]): vscode.TreeItem {
  const seq = state.migration?.sequenceText ?? (state.sequence === undefined ? '' : String(state.sequence));
  const item = new vscode.TreeItem(`${seq} ${state.description}`.trim(), vscode.TreeItemCollapsibleState.None);
  item.description = [state.version, ...problems.map(shortProblem)].join(' · ');
  const [icon, colour] = ICONS[state.status];
  item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(colour));
  item.contextValue = `migration-${state.status}${state.migration?.downPath ? '-down' : ''}`;
  item.tooltip = tooltip(state, problems);
  item.id = `${state.name}@${state.version}`;
  if (state.migration) {
    const uri = vscode.Uri.file(state.migration.upPath);
    item.resourceUri = uri;
    item.command = { command: 'vscode.open', title: 'Open Migration', arguments: [uri] };
  }
  item.accessibilityInformation = { label: `${item.label}, version ${state.version}, ${LABELS[state.status]}` };
  return item;
}

/** What the ledger row's time means depends on the status: only an applied migration was "applied at" it. */
const WHEN: Record<MigrationStatus, string | undefined> = {
  applied: 'Applied at',
  modified: 'Applied at',
  missing: 'Applied at',
  failed: 'Failed at',
  rolled_back: 'Rolled back at',
  pending: undefined,
};

/** One sentence per status on what it means and what to do. */
const MEANING: Record<MigrationStatus, string> = {
  applied: 'In the database.',
  pending: 'Not applied yet: Apply Pending Migrations applies it.',
  failed: 'The last attempt failed and was rolled back; nothing of it is in the database. Fix the file and apply it again.',
  rolled_back: 'Rolled back: not in the database. Apply Pending Migrations applies it again.',
  modified: 'Applied, but the file changed since: compare it with the applied text, revert it, or move the edit into a new migration.',
  missing: 'Applied, but its file is gone: the database has changes no file describes.',
};

function tooltip(state: MigrationState, problems: readonly Problem[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.supportThemeIcons = true;
  md.appendMarkdown(`**${state.name}** — ${LABELS[state.status]}\n\n`);
  md.appendMarkdown(`${MEANING[state.status]}\n\n`);
  for (const p of problems) md.appendMarkdown(`$(${p.severity === 'error' ? 'error' : 'warning'}) ${escapeMd(p.message)}\n\n`);
  md.appendMarkdown(`Version: \`${state.version}\`\n\n`);
  const when = WHEN[state.status];
  if (state.row && when) {
    md.appendMarkdown(`${when}: ${state.row.appliedAt} UTC\n\n`);
    if (state.row.executionTimeMs !== null && state.status !== 'failed') md.appendMarkdown(`Execution time: ${state.row.executionTimeMs} ms\n\n`);
    if (state.row.checksum && state.status !== 'failed') md.appendMarkdown(`Applied checksum: \`${state.row.checksum.slice(0, 16)}…\`\n\n`);
  }
  if (state.migration) md.appendMarkdown(`File checksum: \`${state.migration.checksum.slice(0, 16)}…\``);
  return md;
}
