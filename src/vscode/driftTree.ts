import * as path from 'path';
import * as vscode from 'vscode';
import type { FolderDrift } from './drift';

// The drift warning in the tree: one item per folder whose database's schema differs from what its applied migrations
// produce, with each difference in words as its children. Built from values the drift watch already holds.

export type DriftNode =
  | { readonly kind: 'drift'; readonly folder: vscode.WorkspaceFolder; readonly drift: FolderDrift }
  | { readonly kind: 'drift-difference'; readonly folder: vscode.WorkspaceFolder; readonly text: string };

export const DRIFT_CONTEXT = 'schemaDrift';

export function driftNode(drift: FolderDrift): DriftNode {
  return { kind: 'drift', folder: drift.folder, drift };
}

export function differenceNodes(node: Extract<DriftNode, { kind: 'drift' }>): DriftNode[] {
  return node.drift.comparison.differences.map((text) => ({ kind: 'drift-difference', folder: node.folder, text }));
}

export function driftItem(node: DriftNode): vscode.TreeItem {
  if (node.kind === 'drift-difference') {
    const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('diff');
    item.tooltip = node.text;
    item.contextValue = `${DRIFT_CONTEXT}-difference`;
    item.command = { command: 'sqliteMigrations.showSchemaDiff', title: 'Show Schema Diff', arguments: [node] };
    return item;
  }
  const { differences } = node.drift.comparison;
  const n = differences.length;
  const item = new vscode.TreeItem(`Schema drift: ${n} difference${n === 1 ? '' : 's'}`, vscode.TreeItemCollapsibleState.Collapsed);
  item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  item.description = path.basename(node.drift.databaseFile);
  item.contextValue = DRIFT_CONTEXT;
  item.id = `drift:${node.folder.uri.toString()}`;
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**Schema drift** — ${escapeMd(path.basename(node.drift.databaseFile))} differs from what its applied migrations produce (changed outside them?):\n\n`);
  for (const d of differences) md.appendMarkdown(`- ${escapeMd(d)}\n`);
  md.appendMarkdown('\nShow Schema Diff compares the two; New Migration from Drift writes a migration that records the difference.');
  item.tooltip = md;
  item.accessibilityInformation = { label: `Schema drift, ${n} difference${n === 1 ? '' : 's'}: ${differences.join('; ')}` };
  return item;
}

export function isDriftNode(arg: unknown): arg is DriftNode {
  const kind = typeof arg === 'object' && arg !== null ? (arg as { kind?: unknown }).kind : undefined;
  return kind === 'drift' || kind === 'drift-difference';
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, '\\$&');
}
