import * as vscode from 'vscode';
import type { Node } from './tree';

/** The folder a command acts on: the tree item's, the only one, or the user's pick. */
export async function pickFolder(arg?: unknown): Promise<vscode.WorkspaceFolder | undefined> {
  const fromArg = folderOf(arg);
  if (fromArg) return fromArg;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder\'s database?' });
}

function folderOf(arg: unknown): vscode.WorkspaceFolder | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  if (arg instanceof vscode.Uri) return vscode.workspace.getWorkspaceFolder(arg);
  const node = arg as Partial<Node> & { uri?: vscode.Uri; index?: number };
  if (node.kind === 'folder') return node.status?.folder;
  if (node.kind === 'migration' || node.kind === 'error' || node.kind === 'drift' || node.kind === 'drift-difference') return node.folder;
  if (node.uri instanceof vscode.Uri && typeof node.index === 'number') return node as vscode.WorkspaceFolder;
  return undefined;
}

export function isMigrationNode(arg: unknown): arg is Extract<Node, { kind: 'migration' }> {
  return typeof arg === 'object' && arg !== null && (arg as Node).kind === 'migration';
}
