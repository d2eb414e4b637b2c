import * as path from 'path';
import * as vscode from 'vscode';
import type { MigrationsModel } from './model';
import { KeyedDebouncer } from './debounce';
import { folderConfig } from './settings';

/** One watcher per folder for its migrations and its database file, debounced, re-made when settings change. */
export class FolderWatchers implements vscode.Disposable {
  private readonly watchers = new Map<string, vscode.Disposable[]>();
  private readonly debounce: KeyedDebouncer<string>;

  constructor(private readonly model: MigrationsModel, delayMs = 300) {
    this.debounce = new KeyedDebouncer(delayMs);
  }

  reset(): void {
    this.disposeWatchers();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const config = folderConfig(folder);
      if (!config.ok) continue;
      const onChange = () => this.schedule(folder);
      const dbDir = path.dirname(config.value.databaseFile);
      const dbName = path.basename(config.value.databaseFile);
      // The -wal too: a WAL database's commits land there and leave the main file untouched. Not the -shm,
      // which changes on every read and would make each refresh trigger the next.
      const patterns = [
        // Subfolders too: Diesel keeps each migration (up.sql, down.sql, test.sql) in a folder of its own.
        new vscode.RelativePattern(config.value.migrationsFolder, '**/*.sql'),
        new vscode.RelativePattern(dbDir, dbName),
        new vscode.RelativePattern(dbDir, `${dbName}-wal`),
      ];
      const disposables = patterns.flatMap((pattern) => {
        const w = vscode.workspace.createFileSystemWatcher(pattern);
        return [w, w.onDidChange(onChange), w.onDidCreate(onChange), w.onDidDelete(onChange)];
      });
      this.watchers.set(folder.uri.toString(), disposables);
    }
  }

  private schedule(folder: vscode.WorkspaceFolder): void {
    this.debounce.trigger(folder.uri.toString(), () => this.model.invalidate(folder));
  }

  private disposeWatchers(): void {
    for (const list of this.watchers.values()) for (const d of list) d.dispose();
    this.watchers.clear();
  }

  dispose(): void {
    this.debounce.dispose();
    this.disposeWatchers();
  }
}
