// Entry point of the worker thread (bundled as dist/worker.js): one request in, one reply out.
// Everything here is O(database size), which is why it runs on this thread and not the caller's.
import { parentPort } from 'worker_threads';
import { missingDatabaseNote } from '../dbpath';
import { fail, ok, type Result } from '../../model';
import type { TaskReply } from '../../run/protocol';
import { runTask } from '../../run/tasks';
import { readDatabaseFile } from './dbfile';
import { loadSqlJs } from './load';
import { checkFile, snapshotToFile } from './snapshot';
import { SqlJsTask, type CheckRequest, type SnapshotRequest, type SqlJsRequest } from './task';

parentPort?.once('message', async (req: SqlJsRequest | CheckRequest | SnapshotRequest) => {
  let reply: Result<unknown>;
  try {
    reply = 'check' in req ? await checkFile(req.check) : 'snapshot' in req ? await snapshotToFile(req.snapshot) : await runSqlJsTask(req);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    reply = fail({ code: 'internal', severity: 'error', message: `Internal error in the migration worker: ${message}` });
  }
  const bytes = reply.ok ? (reply.value as { bytes?: Uint8Array }).bytes : undefined;
  parentPort?.postMessage(reply, bytes ? [bytes.buffer as ArrayBuffer] : []);
});

async function runSqlJsTask(req: SqlJsRequest): Promise<TaskReply> {
  const source = req.read ? await readDatabaseFile(req.read.file, { maxBytes: req.read.maxBytes, skipHash: true }) : undefined;
  if (source && !source.ok) return source;
  const bytes = source ? source.value.bytes : req.bytes;
  const task = new SqlJsTask(await loadSqlJs(), bytes);
  try {
    // For the whole SQLite library in this worker: a statement that allocates past it fails with "out of memory".
    if (req.memoryLimitMB) task.conn.run(`PRAGMA hard_heap_limit = ${Math.floor(req.memoryLimitMB) * 1024 * 1024}`);
    const reply = await runTask(task, req);
    if (!req.read || bytes || !reply.ok) return reply;
    return ok({ ...reply.value, notes: [missingDatabaseNote(req.read.file, false), ...reply.value.notes] });
  } finally {
    task.close();
  }
}
