import * as fs from 'fs';
import * as path from 'path';
import type * as vscode from 'vscode';

/** A workspace's own `migrations-template/` wins over the one shipped with the extension, for each template `file`. */
export function templateFolder(folder: vscode.WorkspaceFolder, extensionUri: vscode.Uri, file = 'up.sql'): string {
  const own = path.join(folder.uri.fsPath, 'migrations-template');
  return fs.existsSync(path.join(own, file)) ? own : path.join(extensionUri.fsPath, 'migrations-template');
}
