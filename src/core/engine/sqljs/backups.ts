// Backups and restore on the sql.js path: the backup is the bytes that were read (and checked), and a
// restore replaces the database file atomically, after backing up the current one.
import * as fsp from 'fs/promises';
import * as path from 'path';
import { placeBackup, type BackupPlace, type CreatedBackup } from '../backups';
import { sha256OfBytes, sha256OfFile } from '../hash';
import { mayChown, type Owner } from '../folders';
import { fail, ok, type Result } from '../../model';
import { DEFAULT_MAX_BYTES, readDatabaseFile, replaceDatabaseFile, type DatabaseRead, type ReadOptions, type WriteOptions } from './dbfile';
import { checkSidecars } from './sidecars';
import { checkInWorker } from './workerClient';

export interface BackupOptions extends BackupPlace {
  /** What the caller already read with readDatabaseFile, so the backup is exactly those bytes. */
  source?: DatabaseRead;
  maxBytes?: number;
  /**
   * The SHA-256 of bytes that already passed integrity_check (the engine checks them in its worker before
   * migrating): the backup is then verified by comparing hashes, instead of opening it with sql.js again
   * on this thread, which in VS Code is the extension host's.
   */
  checkedSha256?: string;
  /** For the worker that checks a copy or a backup with sql.js (default: 10 minutes). */
  timeLimitMs?: number;
}

const DEFAULT_CHECK_LIMIT_MS = 10 * 60 * 1000;

export async function createBackup(dbRealPath: string, opts: BackupOptions): Promise<Result<CreatedBackup>> {
  const source = await sourceBytes(dbRealPath, opts);
  if (!source.ok) {
    return source;
  }
  const { bytes, realPath, mode, owner, sha256 } = source.value;
  const place = { ...opts, mode, owner };
  return placeBackup(realPath, place, (temp) => writeCopy(temp, bytes, mode, owner), (temp) => verifyCopy(temp, realPath, sha256, opts));
}

/** The copy gets the database's permission bits, never wider, and (as root) its owner: a backup holds the same data. */
async function writeCopy(temp: string, bytes: Uint8Array, mode: number, owner: Owner): Promise<void> {
  const fh = await fsp.open(temp, 'wx', mode & 0o666);
  try {
    await fh.chmod(mode & 0o666);
    if (mayChown()) await fh.chown(owner.uid, owner.gid);
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * The copy must hold exactly the bytes read. Bytes already checked are verified by their hash alone; anything
 * else is also opened and checked with sql.js, in a worker.
 */
async function verifyCopy(copy: string, file: string, sha256: string, opts: BackupOptions): Promise<Result<unknown>> {
  let copied: string;
  if (opts.checkedSha256) {
    copied = await sha256OfFile(copy);
  } else {
    const check = await checkInWorker({ file: copy, label: file, maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES }, opts.timeLimitMs ?? DEFAULT_CHECK_LIMIT_MS);
    if (!check.ok) return fail({ ...check.error, file });
    copied = check.value.sha256;
  }
  return copied === sha256
    ? ok(undefined)
    : fail({ code: 'backup-mismatch', severity: 'error', file, message: `the copy of ${file} differs from the bytes that were read.` });
}

async function sourceBytes(dbRealPath: string, opts: BackupOptions): Promise<Result<{ bytes: Uint8Array; realPath: string; mode: number; owner: Owner; sha256: string }>> {
  const source = opts.source ? ok(opts.source) : await readSettled(dbRealPath, opts.maxBytes ?? DEFAULT_MAX_BYTES);
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
  if ((await sha256OfBytes(bytes)) !== snapshot.sha256) {
    return fail({ code: 'backup-source-modified', severity: 'error', file, message: `Not backed up: the bytes read from ${file} were modified in memory after they were read (give sql.js a copy).` });
  }
  return ok({ bytes, realPath: file, mode: snapshot.mode, owner: { uid: snapshot.uid, gid: snapshot.gid }, sha256: snapshot.sha256 });
}

/** How many times a file that keeps changing is read before the backup gives up. */
const SETTLE_ATTEMPTS = 5;

/**
 * Another program may commit while the file is read, and a read across a commit can mix two states that
 * each pass integrity_check. So the file is read until two reads in a row agree, with no unfinished
 * transaction (hot -journal, WAL) before either read or after the last.
 */
export async function readSettled(dbPath: string, maxBytes: number): Promise<Result<DatabaseRead>> {
  let previous = await readDatabaseFile(dbPath, { maxBytes });
  for (let attempt = 1; attempt <= SETTLE_ATTEMPTS; attempt++) {
    if (!previous.ok || !previous.value.bytes) return previous;
    const again = await readDatabaseFile(dbPath, { maxBytes });
    if (!again.ok) return again;
    if (again.value.snapshot.sha256 === previous.value.snapshot.sha256) {
      const after = await checkSidecars(again.value.snapshot.realPath);
      return after.ok ? again : after;
    }
    previous = again;
  }
  const file = path.resolve(dbPath);
  return fail({ code: 'db-changing', severity: 'error', file, message: `Not backed up: ${file} changed each of the ${SETTLE_ATTEMPTS + 1} times it was read (another program keeps writing to it). Try again when it is idle, or use the native engine, which copies it through SQLite's locks.` });
}

export async function restoreBackup(
  dbPath: string,
  backupPath: string,
  opts: BackupOptions & ReadOptions & WriteOptions,
): Promise<Result<{ safetyBackup: CreatedBackup | null; notes: string[] }>> {
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

async function readVerifiedBackup(backupPath: string, opts: ReadOptions & { timeLimitMs?: number }): Promise<Result<DatabaseRead>> {
  const read = await readDatabaseFile(backupPath, { maxBytes: opts.maxBytes });
  if (!read.ok) {
    return read;
  }
  if (!read.value.bytes) {
    const file = read.value.snapshot.realPath;
    return fail({ code: 'backup-missing', severity: 'error', file, message: `Cannot restore: the backup ${file} does not exist.` });
  }
  const file = read.value.snapshot.realPath;
  const check = await checkInWorker({ file, maxBytes: opts.maxBytes }, opts.timeLimitMs ?? DEFAULT_CHECK_LIMIT_MS);
  if (!check.ok) {
    return fail({ ...check.error, message: `Cannot restore: ${check.error.message} Nothing was changed.` });
  }
  if (check.value.sha256 !== read.value.snapshot.sha256) {
    return fail({ code: 'db-changed', severity: 'error', file, message: `Cannot restore: ${file} changed while it was being checked. Nothing was changed.` });
  }
  return read;
}
