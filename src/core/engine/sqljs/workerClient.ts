import * as path from 'path';
import { fork } from 'child_process';
import { Worker } from 'worker_threads';
import type { Result } from '../../model';
import type { TaskReply } from '../../run/protocol';
import type { Snapshot } from './snapshot';
import type { CheckRequest, FileToRead, ReviewRequest, SnapshotRequest, SqlJsRequest } from './task';
import type { Migration } from '../../model';
import type { MigrationReview } from '../../semver/breaking';
import { failWith, type ProblemCode } from '../../problems';

/**
 * Runs a task in a fresh worker thread and stops it after `timeLimitMs`: a migration that never
 * ends (an infinite recursive CTE) must not hang the editor or the CLI. The worker bundle sits
 * beside this code, both in dist/ and in the compiled tests.
 */
export function runInWorker(req: SqlJsRequest, timeLimitMs: number): Promise<TaskReply> {
  return inWorker<TaskReply>(req, req.bytes, timeLimitMs);
}

/** Opens a database file with sql.js in a worker and runs integrity_check, so the caller's thread never holds its bytes. */
export function checkInWorker(check: FileToRead, timeLimitMs: number): Promise<Result<{ sha256: string }>> {
  return inWorker<Result<{ sha256: string }>>({ check }, null, timeLimitMs);
}

/** The breaking-change review on a scratch database in a worker, so the editor's thread never runs the SQL. */
export function reviewInWorker(migrations: readonly Migration[], timeLimitMs: number): Promise<Result<MigrationReview[]>> {
  return inWorker<Result<MigrationReview[]>>({ review: migrations }, null, timeLimitMs);
}

/**
 * A backup: a child process reads the file consistently, writes the copy to `copyTo` and verifies it. A process,
 * not a thread: allocating and freeing the file's size several times over in a thread of the caller's process
 * stalls the caller's thread too (measured: 8 ms for 100 MB), and nothing needs to cross but a small answer.
 */
export function snapshotInWorker(snapshot: SnapshotRequest['snapshot'], timeLimitMs: number): Promise<Result<Snapshot>> {
  return inProcess<Result<Snapshot>>({ snapshot }, timeLimitMs);
}

function inProcess<R extends Result<unknown>>(req: SnapshotRequest, timeLimitMs: number): Promise<R> {
  return new Promise((resolve) => {
    // In desktop VS Code, fork runs Electron as plain Node, as for the native engine.
    const child = fork(path.join(__dirname, 'worker.js'), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    let settled = false;
    const finish = (reply: R) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      resolve(reply);
    };
    const timer = setTimeout(() => finish(failure('time-limit', timeLimitMessage(timeLimitMs))), timeLimitMs);
    child.once('message', (reply: R) => finish(reply));
    child.once('error', (e) => finish(failure('worker-error', workerErrorMessage(e, undefined))));
    // 'close', not 'exit': it comes after the IPC channel delivered the answer.
    child.once('close', (code, signal) => {
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      finish(failure('worker-exit', `The backup process stopped unexpectedly (${why}${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}); the database file was not changed.`));
    });
    child.send(req);
  });
}

function inWorker<R extends Result<unknown>>(req: SqlJsRequest | CheckRequest | SnapshotRequest | ReviewRequest, bytes: Uint8Array | null, timeLimitMs: number): Promise<R> {
  return new Promise((resolve) => {
    // The JavaScript heap is capped here; SQLite's own allocations inside sql.js by hard_heap_limit in the worker.
    const limit = 'memoryLimitMB' in req ? req.memoryLimitMB : undefined;
    const worker = new Worker(path.join(__dirname, 'worker.js'), limit ? { resourceLimits: { maxOldGenerationSizeMb: limit } } : {});
    let settled = false;
    const finish = (reply: R) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(reply);
    };
    const timer = setTimeout(() => finish(failure('time-limit', timeLimitMessage(timeLimitMs))), timeLimitMs);
    worker.once('message', (reply: R) => finish(reply));
    worker.once('error', (e) => finish(failure('worker-error', workerErrorMessage(e, limit))));
    worker.once('exit', (code) => finish(failure('worker-exit', `The migration worker stopped unexpectedly (exit code ${code}); the database file was not changed.`)));
    worker.postMessage(req, transferable(bytes));
  });
}

/** Hands a large database to the worker without copying it; a view into a shared pool is copied instead. */
function transferable(bytes: Uint8Array | null): ArrayBuffer[] {
  if (!bytes || bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) return [];
  return [bytes.buffer as ArrayBuffer];
}

function timeLimitMessage(ms: number): string {
  return `The operation did not finish within ${ms / 1000} s and was stopped; the database file was not changed. ` +
    'If it legitimately needs longer, raise sqliteMigrations.timeLimitSeconds (CLI: --time-limit SECONDS).';
}

function workerErrorMessage(e: Error, limitMB: number | undefined): string {
  const oom = /memory|allocation|Aborted/i.test(e.message) || (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
  const why = oom ? `it ran out of memory (sql.js holds the whole database in memory${limitMB ? `; the limit is ${limitMB} MB` : ''})` : e.message;
  const fix = oom ? ' If it legitimately needs more, raise sqliteMigrations.memoryLimitMB (CLI: --memory-limit MB).' : '';
  return `The migration worker failed: ${why}; the database file was not changed.${fix}`;
}

function failure<R>(code: ProblemCode, message: string): R {
  return failWith(code, message) as R;
}
