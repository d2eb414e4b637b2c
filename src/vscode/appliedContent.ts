import * as vscode from 'vscode';
import type { MigrationsModel } from './model';

export const APPLIED_SCHEME = 'sqlite-migrations-applied';

/** Serves the up SQL stored at apply time, so "Compare with Applied" can diff it against the file. */
export class AppliedContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly model: MigrationsModel) {}

  static uriFor(file: vscode.Uri, version: string): vscode.Uri {
    return file.with({ scheme: APPLIED_SCHEME, query: new URLSearchParams({ version }).toString() });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const version = new URLSearchParams(uri.query).get('version') ?? '';
    const folder = vscode.workspace.getWorkspaceFolder(uri.with({ scheme: 'file', query: '' }));
    if (!folder) return '';
    const applied = await this.model.appliedSql(folder, version);
    return applied?.upSql ?? `-- The text applied as version ${version} was not recorded (it was applied before SQLite Migrations stored applied texts).\n`;
  }
}
