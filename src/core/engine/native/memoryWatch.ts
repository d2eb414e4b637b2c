// SQLite's own allocations in node:sqlite cannot be capped from inside (its memory statistics are off, so
// PRAGMA hard_heap_limit has no effect there), and the main thread is busy inside SQLite while it grows.
// So a small watcher thread checks the process's resident memory and, past the limit, ends the process
// with SIGKILL: SQLite's journal then undoes the open transaction, exactly as at the time limit.
import { Worker } from 'worker_threads';

/** Written to stderr (fd 2, directly: the main thread may be blocked) just before the kill; the parent looks for it. */
export const MEMORY_MARK = 'sqlite-migrations: memory limit exceeded';

const WATCHER = `
const { workerData } = require('worker_threads');
const fs = require('fs');
setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss > workerData.limit) {
    fs.writeSync(2, workerData.mark + ' (' + Math.round(rss / 1048576) + ' MB in use)\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}, 50);
`;

/** Starts the watcher; it never keeps the process alive. */
export function watchMemory(limitMB: number): void {
  const worker = new Worker(WATCHER, { eval: true, workerData: { limit: limitMB * 1024 * 1024, mark: MEMORY_MARK } });
  worker.unref();
}
