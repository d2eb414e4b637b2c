// sql.js cannot take SQLite's locks, so two of our own runs on one file could both read it, both
// migrate, and the second rename would drop the first one's work. This lock file serialises our runs
// (not other programs: only the native engine, through SQLite's locks, protects against those).
import * as fsp from 'fs/promises';
import * as path from 'path';
import { isProcessAlive } from '../atomic';
import { removeEmptyFolders } from '../folders';
import { fail, ok, type Problem, type Result } from '../../model';
import { problem } from '../../problems';

export const LOCK_SUFFIX = '.sqlite-migrations.lock';
const POLL_MS = 50;

export interface RunLock {
  /** A stale lock of a dead process that was removed on the way in: said once, as a note. */
  readonly note?: string;
  release(): Promise<void>;
}

interface Holder {
  readonly pid: number;
  readonly startedAt: string;
}

/**
 * Takes `<db>.sqlite-migrations.lock` with O_EXCL, waiting up to `waitMs` while another live run holds
 * it. The file names its holder's pid and start time; a lock whose pid is dead is removed.
 */
export async function acquireRunLock(dbRealPath: string, waitMs: number, now: () => Date): Promise<Result<RunLock>> {
  const file = dbRealPath + LOCK_SUFFIX;
  // The first "up" creates the database's folder; the lock comes first. A run that then writes no database
  // (refused, failed) takes back the folders it made, so it leaves no trace.
  let created: string | undefined;
  const release = async () => {
    await fsp.rm(file, { force: true });
    if (created) await removeEmptyFolders(path.dirname(file), created);
  };
  const deadline = Date.now() + waitMs;
  let note: string | undefined;
  for (;;) {
    // Again on each try: the run we waited for may have taken back the folder it made when it released the lock.
    created = (await fsp.mkdir(path.dirname(file), { recursive: true })) ?? created;
    const me: Holder = { pid: process.pid, startedAt: now().toISOString() };
    try {
      await fsp.writeFile(file, JSON.stringify(me) + '\n', { flag: 'wx', mode: 0o644 });
      return ok({ note, release });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await readHolder(file);
    if (holder && !isProcessAlive(holder.pid)) {
      await fsp.rm(file, { force: true });
      note = `Removed ${file}, left by an earlier run (pid ${holder.pid}, started ${holder.startedAt}) that is no longer running.`;
      continue;
    }
    if (Date.now() >= deadline) return fail(busy(file, holder));
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** undefined while the holder is still writing it (or it vanished): then it counts as held, and we wait. */
async function readHolder(file: string): Promise<Holder | undefined> {
  try {
    const parsed = JSON.parse(await fsp.readFile(file, 'utf8')) as Partial<Holder>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, startedAt: String(parsed.startedAt ?? '?') } : undefined;
  } catch {
    return undefined;
  }
}

function busy(file: string, holder: Holder | undefined): Problem {
  const who = holder ? `another sqlite-migrations run (pid ${holder.pid}, started ${holder.startedAt})` : 'another sqlite-migrations run';
  return problem('db-busy', `${who} is changing this database (it holds ${file}); nothing was changed. Try again when it has finished.`, { file });
}
