// Entry point of the lint worker thread (bundled as dist/lintWorker.js): the editor's checks run here, off the
// extension host's thread, on sql.js scratch databases; the per-prefix caches live as long as the worker.
import { parentPort } from 'worker_threads';
import { errorMessage } from '../engine/connection';
import { scratchDatabase } from '../run/replay';
import { lintMigrations } from './lint';
import type { LintReply, LintRequest } from './protocol';
import { SchemaCache } from './schemaCache';
import { describeSchema, type TableInfo } from './schemaInfo';
import { parseVersion } from './version';

const caches = new Map<string, SchemaCache>();

export async function handle(req: LintRequest): Promise<LintReply> {
  try {
    const target = parseVersion(req.target);
    if (!target.ok) return { id: req.id, ok: false, message: `sqliteMigrations.targetSqliteVersion: ${target.error}.` };
    let cache = caches.get(req.folder);
    if (!cache) caches.set(req.folder, (cache = new SchemaCache()));
    let schema: TableInfo[] = [];
    const [result] = await lintMigrations(req.migrations, [req.index], { target: target.value, open: scratchDatabase, cache, inspect: (db) => (schema = describeSchema(db)) });
    return { id: req.id, ok: true, findings: result?.findings ?? [], schema };
  } catch (e) {
    return { id: req.id, ok: false, message: `Internal error in the lint worker: ${errorMessage(e)}` };
  }
}

if (parentPort) {
  const port = parentPort;
  // One request at a time, in order: a cache's open database is never used by two at once.
  let queue = Promise.resolve();
  port.on('message', (req: LintRequest) => {
    queue = queue.then(async () => port.postMessage(await handle(req)));
  });
}
