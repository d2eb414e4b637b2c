// Entry point of the worker (bundled as dist/worker.js): one request in, one reply out. Everything here is
// O(database size), which is why it runs here and not on the caller's thread.
import { parentPort } from 'worker_threads';
import { missingDatabaseNote } from '../dbpath';
import { fail, ok, type Result } from '../../model';
import type { TaskReply } from '../../run/protocol';
import { runTask } from '../../run/tasks';
import { readDatabaseFile } from './dbfile';
import { loadSqlJs } from './load';
import { litestreamTableIn, replicatedRefusal, tableEvidence } from '../litestream';
import { checkFile, snapshotToFile } from './snapshot';
import { SqlJsTask, type CheckRequest, type ReviewRequest, type SnapshotRequest, type SqlJsRequest } from './task';
import { reviewMigrations } from '../../semver/breaking';
import { problem } from '../../problems';

type Request = SqlJsRequest | CheckRequest | SnapshotRequest | ReviewRequest;

// As a worker thread (tasks over bytes handed over without a copy), or as a child process (backups: the file's
// whole-size allocations then stay out of the caller's process, whose thread they would otherwise stall).
if (parentPort) {
  const port = parentPort;
  port.once('message', async (req: Request) => {
    const reply = await handle(req);
    const bytes = reply.ok ? (reply.value as { bytes?: Uint8Array }).bytes : undefined;
    port.postMessage(reply, bytes ? [bytes.buffer as ArrayBuffer] : []);
  });
} else if (process.send) {
  process.once('message', async (req: Request) => {
    const reply = await handle(req);
    process.send?.(reply, () => process.disconnect?.());
  });
}

async function handle(req: Request): Promise<Result<unknown>> {
  try {
    if ('review' in req) return ok(await reviewMigrations(req.review));
    return 'check' in req ? await checkFile(req.check) : 'snapshot' in req ? await snapshotToFile(req.snapshot) : await runSqlJsTask(req);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return fail(problem('internal', `Internal error in the migration worker: ${message}`));
  }
}

async function runSqlJsTask(req: SqlJsRequest): Promise<TaskReply> {
  const source = req.read ? await readDatabaseFile(req.read.file, { maxBytes: req.read.maxBytes, skipHash: true }) : undefined;
  if (source && !source.ok) return source;
  const bytes = source ? source.value.bytes : req.bytes;
  const task = new SqlJsTask(await loadSqlJs(), bytes);
  try {
    // For the whole SQLite library in this worker: a statement that allocates past it fails with "out of memory".
    if (req.memoryLimitMB) task.conn.run(`PRAGMA hard_heap_limit = ${Math.floor(req.memoryLimitMB) * 1024 * 1024}`);
    // Its folder may be gone (copied elsewhere, or a custom meta-path) while its tables say it replicates the file.
    const replicaTable = req.replaces && bytes ? litestreamTableIn(task.conn) : undefined;
    if (replicaTable) return fail(replicatedRefusal(req.replaces!, tableEvidence(replicaTable)));
    const reply = await runTask(task, req);
    if (!req.read || bytes || !reply.ok) return reply;
    return ok({ ...reply.value, notes: [missingDatabaseNote(req.read.file, false), ...reply.value.notes] });
  } finally {
    task.close();
  }
}
