// The native way to the file: check the path and its first bytes, then hand the task to a child process
// that opens the file with node:sqlite. No whole-file reads, no hashes, no temp files, no renames.
import { constants as fsc } from 'fs';
import * as fsp from 'fs/promises';
import * as path from 'path';
import type { EngineConfig } from '../../config';
import type { LedgerCache } from '../../ledger/cache';
import { fail, ok, type Migration, type Problem, type Result } from '../../model';
import { changesDatabase, needsNoDatabase, type Task, type TaskResponse } from '../../run/protocol';
import type { MigrationOutcome } from '../../run/runner';
import { noSuchBackup, nothingToBackUp, type BackupInfo, type CreatedBackup } from '../backups';
import { inspectFormat } from '../dbheader';
import { missingDatabaseNote, needsDatabase, noDatabase, resolveDatabaseFile, writeDenied } from '../dbpath';
import { NativeChild } from './host';
import type { FromChild } from './messages';
import type { NativeRequest } from './task';
import { problem, type ProblemCode } from '../../problems';

export interface NativeRunOptions {
  readonly now: () => Date;
  readonly ledgerCache?: LedgerCache;
  /** A child already started (and probed) by the engine choice; otherwise one is started here. */
  readonly child?: NativeChild;
}

export interface NativeRun extends TaskResponse {
  readonly written: boolean;
  readonly backup?: CreatedBackup;
}

/** Above this, the check after a write is quick_check: SQLite wrote the pages itself. */
const QUICK_CHECK_ABOVE = 64 * 1024 * 1024;

export async function runNative(config: EngineConfig, task: Task, migrations: readonly Migration[], options: NativeRunOptions): Promise<Result<NativeRun, Problem[]>> {
  return owningChild(options, () => runTaskNative(config, task, migrations, options));
}

async function runTaskNative(config: EngineConfig, task: Task, migrations: readonly Migration[], options: NativeRunOptions): Promise<Result<NativeRun, Problem[]>> {
  // Describing the engine and testing the migrations need no database, and must work even when the file is unusable.
  const target = needsNoDatabase(task) ? ok({ realPath: ':memory:', existed: false, mode: 0o600 }) : await inspectTarget(config.databaseFile, changesDatabase(task));
  if (!target.ok) return fail([target.error]);
  if (!target.value.existed && needsDatabase(task.kind)) {
    return fail([noDatabase(config.databaseFile, task.kind)]);
  }
  const cacheKey = task.kind === 'status' ? await options.ledgerCache?.keyOf(config.databaseFile) : undefined;
  const request = nativeRequest(config, task, migrations, target.value, options.now);
  const ended = await inChild(options.child, { type: 'task', request }, config);
  if (!ended.ok) return ended;
  if (ended.value.type !== 'reply') return fail([unexpected(ended.value)]);
  const reply = ended.value.reply;
  if (!reply.ok) return fail([reply.error]);
  if (reply.value.ledger) options.ledgerCache?.remember(cacheKey, reply.value.ledger);
  const notes = target.value.existed || needsNoDatabase(task) ? reply.value.notes : [missingDatabaseNote(config.databaseFile, Boolean(reply.value.changed)), ...reply.value.notes];
  return ok({ ...reply.value, notes, written: Boolean(reply.value.changed) });
}

/** A child handed over by the engine choice is this operation's to end, on every path, or it keeps its parent alive. */
async function owningChild<T>(options: NativeRunOptions, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    options.child?.dispose();
  }
}

/** Starts (or takes) a child, sends it one message and turns every way it can end into a value. */
export async function inChild(given: NativeChild | undefined, message: Parameters<NativeChild['request']>[0], config: EngineConfig): Promise<Result<FromChild, Problem[]>> {
  const child = given ?? new NativeChild();
  const finished: MigrationOutcome[] = [];
  try {
    const probe = await child.probe();
    if (!probe.available) return fail([unavailable(probe.reason)]);
    const end = await child.request(message, config.timeLimitMs, (o) => finished.push(o));
    if (end.kind === 'message') return ok(end.message);
    await child.stopped();
    if (message.type === 'task' && message.request.existed) await recoverJournal(message.request, config);
    const why: { code: ProblemCode; text: string; fix: string } = end.kind === 'time-limit'
      ? { code: 'time-limit', text: `The operation did not finish within ${config.timeLimitMs / 1000} s and was stopped`, fix: 'If it legitimately needs longer, raise sqliteMigrations.timeLimitSeconds (CLI: --time-limit SECONDS).' }
      : child.stoppedForMemory()
        ? { code: 'memory-limit', text: `The operation used more than the ${config.memoryLimitMB} MB memory limit and was stopped`, fix: 'If it legitimately needs more, raise sqliteMigrations.memoryLimitMB (CLI: --memory-limit MB).' }
        : { code: 'native-exit', text: `The native engine's process stopped unexpectedly (${end.detail})`, fix: '' };
    return fail([problem(why.code, `${why.text}; ${afterKill(finished)} ${why.fix}`.trim(), { file: config.databaseFile })]);
  } finally {
    child.dispose();
  }
}

/**
 * After a kill the journal of the interrupted transaction is "hot" until the next connection reads the
 * database; one read now rolls it back, so no other program has to and the file is settled at once.
 */
async function recoverJournal(request: NativeRequest, config: EngineConfig): Promise<void> {
  const child = new NativeChild();
  try {
    if ((await child.probe()).available) {
      await child.request({ type: 'task', request: { ...request, task: { kind: 'status' } } }, Math.max(config.timeLimitMs, 30_000));
    }
  } finally {
    child.dispose();
  }
}

