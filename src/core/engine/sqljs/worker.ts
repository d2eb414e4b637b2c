// Entry point of the worker thread (bundled as dist/worker.js): one request in, one reply out.
import { parentPort } from 'worker_threads';
import type { TaskReply, TaskRequest } from '../../run/protocol';
import { loadSqlJs } from './load';
import { runTask } from '../../run/tasks';

parentPort?.once('message', async (req: TaskRequest) => {
  let reply: TaskReply;
  try {
    reply = runTask(await loadSqlJs(), req);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    reply = { ok: false, error: { code: 'internal', severity: 'error', message: `Internal error in the migration worker: ${message}` } };
  }
  const transfer = reply.ok && reply.value.bytes ? [reply.value.bytes.buffer as ArrayBuffer] : [];
  parentPort?.postMessage(reply, transfer);
});
