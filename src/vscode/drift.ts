import * as fs from 'fs/promises';
import * as vscode from 'vscode';
import * as engine from '../core/engine';
import type { SchemaComparison } from '../core/schema/applied';
import type { FolderStatus, MigrationsModel } from './model';

/** A folder whose database's schema differs from what its applied migrations produce. */
export interface FolderDrift {
  readonly folder: vscode.WorkspaceFolder;
  readonly databaseFile: string;
  readonly comparison: SchemaComparison;
}

/** What the tree and the status bar read: the drift last found, and when that changes. */
export interface DriftSource {
  forFolder(folder: vscode.WorkspaceFolder): FolderDrift | undefined;
  readonly onDidChange: vscode.Event<void>;
}

interface Found {
  /** The database file's identity and the applied migrations' checksums the comparison was made for. */
  readonly key: string;
  readonly drift: FolderDrift | undefined;
}

/**
 * Drift in the editor. Finding it replays the applied migrations, so it never runs inside a refresh: after each one,
 * the status already read tells which folders have applied migrations, and the replay runs in the engine's worker or
 * child (a query in the folder's queue). It is redone only when the database file (size, modification time, WAL) or
 * the applied migrations (their checksums) changed since, so a refresh that changed nothing costs a stat.
 */
export class SchemaDriftWatch implements DriftSource, vscode.Disposable {
  private readonly found = new Map<string, Found>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly model: MigrationsModel) {
    this.subscription = model.onDidChange(() => this.schedule());
  }

  forFolder(folder: vscode.WorkspaceFolder): FolderDrift | undefined {
    return this.found.get(folder.uri.toString())?.drift;
  }

  /** Resolves once the checks started so far have ended (the integration tests wait on it). */
  settled(): Promise<void> {
    return this.pending;
  }

  /** The drift now, computed again whatever the cache holds: for the commands that act on it. */
  async current(folder: vscode.WorkspaceFolder): Promise<FolderDrift | undefined> {
    await this.pending;
    return this.compare(await this.model.folderStatus(folder));
  }

  /** One check after another, each after the refresh that started it has read the status. */
  private schedule(): void {
    this.pending = this.pending.then(() => this.checkAll()).catch(() => undefined);
  }

  private async checkAll(): Promise<void> {
    let changed = false;
    for (const status of await this.model.folders()) {
      const id = status.folder.uri.toString();
      const before = this.found.get(id);
      const key = await identity(status);
      if (before && key !== undefined && before.key === key) continue;
      const drift = key === undefined ? undefined : await this.compare(status);
      if (key === undefined) this.found.delete(id);
      else this.found.set(id, { key, drift });
      changed ||= differences(before?.drift) !== differences(drift);
    }
    if (changed) this.changed.fire();
  }

  private async compare(status: FolderStatus): Promise<FolderDrift | undefined> {
    if (!status.config || !vscode.workspace.isTrusted) return undefined;
    const result = await this.model.query(status.folder, (config, options) => engine.drift(config, options));
    const comparison = result.ok ? result.value.drift : undefined;
    if (!comparison || comparison.differences.length === 0) return undefined;
    return { folder: status.folder, databaseFile: status.config.databaseFile, comparison };
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/**
 * What the comparison depends on, or undefined when there is nothing to compare: no readable status, an untrusted
 * workspace (the replay runs the workspace's SQL), no applied migration, no database file.
 */
async function identity(status: FolderStatus): Promise<string | undefined> {
  if (!status.config || status.errors.length || !vscode.workspace.isTrusted) return undefined;
  const applied = status.states.filter((s) => s.row?.status === 'applied');
  if (!applied.length) return undefined;
  const file = status.config.databaseFile;
  const db = await fs.stat(file).catch(() => undefined);
  if (!db) return undefined;
  const wal = await fs.stat(`${file}-wal`).catch(() => undefined);
  const files = [db, wal].map((s) => (s ? `${s.size}:${s.mtimeMs}` : '-')).join('/');
  const checksums = applied.map((s) => `${s.version}=${s.row?.checksum ?? ''}/${s.migration?.checksum ?? ''}`).join(',');
  return `${status.engine ?? ''}|${files}|${checksums}`;
}

function differences(drift: FolderDrift | undefined): string {
  return drift ? drift.comparison.differences.join('\n') : '';
}
