// The sql.js way to the file: read the whole file (sidecars refused), run the task in a worker thread,
// and when the worker returns verified bytes, back up the bytes read and replace the file atomically.
import * as fsp from 'fs/promises';
import * as path from 'path';
import type { EngineConfig } from '../../config';
import { fail, ok, type Migration, type Problem, type Result } from '../../model';
import type { LedgerCache } from '../../ledger/cache';
import { changesDatabase, needsNoDatabase, type Task, type TaskResponse } from '../../run/protocol';
import type { BackupInfo, CreatedBackup } from '../backups';
import { createBackup, restoreBackup } from './backups';
import { readDatabaseFile, replaceDatabaseFile, sweepStaleTemps, type DatabaseRead, type WriteStep } from './dbfile';
import { missingDatabaseNote, needsDatabase, noDatabase, ownerChangeRefused, writeDenied } from '../dbpath';
import { checkNoHolders } from './holders';
import { findLitestreamFolder, folderEvidence, replicatedRefusal } from '../litestream';
import { acquireRunLock, LOCK_SUFFIX } from './lock';
import { runInWorker } from './workerClient';
import { problem, type ProblemCode } from '../../problems';

export interface SqlJsRunOptions {
  readonly now: () => Date;
  readonly ledgerCache?: LedgerCache;
  /** Called at each step of the atomic write; the CLI's crash tests pause here. */
  readonly onWriteStep?: (step: WriteStep) => Promise<void> | void;
}

export interface SqlJsRun extends TaskResponse {
  readonly written: boolean;
  readonly backup?: CreatedBackup;
}

export async function runSqlJs(config: EngineConfig, task: Task, migrations: readonly Migration[], options: SqlJsRunOptions): Promise<Result<SqlJsRun, Problem[]>> {
  if (needsNoDatabase(task)) {
    const reply = await runInWorker({ task, bytes: null, migrations, nowMs: options.now().getTime(), memoryLimitMB: config.memoryLimitMB }, config.timeLimitMs);
    return reply.ok ? ok({ ...reply.value, written: false }) : fail([reply.error]);
  }
  if (!changesDatabase(task)) return readInWorker(config, task, migrations, options);
  return whileLocked(config, options.now, (lockNotes) => readAndRun(config, task, migrations, options, lockNotes));
}

/**
 * The way into any replacement of the file: this user may write it, no other program has it open, and
 * our run lock is held until `work` ends. `work` hears of a stale lock that was removed on the way in.
 */
async function whileLocked<T>(config: EngineConfig, now: () => Date, work: (lockNotes: Problem[]) => Promise<Result<T, Problem[]>>): Promise<Result<T, Problem[]>> {
  const realPath = await fsp.realpath(config.databaseFile).catch(() => path.resolve(config.databaseFile));
  const st = await fsp.stat(realPath).catch(() => undefined);
  const denied = (await writeDenied(realPath, Boolean(st))) ?? (st ? ownerChangeRefused(realPath, st) : undefined);
  if (denied) return fail([denied]);
  const replica = await findLitestreamFolder(realPath);
  if (replica) return fail([replicatedRefusal(realPath, folderEvidence(replica))]);
  const holders = await checkNoHolders(realPath);
  if (!holders.ok) return fail([holders.error]);
  const lock = await acquireRunLock(realPath, config.busyTimeoutMs, now);
  if (!lock.ok) return fail([lock.error]);
  try {
    return await work(lock.value.note ? [note('stale-lock', lock.value.note, realPath + LOCK_SUFFIX)] : []);
  } finally {
    await lock.value.release();
  }
}

/** Work that never writes the file (status, verify, dry run): the worker reads it, so this thread never holds its bytes. */
async function readInWorker(config: EngineConfig, task: Task, migrations: readonly Migration[], options: SqlJsRunOptions): Promise<Result<SqlJsRun, Problem[]>> {
  const cacheKey = task.kind === 'status' ? await options.ledgerCache?.keyOf(config.databaseFile) : undefined;
  const read = { file: config.databaseFile, maxBytes: config.maxDatabaseBytes };
  const reply = await runInWorker({ task, bytes: null, read, migrations, nowMs: options.now().getTime() }, config.timeLimitMs);
  if (!reply.ok) return fail([reply.error]);
  if (reply.value.ledger) options.ledgerCache?.remember(cacheKey, reply.value.ledger);
  return ok({ ...reply.value, written: false });
}

