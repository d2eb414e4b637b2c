import * as fs from 'fs';
import * as path from 'path';
import type * as vscode from 'vscode';

/** A workspace's own `migrations-template/` wins over the one shipped with the extension. */
export function templateFolder(folder: vscode.WorkspaceFolder, extensionUri: vscode.Uri): string {
  const own = path.join(folder.uri.fsPath, 'migrations-template');
  return fs.existsSync(path.join(own, 'up.sql')) ? own : path.join(extensionUri.fsPath, 'migrations-template');
}
