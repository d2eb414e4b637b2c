// The spec's backup strategy: `<backups>/<dbname>_YYYYMMDD_HHMMSS.db` before any change, verified, never
// overwritten, pruned to the newest N; and restore, which itself backs up the current file first.
import { createHash } from 'crypto';
import * as fsp from 'fs/promises';
import * as path from 'path';
import { sweepTemps, writeFileAtomic } from './sqljs/atomic';
import { DEFAULT_MAX_BYTES, readDatabaseFile, replaceDatabaseFile, type DatabaseRead, type ReadOptions, type WriteOptions } from './sqljs/dbfile';
import { openAndCheck } from './dbheader';
import { fail, ok, type Result } from '../model';
import { loadSqlJs } from './sqljs/load';

export interface BackupOptions {
  /** Default `<db dir>/backups`; a relative folder is taken relative to the database's folder. */
  folder?: string;
  /** Keep the newest N of this database's backups (default 5); 0 keeps all. */
  retention?: number;
  now: () => Date;
  /** What the caller already read with readDatabaseFile, so the backup is exactly those bytes. */
  source?: DatabaseRead;
  maxBytes?: number;
  /** Write the backup even when the bytes fail verification (restore keeps a damaged file rather than lose it). */
  allowDamaged?: boolean;
  /** Backups retention must leave alone (the one being restored). */
  protect?: readonly string[];
  /**
   * The SHA-256 of bytes that already passed integrity_check (the engine checks them in its worker before
   * migrating): the backup is then verified by comparing hashes, instead of opening it with sql.js again
   * on this thread, which in VS Code is the extension host's.
   */
  checkedSha256?: string;
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

export async function createBackup(dbRealPath: string, opts: BackupOptions): Promise<Result<CreatedBackup>> {
  const source = await sourceBytes(dbRealPath, opts);
  if (!source.ok) {
    return source;
  }
  const { bytes, realPath } = source.value;
  const folder = backupFolder(realPath, opts.folder);
  const name = path.parse(realPath).name;
  await fsp.mkdir(folder, { recursive: true });
  await sweepTemps(folder, (target) => backupPattern(name).test(target));
  const verify = await verifier(opts, realPath);
  let damaged: string | undefined;
  const stamp = formatStamp(opts.now());
  const written = await writeFileAtomic(path.join(folder, `${name}_${stamp}.db`), bytes, {
    noClobber: { attempts: MAX_SAME_SECOND, alternate: (n) => path.join(folder, `${name}_${stamp}_${n}.db`) },
    // Verified as written, before it gets a backup's name: a backup that exists is a good one.
    beforeCommit: async (temp) => {
      const check = verify(await fsp.readFile(temp));
      damaged = check.ok ? undefined : check.error.message;
      return check.ok || opts.allowDamaged ? ok(undefined) : fail({ ...check.error, message: `Not backed up: ${check.error.message}` });
    },
  });
  if (!written.ok) {
    return written;
  }
  const pruned = await prune(realPath, folder, opts, written.value.path);
  const createdAt = (backupInfo(written.value.path, name, 0) as BackupInfo).createdAt;
  return ok({ path: written.value.path, createdAt, size: bytes.length, pruned, ...(damaged ? { damaged } : {}) });
}

/** Bytes already checked are verified by their hash; anything else is opened and checked with sql.js. */
async function verifier(opts: BackupOptions, file: string): Promise<(copy: Uint8Array) => Result<unknown>> {
  const checked = opts.checkedSha256;
  if (checked) {
    return (copy) => (createHash('sha256').update(copy).digest('hex') === checked ? ok(undefined) : fail({ code: 'backup-mismatch', severity: 'error', file, message: `the copy of ${file} differs from the bytes that were checked.` }));
  }
  const SQL = await loadSqlJs();
  return (copy) => openAndCheck(SQL, copy, file);
}

async function sourceBytes(dbRealPath: string, opts: BackupOptions): Promise<Result<{ bytes: Uint8Array; realPath: string }>> {
  const source = opts.source ? ok(opts.source) : await readDatabaseFile(dbRealPath, { maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES });
  if (!source.ok) {
    return source;
  }
  const { bytes, snapshot } = source.value;
  const file = snapshot.realPath;
  if (opts.checkedSha256 && snapshot.exists && snapshot.sha256 !== opts.checkedSha256) {
    return fail({ code: 'db-changed', severity: 'error', file, message: `${file} changed on disk since it was read; nothing was changed. Run the operation again.` });
  }
  if (!bytes) {
    return fail({ code: 'backup-no-database', severity: 'error', file, message: `There is nothing to back up: ${file} does not exist.` });
  }
  // sql.js writes into the array it is given, and a transfer to a worker empties it: back up only what was read.
  if (createHash('sha256').update(bytes).digest('hex') !== snapshot.sha256) {
    return fail({ code: 'backup-source-modified', severity: 'error', file, message: `Not backed up: the bytes read from ${file} were modified in memory after they were read (give sql.js a copy).` });
  }
  return ok({ bytes, realPath: file });
}

async function prune(dbRealPath: string, folder: string, opts: BackupOptions, created: string): Promise<string[]> {
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

export async function restoreBackup(
  dbPath: string,
  backupPath: string,
  opts: BackupOptions & ReadOptions & WriteOptions,
): Promise<Result<{ safetyBackup: BackupInfo | null; notes: string[] }>> {
  const backup = await readVerifiedBackup(backupPath, opts);
  if (!backup.ok) {
    return backup;
  }
  const current = await readDatabaseFile(dbPath, { maxBytes: opts.maxBytes, allowDamaged: true });
  if (!current.ok) {
    return current;
  }
  const notes: string[] = [];
  let safetyBackup: CreatedBackup | null = null;
  if (current.value.bytes) {
    const protect = [...(opts.protect ?? []), backup.value.snapshot.realPath];
    const created = await createBackup(current.value.snapshot.realPath, { ...opts, source: current.value, allowDamaged: true, protect });
    if (!created.ok) {
      return created;
    }
    safetyBackup = created.value;
    notes.push(`The current ${current.value.snapshot.realPath} was backed up to ${safetyBackup.path} first.`);
    if (safetyBackup.damaged) {
      notes.push(`It was damaged (${safetyBackup.damaged}); it was kept anyway.`);
    }
  }
  const replaced = await replaceDatabaseFile(current.value, backup.value.bytes as Uint8Array, opts);
  if (!replaced.ok) {
    return replaced;
  }
  return ok({ safetyBackup, notes: [...notes, ...replaced.value.notes] });
}

async function readVerifiedBackup(backupPath: string, opts: ReadOptions): Promise<Result<DatabaseRead>> {
  const read = await readDatabaseFile(backupPath, { maxBytes: opts.maxBytes });
  if (!read.ok) {
    return read;
  }
  if (!read.value.bytes) {
    const file = read.value.snapshot.realPath;
    return fail({ code: 'backup-missing', severity: 'error', file, message: `Cannot restore: the backup ${file} does not exist.` });
  }
  const check = openAndCheck(await loadSqlJs(), read.value.bytes, read.value.snapshot.realPath);
  if (!check.ok) {
    return fail({ ...check.error, message: `Cannot restore: ${check.error.message} Nothing was changed.` });
  }
  return read;
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