/** A write: the bytes are read here, under the run lock, so the ones backed up and compared are the ones migrated. */
async function readAndRun(config: EngineConfig, task: Task, migrations: readonly Migration[], options: SqlJsRunOptions, lockNotes: Problem[]): Promise<Result<SqlJsRun, Problem[]>> {
  const notes: Problem[] = [...lockNotes, ...(await sweepNotes(config.databaseFile))];
  const read = await readDatabaseFile(config.databaseFile, { maxBytes: config.maxDatabaseBytes });
  if (!read.ok) return fail([read.error]);
  if (!read.value.snapshot.exists && needsDatabase(task.kind)) {
    return fail([noDatabase(config.databaseFile, task.kind)]);
  }
  const request = { task, bytes: read.value.bytes, migrations, nowMs: options.now().getTime(), memoryLimitMB: config.memoryLimitMB, replaces: read.value.snapshot.realPath };
  const reply = await runInWorker(request, config.timeLimitMs);
  if (!reply.ok) return fail([reply.error]);
  const response = { ...reply.value, notes: [...notes, ...missingFileNote(read.value, config, Boolean(reply.value.bytes)), ...reply.value.notes] };
  if (!reply.value.bytes) {
    return ok({ ...response, written: false });
  }
  return write(config, read.value, reply.value.bytes, options, response);
}

async function write(config: EngineConfig, read: DatabaseRead, bytes: Uint8Array, options: SqlJsRunOptions, response: TaskResponse): Promise<Result<SqlJsRun, Problem[]>> {
  let backup: CreatedBackup | undefined;
  if (read.snapshot.exists && !response.unbackedUp) {
    const made = await createBackup(read.snapshot.realPath, {
      folder: config.backupsFolder,
      retention: config.backupRetention,
      now: options.now,
      maxBytes: config.maxDatabaseBytes,
      timeLimitMs: config.timeLimitMs,
      checkedSha256: read.snapshot.sha256,
    });
    if (!made.ok) return fail([made.error]);
    backup = made.value;
  }
  const replaced = await replaceDatabaseFile(read, bytes, { onStep: options.onWriteStep });
  if (!replaced.ok) return fail([replaced.error]);
  const notes = replaced.value.notes.map((message): Problem => (problem('write-note', message, { severity: 'info', file: read.snapshot.realPath })));
  return ok({ ...response, bytes: undefined, written: true, backup, notes: [...response.notes, ...notes] });
}

async function sweepNotes(dbPath: string): Promise<Problem[]> {
  const removed = await sweepStaleTemps(dbPath);
  return removed.map((file) => note('stale-temp', `Removed ${file}, a temporary file left by an earlier run that was interrupted; the database itself was not affected.`, file));
}

function note(code: ProblemCode, message: string, file: string): Problem {
  return problem(code, message, { severity: 'info', file });
}

function missingFileNote(read: DatabaseRead, config: EngineConfig, creates: boolean): Problem[] {
  return read.snapshot.exists ? [] : [missingDatabaseNote(config.databaseFile, creates)];
}

/**
 * A backup now: the file's bytes, read with the same refusals as a migration until two reads agree,
 * verified with sql.js. Our own runs are kept out by the run lock, where this user may take it.
 */
export async function backupSqlJs(config: EngineConfig, now: () => Date): Promise<Result<CreatedBackup>> {
  const make = () => createBackup(config.databaseFile, { folder: config.backupsFolder, retention: config.backupRetention, now, maxBytes: config.maxDatabaseBytes, timeLimitMs: config.timeLimitMs });
  const realPath = await fsp.realpath(config.databaseFile).catch(() => path.resolve(config.databaseFile));
  if (!(await fsp.stat(realPath).then((s) => s.isFile(), () => false)) || (await writeDenied(realPath, true))) return make();
  const lock = await acquireRunLock(realPath, config.busyTimeoutMs, now);
  if (!lock.ok) return lock;
  try {
    return await make();
  } finally {
    await lock.value.release();
  }
}

/** Replaces the file with a backup, atomically, under the run lock; the current file is backed up first. */
export function restoreSqlJs(config: EngineConfig, backupFile: string, now: () => Date): Promise<Result<{ safetyBackup: BackupInfo | null; notes: string[] }, Problem[]>> {
  return whileLocked(config, now, async () => {
    const restored = await restoreBackup(config.databaseFile, backupFile, { folder: config.backupsFolder, retention: config.backupRetention, now, maxBytes: config.maxDatabaseBytes, timeLimitMs: config.timeLimitMs });
    return restored.ok ? restored : fail([restored.error]);
  });
}
