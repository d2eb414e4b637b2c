import { createBackup, type BackupInfo } from './engine/backups';
import { discoverMigrations, type Catalog, type ChecksumCache } from './migrations/catalog';
import type { EngineConfig } from './config';
import { readDatabaseFile, replaceDatabaseFile, sweepStaleTemps, type DatabaseRead, type WriteStep } from './engine/sqljs/dbfile';
import { checkSidecars } from './engine/sqljs/sidecars';
import { statesFromLedger } from './ledger/status';
import type { LedgerCache } from './ledger/cache';
import { fail, ok, type Problem, type Result } from './model';
import type { DownOptions, Task, TaskResponse, UpOptions } from './run/protocol';
import { runInWorker } from './engine/sqljs/workerClient';

/** What an operation did, for the CLI and the extension to show. */
export interface OperationResult extends TaskResponse {
  readonly catalog: Catalog;
  /** True when the database file was replaced. */
  readonly written: boolean;
  readonly backup?: BackupInfo;
}

export interface OperationOptions {
  readonly now?: () => Date;
  readonly cache?: ChecksumCache;
  /** Lets a status refresh skip reading a database file that has not changed since the last one. */
  readonly ledgerCache?: LedgerCache;
  /** Called at each step of the atomic write; the CLI's crash tests pause here. */
  readonly onWriteStep?: (step: WriteStep) => Promise<void> | void;
}

export type OperationOutcome = Result<OperationResult, Problem[]>;

export function status(config: EngineConfig, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'status' }, options);
}

export function verify(config: EngineConfig, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'verify' }, options);
}

export function migrateUp(config: EngineConfig, up: UpOptions, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'up', options: up }, options);
}

export function migrateDown(config: EngineConfig, down: DownOptions, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'down', options: down }, options);
}

export function dryRunUp(config: EngineConfig, up: UpOptions, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'dry-run', direction: 'up', options: up }, options);
}

export function dryRunDown(config: EngineConfig, down: DownOptions, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'dry-run', direction: 'down', options: down }, options);
}

export function appliedSql(config: EngineConfig, version: string, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'applied-sql', version }, options);
}

/** Like Flyway's repair: the ledger takes the applied file's current checksum and text. */
export function acceptChecksum(config: EngineConfig, version: string, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'accept-checksum', version }, options);
}

const WRITES = new Set<Task['kind']>(['up', 'down', 'accept-checksum']);

/**
 * The one path every operation takes: discover, read the file (sidecars and size checked),
 * run sql.js in a worker, then, when the worker returns verified bytes, back up and replace atomically.
 */
async function run(config: EngineConfig, task: Task, options: OperationOptions): Promise<OperationOutcome> {
  const writes = WRITES.has(task.kind);
  const catalog = await discoverMigrations(config.migrationsFolder, options.cache);
  const blocking = catalog.problems.filter((p) => p.severity === 'error');
  if (writes && blocking.length) {
    return fail(blocking);
  }
  if (task.kind === 'status' && options.ledgerCache) {
    const cached = await cachedStatus(catalog, options.ledgerCache, config.databaseFile);
    if (cached) return cached;
  }
  const notes: Problem[] = writes ? await sweepNotes(config.databaseFile) : [];
  const read = await readDatabaseFile(config.databaseFile, { maxBytes: config.maxDatabaseBytes });
  if (!read.ok) return fail([read.error]);
  if (!read.value.snapshot.exists && task.kind === 'down') {
    return fail([{ code: 'no-database', severity: 'error', file: config.databaseFile, message: `${config.databaseFile} does not exist: there is nothing to roll back.` }]);
  }
  const now = options.now ?? (() => new Date());
  const reply = await runInWorker({ task, bytes: read.value.bytes, migrations: catalog.migrations, nowMs: now().getTime() }, config.timeLimitMs);
  if (!reply.ok) return fail([reply.error]);
  if (reply.value.ledger) options.ledgerCache?.remember(read.value.snapshot, reply.value.ledger);
  const response = { ...reply.value, notes: [...notes, ...missingFileNote(read.value, config, writes && Boolean(reply.value.bytes)), ...reply.value.notes] };
  if (!writes || !reply.value.bytes) {
    return ok({ ...response, catalog, written: false });
  }
  return write(config, read.value, reply.value.bytes, now, options, { ...response, catalog, written: true });
}

async function write(
  config: EngineConfig,
  read: DatabaseRead,
  bytes: Uint8Array,
  now: () => Date,
  options: OperationOptions,
  result: OperationResult,
): Promise<OperationOutcome> {
  let backup: BackupInfo | undefined;
  if (read.snapshot.exists) {
    const made = await createBackup(read.snapshot.realPath, {
      folder: config.backupsFolder,
      retention: config.backupRetention,
      now,
      maxBytes: config.maxDatabaseBytes,
      checkedSha256: read.snapshot.sha256,
    });
    if (!made.ok) return fail([made.error]);
    backup = made.value;
  }
  const replaced = await replaceDatabaseFile(read, bytes, { onStep: options.onWriteStep });
  if (!replaced.ok) return fail([replaced.error]);
  const notes = replaced.value.notes.map((message): Problem => ({ code: 'write-note', severity: 'info', message, file: read.snapshot.realPath }));
  return ok({ ...result, backup, notes: [...result.notes, ...notes] });
}

/** Status from the remembered ledger, when the database file is still the one it was read from. */
async function cachedStatus(catalog: Catalog, cache: LedgerCache, dbPath: string): Promise<OperationOutcome | undefined> {
  const hit = await cache.lookup(dbPath);
  if (!hit) return undefined;
  const sidecars = await checkSidecars(hit.realPath);
  if (!sidecars.ok) return fail([sidecars.error]);
  const states = statesFromLedger(catalog.migrations, hit.ledger);
  return ok({ states, outcomes: [], notes: [], catalog, written: false });
}

async function sweepNotes(dbPath: string): Promise<Problem[]> {
  const removed = await sweepStaleTemps(dbPath);
  return removed.map((file) => ({
    code: 'stale-temp',
    severity: 'info' as const,
    file,
    message: `Removed ${file}, a temporary file left by an earlier run that was interrupted; the database itself was not affected.`,
  }));
}

function missingFileNote(read: DatabaseRead, config: EngineConfig, creates: boolean): Problem[] {
  if (read.snapshot.exists) return [];
  const message = creates
    ? `${config.databaseFile} did not exist; it is created by this operation.`
    : `${config.databaseFile} does not exist yet; it is created by the first "up".`;
  return [{ code: 'no-database', severity: 'info', file: config.databaseFile, message }];
}
