import * as path from 'path';
import * as vscode from 'vscode';
import type { MigrationsModel } from './model';
import { folderConfig } from './settings';

/** One watcher per folder for its migrations and its database file, debounced, re-made when settings change. */
export class FolderWatchers implements vscode.Disposable {
  private readonly watchers = new Map<string, vscode.Disposable[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly model: MigrationsModel, private readonly delayMs = 300) {}

  reset(): void {
    this.disposeWatchers();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const config = folderConfig(folder);
      if (!config.ok) continue;
      const onChange = () => this.schedule(folder);
      const patterns = [
        new vscode.RelativePattern(config.value.migrationsFolder, '*.sql'),
        new vscode.RelativePattern(path.dirname(config.value.databaseFile), path.basename(config.value.databaseFile)),
      ];
      const disposables = patterns.flatMap((pattern) => {
        const w = vscode.workspace.createFileSystemWatcher(pattern);
        return [w, w.onDidChange(onChange), w.onDidCreate(onChange), w.onDidDelete(onChange)];
      });
      this.watchers.set(folder.uri.toString(), disposables);
    }
  }

  private schedule(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.model.invalidate(folder);
    }, this.delayMs));
  }

  private disposeWatchers(): void {
    for (const list of this.watchers.values()) for (const d of list) d.dispose();
    this.watchers.clear();
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.disposeWatchers();
  }
}
