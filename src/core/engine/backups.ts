// Backups, shared by both engines: `<backups>/<db file name>_<UTC time with ms>Z.db`, made before a change,
// verified before it gets its name, never overwritten, never older-sorting than an existing one, pruned to
// this database's own backups by the retention: the newest N, those younger than an age, or none. Names the earlier versions wrote are still listed.
import * as fsp from 'fs/promises';
import * as path from 'path';
import { commitTemp, randomName, removeQuietly, sweepTemps, tempNameFor } from './atomic';
import { ensureFolder, type Owner } from './folders';
import { fileSystemAdvice, isFileSystemError } from '../fsErrors';
import { fail, ok, type Problem, type Result } from '../model';
import { sameFileBytes } from './sameBytes';
import { problem } from '../problems';
import type { Retention } from '../retention';

/** What every backup needs to know, whichever engine makes the copy. */
export interface BackupPlace {
  /** Default `<db dir>/backups`; a relative folder is taken relative to the database's folder. */
  folder?: string;
  /** A count keeps the newest N of this database's backups (default 5; 0 keeps all), an age those made since `now() - age`. */
  retention?: number | Retention;
  /** The clock: the time in a new backup's name, and what an age retention counts back from. */
  now: () => Date;
  /** Backups retention must leave alone (the one being restored). */
  protect?: readonly string[];
  /** Keep the copy even when it fails verification (restore keeps a damaged file rather than lose it). */
  allowDamaged?: boolean;
  /** Leave pruning to the caller (`pruneBackups`), who first learns whether the change it backs up happened. */
  deferPrune?: boolean;
  /** The database's permission bits: a folder created for backups gets them (plus search), never wider. */
  mode?: number;
  /** The database's owner, given to a folder created for backups when this process may (root). */
  owner?: Owner;
}

export interface BackupInfo {
  path: string;
  createdAt: Date;
  size: number;
  /** A name from an earlier version (`<stem>_YYYYMMDD_HHMMSS.db`, local time): listed, never pruned. */
  legacy?: boolean;
}

export interface CreatedBackup extends BackupInfo {
  /** Older backups retention removed. */
  pruned: string[];
  /** Set when `allowDamaged` let a file that failed verification through: what was wrong. */
  damaged?: string;
  /** The newest backup already held these exact bytes, so it stands for this one and no file was added. */
  reused?: boolean;
  /** The outermost folder this backup created (the backups folder was new), to take back with an unneeded backup. */
  createdFolder?: string;
}

const DEFAULT_RETENTION = 5;
/** Names tried, one millisecond apart, when other runs take the same moment. */
const MAX_ATTEMPTS = 1000;

export function backupFolder(dbRealPath: string, folder?: string): string {
  const dir = path.dirname(path.resolve(dbRealPath));
  return folder ? path.resolve(dir, folder) : path.join(dir, 'backups');
}

/**
 * Gives a finished copy of the database (written by `write` to a temp file beside its final name) a
 * backup's name, unless `verify` rejects it or the newest backup already holds the same bytes, and prunes
 * older backups. The name's time is never earlier than an existing backup's, so it always sorts newest.
 * The temp is always removed.
 */
