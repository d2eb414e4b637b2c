// Backups and restore on the sql.js path: the backup is the bytes that were read (and checked), and a
// restore replaces the database file atomically, after backing up the current one.
import * as fsp from 'fs/promises';
import * as path from 'path';
import { noSuchBackup, nothingToBackUp, placeBackup, type BackupPlace, type CreatedBackup } from '../backups';
import { sha256OfBytes } from '../hash';
import type { Owner } from '../folders';
import { fail, ok, type Result } from '../../model';
import { DEFAULT_MAX_BYTES, readDatabaseFile, replaceDatabaseFile, type DatabaseRead, type ReadOptions, type WriteOptions } from './dbfile';
import { writeCopy } from './copyFile';
import { checkInWorker, snapshotInWorker } from './workerClient';
import { problem } from '../../problems';

export interface BackupOptions extends BackupPlace {
  /** What the caller already read with readDatabaseFile, so the backup is exactly those bytes. */
  source?: DatabaseRead;
  maxBytes?: number;
  /**
   * The SHA-256 of bytes that already passed integrity_check (the engine checks them in its worker before
   * migrating): the file must still hold them, and the copy is verified by its hash alone.
   */
  checkedSha256?: string;
  /** For the worker that checks a copy or a backup with sql.js (default: 10 minutes). */
  timeLimitMs?: number;
}

const DEFAULT_CHECK_LIMIT_MS = 10 * 60 * 1000;

export async function createBackup(dbRealPath: string, opts: BackupOptions): Promise<Result<CreatedBackup>> {
  if (!opts.source) return backupInWorker(dbRealPath, opts);
  const source = await sourceBytes(opts.source);
  if (!source.ok) {
    return source;
  }
  const { bytes, realPath, mode, owner, sha256 } = source.value;
  const place = { ...opts, mode, owner };
  return placeBackup(realPath, place, (temp) => writeCopy(temp, bytes, mode, owner), (temp) => verifyCopy(temp, realPath, sha256, opts));
}

/**
 * A backup from the file on disk: a worker reads it until two reads agree (or, before a migration is written,
 * checks they are the bytes that were migrated), writes the copy and verifies it, so this thread (in VS Code, the
 * extension host's) never holds or hashes the bytes.
 */
async function backupInWorker(dbPath: string, opts: BackupOptions): Promise<Result<CreatedBackup>> {
  const realPath = await fsp.realpath(dbPath).catch(() => path.resolve(dbPath));
  const stat = await fsp.stat(realPath).catch(() => undefined);
  if (!stat?.isFile()) {
    return fail(nothingToBackUp(realPath));
  }
  const mode = stat.mode & 0o7777;
  const owner = { uid: stat.uid, gid: stat.gid };
  let checked: Result<unknown> = ok(undefined);
  const write = async (temp: string, newest: string | undefined): Promise<Result<{ sameAsNewest: boolean }>> => {
    const request = { file: dbPath, label: realPath, maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES, copyTo: temp, mode, owner, expectSha256: opts.checkedSha256, newest };
    const made = await snapshotInWorker(request, opts.timeLimitMs ?? DEFAULT_CHECK_LIMIT_MS);
    if (!made.ok) return made;
    if (made.value.writeError) throw Object.assign(new Error(made.value.writeError.message), made.value.writeError);
    checked = made.value.check;
    return ok({ sameAsNewest: made.value.sameAsNewest });
  };
  return placeBackup(realPath, { ...opts, mode, owner }, write, async () => checked);
}

/** The copy must hold exactly the bytes read and pass integrity_check, checked with sql.js in a worker. */
async function verifyCopy(copy: string, file: string, sha256: string, opts: BackupOptions): Promise<Result<unknown>> {
  const check = await checkInWorker({ file: copy, label: file, maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES }, opts.timeLimitMs ?? DEFAULT_CHECK_LIMIT_MS);
  if (!check.ok) return fail({ ...check.error, file });
  return check.value.sha256 === sha256
    ? ok(undefined)
    : fail(problem('backup-mismatch', `the copy of ${file} differs from the bytes that were read.`, { file }));
}

/** Bytes the caller read (a restore's current file): exactly those are backed up. */
async function sourceBytes(source: DatabaseRead): Promise<Result<{ bytes: Uint8Array; realPath: string; mode: number; owner: Owner; sha256: string }>> {
  const { bytes, snapshot } = source;
  const file = snapshot.realPath;
  if (!bytes) {
    return fail(nothingToBackUp(file));
  }
  // sql.js writes into the array it is given, and a transfer to a worker empties it: back up only what was read.
  if ((await sha256OfBytes(bytes)) !== snapshot.sha256) {
    return fail(problem('backup-source-modified', `Not backed up: the bytes read from ${file} were modified in memory after they were read (give sql.js a copy).`, { file }));
  }
  return ok({ bytes, realPath: file, mode: snapshot.mode, owner: { uid: snapshot.uid, gid: snapshot.gid }, sha256: snapshot.sha256 });
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
    return fail(noSuchBackup(file));
  }
  const file = read.value.snapshot.realPath;
  const check = await checkInWorker({ file, maxBytes: opts.maxBytes }, opts.timeLimitMs ?? DEFAULT_CHECK_LIMIT_MS);
  if (!check.ok) {
    return fail({ ...check.error, message: `Cannot restore: ${check.error.message} Nothing was changed.` });
  }
  if (check.value.sha256 !== read.value.snapshot.sha256) {
    return fail(problem('db-changed', `Cannot restore: ${file} changed while it was being checked. Nothing was changed.`, { file }));
  }
  return read;
}
