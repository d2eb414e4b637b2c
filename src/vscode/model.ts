import * as vscode from 'vscode';
import { ChecksumCache } from '../core/migrations/catalog';
import type { EngineConfig } from '../core/config';
import * as engine from '../core/engine';
import { LedgerCache } from '../core/ledger/cache';
import { EngineChooser } from '../core/engine/choose';
import type { EngineName } from '../core/engine/connection';
import type { Problem, Result } from '../core/model';
import type { MigrationState } from '../core/ledger/status';
import { SerialQueue } from './queue';
import { folderConfig } from './settings';
import { problem } from '../core/problems';

/** What one workspace folder looks like now: its migrations, their status, and what is wrong. */
export interface FolderStatus {
  readonly folder: vscode.WorkspaceFolder;
  readonly config?: EngineConfig;
  readonly states: readonly MigrationState[];
  /** Problems with the migration files (names, headers, encodings). */
  readonly problems: readonly Problem[];
  /** Why the status could not be read (bad settings, sidecar files, a foreign ledger, ...). */
  readonly errors: readonly Problem[];
  /** The engine that read it. */
  readonly engine?: EngineName;
}

interface FolderEntry {
  readonly queue: SerialQueue;
  readonly cache: ChecksumCache;
  readonly ledgerCache: LedgerCache;
  status?: Promise<FolderStatus>;
  /** The last read error's message, so the log hears it once, not on every refresh. */
  lastError?: string;
  applied: Map<string, Promise<{ upSql: string; downSql: string | null } | undefined>>;
}

export const UNTRUSTED: Problem = problem('untrusted', 'This workspace is not trusted: SQLite Migrations runs SQL from workspace files, so it only shows status until you trust the workspace.');

export type Operation<T = engine.OperationOutcome> = (config: EngineConfig, options: engine.OperationOptions) => Promise<T>;

/**
 * The one stateful object: caches each folder's status, runs database operations one at a time
 * per folder, and tells the tree, status bar and diagnostics when anything changed.
 */
export class MigrationsModel implements vscode.Disposable {
  private readonly entries = new Map<string, FolderEntry>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Remembers, for the session, that this extension host has no native engine. */
  readonly engines = new EngineChooser();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly now: () => Date = () => new Date(),
    /** Told once when a folder's status read fails with a new message (the log). */
    private readonly onReadError: (problem: Problem) => void = () => undefined,
  ) {}

  /** Every workspace folder's status; a folder is read only when asked for, and then cached. */
  async folders(): Promise<FolderStatus[]> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    return Promise.all(folders.map((f) => this.folderStatus(f)));
  }

  /** A failed read is shown (the tree's error item, the status bar) but never kept: the next call reads again. */
  folderStatus(folder: vscode.WorkspaceFolder): Promise<FolderStatus> {
    const entry = this.entry(folder);
    if (entry.status) return entry.status;
    const reading = entry.queue.run(() => this.readStatus(folder, entry));
    entry.status = reading;
    void reading.then((status) => {
      if (status.errors.length === 0) {
        entry.lastError = undefined;
        return;
      }
      if (entry.status === reading) entry.status = undefined;
      if (status.errors[0].message !== entry.lastError) this.onReadError(status.errors[0]);
      entry.lastError = status.errors[0].message;
    });
    return reading;
  }

  /** Forgets cached status (one folder, or all) and tells listeners to read again. */
  invalidate(folder?: vscode.WorkspaceFolder): void {
    const entries = folder ? [this.entry(folder)] : [...this.entries.values()];
    for (const entry of entries) {
      entry.status = undefined;
      entry.applied.clear();
    }
    this.changed.fire();
  }

  /** The up and down text stored when `version` was applied, for revert and diff. */
  appliedSql(folder: vscode.WorkspaceFolder, version: string): Promise<{ upSql: string; downSql: string | null } | undefined> {
    const entry = this.entry(folder);
    let pending = entry.applied.get(version);
    if (!pending) {
      pending = this.query(folder, (config, options) => engine.appliedSql(config, version, options)).then((r) =>
        r.ok ? r.value.appliedSql : undefined,
      );
      entry.applied.set(version, pending);
    }
    return pending;
  }

  /** Runs an operation that may change the database; refused in an untrusted workspace. */
  async write<T>(folder: vscode.WorkspaceFolder, operation: Operation<Result<T, Problem[]>>): Promise<Result<T, Problem[]>> {
    if (!vscode.workspace.isTrusted) return { ok: false, error: [UNTRUSTED] };
    try {
      return await this.query(folder, operation);
    } finally {
      this.invalidate(folder);
    }
  }

  /** Runs an operation that does not change the database, in turn with the writes. */
  query<T>(folder: vscode.WorkspaceFolder, operation: Operation<Result<T, Problem[]>>): Promise<Result<T, Problem[]>> {
    const entry = this.entry(folder);
    return entry.queue.run(async () => {
      const config = folderConfig(folder);
      if (!config.ok) return { ok: false as const, error: [config.error] };
      return operation(config.value, { cache: entry.cache, now: this.now, engines: this.engines });
    });
  }

  /** The error boundary between the view and the core: whatever happens, a status comes back. */
  private async readStatus(folder: vscode.WorkspaceFolder, entry: FolderEntry): Promise<FolderStatus> {
    try {
      return await this.readStatusOnce(folder, entry);
    } catch (e) {
      const message = `Could not read the migrations' status: ${e instanceof Error ? e.message : String(e)}`;
      return { folder, states: [], problems: [], errors: [problem('internal', message)] };
    }
  }

  private async readStatusOnce(folder: vscode.WorkspaceFolder, entry: FolderEntry): Promise<FolderStatus> {
    const config = folderConfig(folder);
    if (!config.ok) return { folder, states: [], problems: [], errors: [config.error] };
    const result = await engine.status(config.value, { cache: entry.cache, ledgerCache: entry.ledgerCache, now: this.now, engines: this.engines });
    if (!result.ok) {
      return { folder, config: config.value, states: [], problems: [], errors: result.error, engine: result.engine };
    }
    const { states, catalog, engine: engineName } = result.value;
    return { folder, config: config.value, states, problems: catalog.problems, errors: [], engine: engineName };
  }

  private entry(folder: vscode.WorkspaceFolder): FolderEntry {
    const key = folder.uri.toString();
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { queue: new SerialQueue(), cache: new ChecksumCache(), ledgerCache: new LedgerCache(), applied: new Map() };
      this.entries.set(key, entry);
    }
    return entry;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