export async function placeBackup(
  dbRealPath: string,
  opts: BackupPlace,
  /**
   * Writes the copy; a failed Result (the source could not be read) ends the backup with that problem. It may
   * answer whether the copy holds the same bytes as `newest` (the newest backup), having compared them itself.
   */
  write: (temp: string, newest: string | undefined) => Promise<void | Result<{ sameAsNewest?: boolean } | undefined | void>>,
  verify: (temp: string) => Promise<Result<unknown>>,
): Promise<Result<CreatedBackup>> {
  const folder = backupFolder(dbRealPath, opts.folder);
  const base = path.basename(dbRealPath);
  let temp: string | undefined;
  let createdFolder: string | undefined;
  try {
    createdFolder = await ensureFolder(folder, opts.mode, opts.owner);
    await sweepTemps(folder, (target) => parseName(target, base) !== undefined);
    const newest = (await listOwn(dbRealPath, folder))[0];
    const start = Math.max(opts.now().getTime(), newest ? newest.createdAt.getTime() + 1 : 0);
    temp = tempNameFor(path.join(folder, backupName(base, start)), process.pid, randomName());
    const wrote = await write(temp, newest?.path);
    if (wrote && !wrote.ok) return wrote;
    const answered = wrote?.ok ? wrote.value?.sameAsNewest : undefined;
    const size = (await fsp.stat(temp)).size;
    let damaged: string | undefined;
    const check = await verify(temp);
    if (!check.ok) {
      damaged = check.error.message;
      if (!opts.allowDamaged) return fail({ ...check.error, message: `Not backed up: ${check.error.message}` });
    }
    if (newest && !damaged && (answered ?? (await sameFileBytes(temp, newest.path)))) {
      return ok({ ...newest, pruned: [], reused: true });
    }
    const placed = await commitTemp(temp, path.join(folder, backupName(base, start)), {
      noClobber: { attempts: MAX_ATTEMPTS, alternate: (n) => path.join(folder, backupName(base, start + n - 1)) },
    });
    if (!placed.ok) return placed;
    const pruned = opts.deferPrune ? [] : await pruneBackups(dbRealPath, opts, placed.value.path);
    const createdAt = parseName(path.basename(placed.value.path), base) as Date;
    return ok({ path: placed.value.path, createdAt, size, pruned, ...(damaged ? { damaged } : {}), ...(createdFolder ? { createdFolder } : {}) });
  } catch (e) {
    return fail(backupFailed(dbRealPath, folder, e as NodeJS.ErrnoException));
  } finally {
    if (temp) await removeQuietly(temp);
  }
}

function backupFailed(dbRealPath: string, folder: string, e: NodeJS.ErrnoException): Problem {
  // A temp file's name means nothing to the user: the folder it was to go in does.
  const where = !e.path || path.dirname(e.path) === folder ? folder : e.path;
  const why = e.code === 'EACCES' || e.code === 'EPERM'
    ? `this user may not write to ${where}; give it write permission there, or choose another backups folder (sqliteMigrations.backupsFolder, CLI: --backups FOLDER)`
    : isFileSystemError(e) ? fileSystemAdvice(e, where) : (e as Error).message;
  return problem('backup-failed', `Could not back up ${dbRealPath}: ${why}. Nothing was changed.`, { file: dbRealPath });
}

/** Removes this database's backups beyond the retention, never `created`, a protected one or one an earlier version named. */
export async function pruneBackups(dbRealPath: string, opts: BackupPlace, created: string): Promise<string[]> {
  const folder = backupFolder(dbRealPath, opts.folder);
  const retention = asRetention(opts.retention);
  if (retention.kind === 'all') {
    return [];
  }
  const own = await listOwn(dbRealPath, folder);
  const cutoff = retention.kind === 'age' ? opts.now().getTime() - retention.ms : 0;
  const beyond = retention.kind === 'count' ? own.slice(retention.count) : own.filter((b) => b.createdAt.getTime() < cutoff);
  const real = (p: string) => fsp.realpath(p).catch(() => path.resolve(p));
  const keep = new Set(await Promise.all([created, ...(opts.protect ?? [])].map(real)));
  const removed: string[] = [];
  for (const b of beyond) {
    if (!keep.has(await real(b.path))) {
      await fsp.rm(b.path, { force: true });
      removed.push(b.path);
    }
  }
  return removed;
}

/** A bare number is the count the setting always was (0: keep all). */
function asRetention(r: number | Retention | undefined): Retention {
  if (r === undefined) return { kind: 'count', count: DEFAULT_RETENTION };
  if (typeof r !== 'number') return r;
  return r > 0 ? { kind: 'count', count: r } : { kind: 'all' };
}

