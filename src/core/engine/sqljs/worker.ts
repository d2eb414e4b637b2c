// Entry point of the worker thread (bundled as dist/worker.js): one request in, one reply out.
import { parentPort } from 'worker_threads';
import type { TaskReply } from '../../run/protocol';
import { runTask } from '../../run/tasks';
import { loadSqlJs } from './load';
import { SqlJsTask, type SqlJsRequest } from './task';

parentPort?.once('message', async (req: SqlJsRequest) => {
  let reply: TaskReply;
  let task: SqlJsTask | undefined;
  try {
    task = new SqlJsTask(await loadSqlJs(), req.bytes);
    // For the whole SQLite library in this worker: a statement that allocates past it fails with "out of memory".
    if (req.memoryLimitMB) task.conn.run(`PRAGMA hard_heap_limit = ${Math.floor(req.memoryLimitMB) * 1024 * 1024}`);
    reply = await runTask(task, req);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    reply = { ok: false, error: { code: 'internal', severity: 'error', message: `Internal error in the migration worker: ${message}` } };
  } finally {
    task?.close();
  }
  const transfer = reply.ok && reply.value.bytes ? [reply.value.bytes.buffer as ArrayBuffer] : [];
  parentPort?.postMessage(reply, transfer);
});