/** What a kill leaves: SQLite's journal undoes the transaction that was open; the migrations that committed stay. */
function afterKill(finished: readonly MigrationOutcome[]): string {
  const committed = finished.filter((o) => o.ok).map((o) => o.name);
  const kept = committed.length ? `${committed.join(', ')} had completed and stay${committed.length === 1 ? 's' : ''} ${finished[0].direction === 'up' ? 'applied' : 'rolled back'}.` : 'no migration had completed.';
  return `the change that was running was rolled back by SQLite from its journal (the database file is as it was before that change); ${kept}`;
}

interface Target {
  readonly realPath: string;
  readonly existed: boolean;
  readonly mode: number;
  readonly owner?: { readonly uid: number; readonly gid: number };
}

/** The path leads to a regular SQLite file (or to nothing yet), and a task that writes may write it and its folder. */
async function inspectTarget(dbPath: string, writes: boolean): Promise<Result<Target>> {
  const abs = path.resolve(dbPath);
  try {
    const resolved = await resolveDatabaseFile(abs);
    if (!resolved.ok) return resolved;
    const { realPath, stat } = resolved.value;
    if (stat) {
      const head = await readHead(realPath);
      const format = inspectFormat(head, stat.size, realPath);
      if (!format.ok) return format;
    }
    if (writes) {
      const denied = await writeDenied(realPath, Boolean(stat));
      if (denied) return fail(denied);
    }
    return ok({ realPath, existed: Boolean(stat), mode: stat ? stat.mode & 0o7777 : 0o644, owner: stat ? { uid: stat.uid, gid: stat.gid } : undefined });
  } catch (e) {
    return fail(problem('db-unreadable', `Could not read ${abs}: ${(e as Error).message}`, { file: abs }));
  }
}

async function readHead(file: string): Promise<Uint8Array> {
  const fh = await fsp.open(file, fsc.O_RDONLY | (fsc.O_NONBLOCK ?? 0));
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(100), 0, 100, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export function unavailable(reason: string | undefined): Problem {
  return problem('native-unavailable', `The native engine is not available here: ${reason ?? 'unknown reason'}. Use the sql.js engine (setting sqliteMigrations.engine, CLI --engine sqljs).`);
}

function unexpected(message: FromChild): Problem {
  return problem('internal', `Internal error: the native engine answered "${message.type}" to a task.`);
}

/** A backup now, through SQLite (consistent even while other programs write). */
export function backupNative(config: EngineConfig, options: NativeRunOptions): Promise<Result<CreatedBackup, Problem[]>> {
  return owningChild(options, () => backupWithChild(config, options));
}

async function backupWithChild(config: EngineConfig, options: NativeRunOptions): Promise<Result<CreatedBackup, Problem[]>> {
  const target = await inspectTarget(config.databaseFile, false);
  if (!target.ok) return fail([target.error]);
  if (!target.value.existed) return fail([nothingToBackUp(target.value.realPath)]);
  const request = nativeRequest(config, { kind: 'status' }, [], target.value, options.now);
  const ended = await inChild(options.child, { type: 'backup', request }, config);
  if (!ended.ok) return ended;
  if (ended.value.type !== 'backup') return fail([unexpected(ended.value)]);
  return ended.value.result.ok ? ok(ended.value.result.value) : fail([ended.value.result.error]);
}

/** Restores a backup into the live file through SQLite's backup API, after backing up the current state. */
export function restoreNative(config: EngineConfig, backupFile: string, options: NativeRunOptions): Promise<Result<{ safetyBackup: BackupInfo | null; notes: string[] }, Problem[]>> {
  return owningChild(options, () => restoreWithChild(config, backupFile, options));
}

async function restoreWithChild(config: EngineConfig, backupFile: string, options: NativeRunOptions): Promise<Result<{ safetyBackup: BackupInfo | null; notes: string[] }, Problem[]>> {
  const target = await inspectTarget(config.databaseFile, true);
  if (!target.ok) return fail([target.error]);
  const source = await inspectTarget(backupFile, false);
  if (!source.ok) return fail([{ ...source.error, message: `Cannot restore: ${source.error.message}` }]);
  if (!source.value.existed) return fail([noSuchBackup(backupFile)]);
  const request = {
    file: target.value.realPath,
    mode: target.value.mode,
    owner: target.value.owner,
    backupFile: source.value.realPath,
    busyTimeoutMs: config.busyTimeoutMs,
    backups: { folder: config.backupsFolder, retention: config.backupRetention },
    nowMs: options.now().getTime(),
    memoryLimitMB: config.memoryLimitMB,
  };
  const ended = await inChild(options.child, { type: 'restore', request }, config);
  if (!ended.ok) return ended;
  if (ended.value.type !== 'restore') return fail([unexpected(ended.value)]);
  const result = ended.value.result;
  if (!result.ok) return fail([result.error]);
  const safety = result.value.safetyBackup;
  return ok({ safetyBackup: safety, notes: safety ? [`The current ${target.value.realPath} was backed up to ${safety.path} first.`] : [] });
}

function nativeRequest(config: EngineConfig, task: Task, migrations: readonly Migration[], target: Target, now: () => Date): NativeRequest {
  return {
    task,
    migrations,
    nowMs: now().getTime(),
    memoryLimitMB: config.memoryLimitMB,
    file: target.realPath,
    existed: target.existed,
    mode: target.mode,
    owner: target.owner,
    busyTimeoutMs: config.busyTimeoutMs,
    backups: { folder: config.backupsFolder, retention: config.backupRetention },
    quickCheckAboveBytes: QUICK_CHECK_ABOVE,
  };
}

