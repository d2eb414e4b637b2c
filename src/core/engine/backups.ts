// The spec's backup strategy, shared by both engines: `<backups>/<dbname>_YYYYMMDD_HHMMSS.db` before any
// change, verified before it gets its name, never overwritten, pruned to the newest N.
import * as fsp from 'fs/promises';
import * as path from 'path';
import { commitTemp, randomName, removeQuietly, sweepTemps, tempNameFor } from './atomic';
import { fail, ok, type Problem, type Result } from '../model';

/** What every backup needs to know, whichever engine makes the copy. */
export interface BackupPlace {
  /** Default `<db dir>/backups`; a relative folder is taken relative to the database's folder. */
  folder?: string;
  /** Keep the newest N of this database's backups (default 5); 0 keeps all. */
  retention?: number;
  now: () => Date;
  /** Backups retention must leave alone (the one being restored). */
  protect?: readonly string[];
  /** Keep the copy even when it fails verification (restore keeps a damaged file rather than lose it). */
  allowDamaged?: boolean;
  /** Leave pruning to the caller (`pruneBackups`), who first learns whether the change it backs up happened. */
  deferPrune?: boolean;
}

export interface BackupInfo {
  path: string;
  createdAt: Date;
  size: number;
}

export interface CreatedBackup extends BackupInfo {
  /** Older backups retention removed. */
  pruned: string[];
  /** Set when `allowDamaged` let a file that failed verification through: what was wrong. */
  damaged?: string;
}

const DEFAULT_RETENTION = 5;
const MAX_SAME_SECOND = 1000;

export function backupFolder(dbRealPath: string, folder?: string): string {
  const dir = path.dirname(path.resolve(dbRealPath));
  return folder ? path.resolve(dir, folder) : path.join(dir, 'backups');
}

/**
 * Gives a finished copy of the database (`temp`, written and synced beside its final name, by
 * `tempFor`) a backup's name, unless `verify` rejects it, and prunes older backups. The temp is
 * always removed.
 */
export async function placeBackup(
  dbRealPath: string,
  opts: BackupPlace,
  write: (temp: string) => Promise<void>,
  verify: (temp: string) => Promise<Result<unknown>>,
): Promise<Result<CreatedBackup>> {
  const folder = backupFolder(dbRealPath, opts.folder);
  const name = path.parse(dbRealPath).name;
  await fsp.mkdir(folder, { recursive: true });
  await sweepTemps(folder, (target) => backupPattern(name).test(target));
  const stamp = formatStamp(opts.now());
  const target = path.join(folder, `${name}_${stamp}.db`);
  const temp = tempNameFor(target, process.pid, randomName());
  try {
    await write(temp);
    const size = (await fsp.stat(temp)).size;
    let damaged: string | undefined;
    const placed = await commitTemp(temp, target, {
      noClobber: { attempts: MAX_SAME_SECOND, alternate: (n) => path.join(folder, `${name}_${stamp}_${n}.db`) },
      // Verified as written, before it gets a backup's name: a backup that exists is a good one.
      beforeCommit: async (file) => {
        const check = await verify(file);
        if (check.ok) return ok(undefined);
        damaged = check.error.message;
        return opts.allowDamaged ? ok(undefined) : fail({ ...check.error, message: `Not backed up: ${check.error.message}` });
      },
    });
    if (!placed.ok) return placed;
    const pruned = opts.deferPrune ? [] : await pruneBackups(dbRealPath, opts, placed.value.path);
    const createdAt = (backupInfo(placed.value.path, name, 0) as BackupInfo).createdAt;
    return ok({ path: placed.value.path, createdAt, size, pruned, ...(damaged ? { damaged } : {}) });
  } catch (e) {
    const p: Problem = { code: 'backup-failed', severity: 'error', file: dbRealPath, message: `Could not back up ${dbRealPath}: ${(e as Error).message}. Nothing was changed.` };
    return fail(p);
  } finally {
    await removeQuietly(temp);
  }
}

/** Removes this database's backups beyond the retention, never `created` or a protected one. */
export async function pruneBackups(dbRealPath: string, opts: BackupPlace, created: string): Promise<string[]> {
  const folder = backupFolder(dbRealPath, opts.folder);
  const retention = opts.retention ?? DEFAULT_RETENTION;
  if (!(retention > 0)) {
    return [];
  }
  const real = (p: string) => fsp.realpath(p).catch(() => path.resolve(p));
  const keep = new Set(await Promise.all([created, ...(opts.protect ?? [])].map(real)));
  const removed: string[] = [];
  for (const b of (await listBackups(dbRealPath, folder)).slice(retention)) {
    if (!keep.has(await real(b.path))) {
      await fsp.rm(b.path, { force: true });
      removed.push(b.path);
    }
  }
  return removed;
}

/** This database's backups in `folder` (default `<db dir>/backups`), newest first; other files are ignored. */
export async function listBackups(dbRealPath: string, folder?: string): Promise<BackupInfo[]> {
  const dir = backupFolder(dbRealPath, folder);
  const name = path.parse(dbRealPath).name;
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') {
      return [];
    }
    throw e;
  });
  const found: Array<BackupInfo & { suffix: number }> = [];
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    const info = entry.isFile() ? backupInfo(file, name, 0) : undefined;
    if (info) {
      found.push({ ...info, size: (await fsp.stat(file)).size });
    }
  }
  found.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.suffix - a.suffix);
  return found.map(({ suffix: _suffix, ...info }) => info);
}

/** Local time, like the spec's `date +%Y%m%d_%H%M%S`. */
export function formatStamp(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}_${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}`;
}

function backupPattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}_(\\d{4})(\\d{2})(\\d{2})_(\\d{2})(\\d{2})(\\d{2})(?:_(\\d+))?\\.db$`);
}

function backupInfo(file: string, name: string, size: number): (BackupInfo & { suffix: number }) | undefined {
  const m = backupPattern(name).exec(path.basename(file));
  if (!m) {
    return undefined;
  }
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  return { path: file, createdAt: new Date(y, mo - 1, d, h, mi, s), size, suffix: m[7] ? Number(m[7]) : 1 };
}
