import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SqliteMigrationsApi } from '../../src/extension';
import type { MigrationState } from '../../src/core/ledger/status';

export const EXTENSION_ID = 'sqlite-migrations.sqlite-migrations';

export async function api(): Promise<SqliteMigrationsApi> {
  const extension = vscode.extensions.getExtension<SqliteMigrationsApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

export function folder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  if (!f) throw new Error('no workspace folder open');
  return f;
}

export function inWorkspace(...parts: string[]): string {
  return path.join(folder().uri.fsPath, ...parts);
}

export const dbPath = () => inWorkspace('data', 'app.db');

/** Puts the fixture workspace back as the harness copied it: no database, no backups, no extra migrations. */
export async function resetWorkspace(extraFiles: string[] = []): Promise<void> {
  // Unsaved edits a test left are thrown away, not carried into the next test (the write commands save them).
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  fs.rmSync(inWorkspace('data'), { recursive: true, force: true });
  for (const f of extraFiles) fs.rmSync(inWorkspace(f), { force: true });
  (await api()).model.invalidate();
}

export async function states(): Promise<MigrationState[]> {
  const [status] = await (await api()).model.folders();
  return [...status.states];
}

export async function statusList(): Promise<string[]> {
  return (await states()).map((s) => `${s.name}:${s.status}`);
}

/** Waits until `check` passes, for things VS Code reports asynchronously (diagnostics, watchers). */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}: ${last instanceof Error ? last.message : String(last)}`);
}
