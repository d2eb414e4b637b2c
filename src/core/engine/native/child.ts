// Entry point of the child process that runs node:sqlite (bundled as dist/native.js). It probes
// itself first, then runs the one request it is sent and exits. The parent kills it with SIGKILL at
// the time limit: SQLite's journal makes that safe, which no thread in the editor could promise.
import * as fs from 'fs';
import { placeBackup } from '../backups';
import { errorMessage } from '../connection';
import { fail, ok } from '../../model';
import { runTask } from '../../run/tasks';
import type { FromChild, RestoreRequest, ToChild } from './messages';
import { loadNodeSqlite, type NodeSqlite } from './nodeSqlite';
import { probeNativeSqlite } from './probe';
import { NativeTask } from './task';
import { NativeConnection } from './connection';
import { copyDatabase } from './copy';
import { integrityCheck } from '../../run/integrity';
import { problem } from '../../problems';
import { watchMemory } from './memoryWatch';

const send = (message: FromChild): Promise<void> => new Promise((resolve) => process.send?.(message, undefined, {}, () => resolve()));

async function main(): Promise<void> {
  const sqlite = loadNodeSqlite();
  const probe = probeNativeSqlite(sqlite);
  await send({ type: 'probe', probe });
  if (!probe.available || !sqlite) return;
  const message = await nextMessage();
  if (message) await handle(sqlite, message);
}

function nextMessage(): Promise<ToChild | undefined> {
  return new Promise((resolve) => {
    process.once('message', (m: ToChild) => resolve(m));
    process.once('disconnect', () => resolve(undefined));
  });
}

async function handle(sqlite: NodeSqlite, message: ToChild): Promise<void> {
  if (message.request.memoryLimitMB) watchMemory(message.request.memoryLimitMB);
  switch (message.type) {
    // The database is closed (and scratch copies removed) before the answer goes out: once the parent
    // has it, this process holds nothing of the database any more.
    case 'task': {
      const task = new NativeTask(sqlite, message.request);
      let reply;
      try {
        reply = await runTask(task, message.request, (outcome) => void send({ type: 'outcome', outcome }));
      } finally {
        await task.close();
      }
      await send({ type: 'reply', reply });
      return;
    }
    case 'backup': {
      const task = new NativeTask(sqlite, message.request);
      let result;
      try {
        result = await task.backup();
      } finally {
        await task.close();
      }
      await send({ type: 'backup', result });
      return;
    }
    case 'restore':
      await send({ type: 'restore', result: await restore(sqlite, message.request) });
      return;
  }
}

/**
 * Restores through SQLite's backup API into the live file, so programs that have it open see the
 * restored database through their locks instead of a file swapped under them. The current state is
 * backed up first.
 */
async function restore(sqlite: NodeSqlite, req: RestoreRequest) {
  const backupApi = sqlite.backup;
  if (!backupApi) {
    return fail(problem('restore-unsupported', `Restoring on the native engine needs node:sqlite's backup API (Node 22.16 or later; this is Node ${process.versions.node}). Close the programs using the database and run it with --engine sqljs instead.`));
  }
  const source = NativeConnection.open(sqlite, req.backupFile, { readOnly: true });
  try {
    const check = integrityCheck(source);
    if (!check.ok) return fail(problem('backup-damaged', `Cannot restore: ${req.backupFile} fails integrity_check (${check.detail}). Nothing was changed.`));
    let safetyBackup = null;
    if (fs.existsSync(req.file)) {
      const current = NativeConnection.open(sqlite, req.file, { busyTimeoutMs: req.busyTimeoutMs });
      try {
        const place = { ...req.backups, now: () => new Date(req.nowMs), protect: [req.backupFile], allowDamaged: true, mode: req.mode, owner: req.owner };
        const made = await placeBackup(req.file, place, (temp) => copyDatabase(sqlite, current, temp, req.mode, req.owner), async () => ok(undefined));
        if (!made.ok) return made;
        safetyBackup = made.value;
      } finally {
        current.close();
      }
    }
    await backupApi(source.db, req.file);
    return ok({ safetyBackup });
  } finally {
    source.close();
  }
}

main().then(
  () => process.disconnect?.(),
  async (e) => {
    await send({ type: 'reply', reply: fail(problem('internal', `Internal error in the native engine: ${errorMessage(e)}`)) });
    process.disconnect?.();
  },
);