/**
 * This database's backups in `folder` (default `<db dir>/backups`), newest first by the time in their
 * names; other files are ignored. Names of earlier versions come last, and only when no other database
 * in the same folder shares their stem (`app.db` and `app.sqlite` both wrote `app_...db`).
 */
export async function listBackups(dbRealPath: string, folder?: string): Promise<BackupInfo[]> {
  const dir = backupFolder(dbRealPath, folder);
  const own = await listOwn(dbRealPath, dir);
  const legacy = (await legacyStemIsOurs(dbRealPath)) ? await listLegacy(dbRealPath, dir) : [];
  return [...own, ...legacy];
}

/** Backups named by this version for this exact file name, newest first. */
async function listOwn(dbRealPath: string, dir: string): Promise<BackupInfo[]> {
  const base = path.basename(dbRealPath);
  const found: BackupInfo[] = [];
  for (const entry of await entriesOf(dir)) {
    const createdAt = entry.isFile() ? parseName(entry.name, base) : undefined;
    if (createdAt) found.push({ path: path.join(dir, entry.name), createdAt, size: await sizeOf(path.join(dir, entry.name)) });
  }
  return found.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.path < b.path ? 1 : -1));
}

async function listLegacy(dbRealPath: string, dir: string): Promise<BackupInfo[]> {
  const stem = path.parse(dbRealPath).name;
  const found: Array<BackupInfo & { suffix: number }> = [];
  for (const entry of await entriesOf(dir)) {
    const m = entry.isFile() ? legacyPattern(stem).exec(entry.name) : null;
    if (!m) continue;
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
    const file = path.join(dir, entry.name);
    found.push({ path: file, createdAt: new Date(y, mo - 1, d, h, mi, s), size: await sizeOf(file), legacy: true, suffix: m[7] ? Number(m[7]) : 1 });
  }
  found.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.suffix - a.suffix);
  return found.map(({ suffix: _suffix, ...info }) => info);
}

/** False when another file beside the database has the same stem, so an old-style name could be either's. */
async function legacyStemIsOurs(dbRealPath: string): Promise<boolean> {
  const base = path.basename(dbRealPath);
  const stem = path.parse(dbRealPath).name;
  const names = await fsp.readdir(path.dirname(dbRealPath)).catch(() => [] as string[]);
  return !names.some((n) => n !== base && !n.startsWith(base) && path.parse(n).name === stem && n !== 'backups');
}

async function entriesOf(dir: string) {
  return fsp.readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
}

async function sizeOf(file: string): Promise<number> {
  return (await fsp.stat(file).catch(() => ({ size: 0 }))).size;
}

/** `app.db` at 2026-11-29 15:30:00.123 UTC: `app.db_20261129T153000123Z.db`. */
export function backupName(base: string, ms: number): string {
  return `${base}_${formatStamp(new Date(ms))}.db`;
}

/** UTC with milliseconds, so a time-zone change never reorders backups and one second holds many. */
export function formatStamp(d: Date): string {
  return d.toISOString().replace(/[-:.]/g, '');
}

const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/;

/** The time in a backup's name when it is one of `base`'s; undefined for any other file. */
function parseName(name: string, base: string): Date | undefined {
  if (!name.startsWith(`${base}_`) || !name.endsWith('.db')) return undefined;
  const m = STAMP.exec(name.slice(base.length + 1, -3));
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  return Number.isNaN(t.getTime()) ? undefined : t;
}

function legacyPattern(stem: string): RegExp {
  const escaped = stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}_(\\d{4})(\\d{2})(\\d{2})_(\\d{2})(\\d{2})(\\d{2})(?:_(\\d+))?\\.db$`);
}

/** Back Up Now (or a backup before a change) on a database file that does not exist. */
export function nothingToBackUp(file: string): Problem {
  return problem('backup-no-database', `${file} does not exist: there is nothing to back up.`, { file });
}

/** A restore from a backup file that does not exist. */
export function noSuchBackup(file: string): Problem {
  return problem('backup-missing', `Cannot restore: the backup ${file} does not exist.`, { file });
}
