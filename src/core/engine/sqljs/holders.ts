// sql.js cannot take SQLite's locks, and a program that has the database open, even idle between
// transactions, would go on writing to the replaced file after our rename. On Linux /proc shows who has
// a file open (as lsof does); such a file is refused. Elsewhere, and for other users' processes when we
// are not root, this sees nothing: the README says so, and the native engine, which takes SQLite's
// locks, is the answer there.
import * as fsp from 'fs/promises';
import * as path from 'path';
import { NATIVE_ENGINE_WHERE } from '../facts';
import { fail, ok, type Result } from '../../model';
import { problem } from '../../problems';

export interface Holder {
  readonly pid: number;
  readonly command: string;
}

/** Processes other than this one with `realPath` (or its -wal, -shm, -journal) open; [] where /proc is absent. */
export async function openHolders(realPath: string, proc = '/proc'): Promise<Holder[]> {
  const targets = new Set([realPath, `${realPath}-wal`, `${realPath}-shm`, `${realPath}-journal`]);
  const pids = (await fsp.readdir(proc).catch(() => [] as string[])).filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
  const found: Holder[] = [];
  for (const pid of pids) {
    if (await holds(path.join(proc, pid, 'fd'), targets)) {
      const command = (await fsp.readFile(path.join(proc, pid, 'comm'), 'utf8').catch(() => '?')).trim();
      found.push({ pid: Number(pid), command });
    }
  }
  return found;
}

async function holds(fdDir: string, targets: ReadonlySet<string>): Promise<boolean> {
  const fds = await fsp.readdir(fdDir).catch(() => [] as string[]);
  const links = await Promise.all(fds.map((fd) => fsp.readlink(path.join(fdDir, fd)).catch(() => '')));
  return links.some((link) => targets.has(link));
}

/** Refuses a database that other programs have open, naming them. */
export async function checkNoHolders(realPath: string): Promise<Result<void>> {
  const holders = await openHolders(realPath);
  if (holders.length === 0) return ok(undefined);
  const who = holders.slice(0, 5).map((h) => `${h.command} (pid ${h.pid})`).join(', ');
  return fail(problem('db-open-elsewhere', `${realPath} is open in ${who}, and the sql.js engine replaces the whole file, so that program would go on writing to the old one; nothing was changed. Close it, or use ${NATIVE_ENGINE_WHERE}, which works beside other programs through SQLite's own locks.`, { file: realPath }));
}
