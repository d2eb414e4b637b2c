// The one place that reads and replaces the database file. sql.js works on the whole file in memory, so a
// read remembers exactly what it saw, and a replace only happens when nothing else has touched the file since.
import * as fs from 'fs';
import * as fsp from 'fs/promises';
import * as path from 'path';
import { sweepTemps, writeFileAtomic, type WriteHooks } from '../atomic';
import { inspectDatabaseHeader, type DatabaseHeader } from '../dbheader';
import { sha256OfBytes, sha256OfFile } from '../hash';
import { ok, type Result } from '../../model';
import { hardLinks, ifMissing, resolveDatabaseFile } from '../dbpath';
import { checkNoHolders } from './holders';
import { checkSidecars } from './sidecars';
import { failWith, type ProblemCode } from '../../problems';

export type { WriteStep } from '../atomic';

export interface Snapshot {
  /** The file itself, symlinks resolved: what is read, compared and replaced. */
  realPath: string;
  exists: boolean;
  size: number;
  mtimeMs: number;
  sha256: string;
  /** Permission bits (`mode & 0o7777`) the replacement keeps. */
  mode: number;
  uid: number;
  gid: number;
}

export interface DatabaseRead {
  /** null: the file does not exist (yet). */
  bytes: Uint8Array | null;
  snapshot: Snapshot;
  /** The path as asked for, made absolute (may be a symlink to `snapshot.realPath`, whose sidecars are checked too). */
  path?: string;
  /** null when the file is missing, or damaged and read with `allowDamaged`. */
  header?: DatabaseHeader | null;
}

export interface ReadOptions {
  /** Larger files are refused before reading (default 1 GiB). */
  maxBytes: number;
  /** Skip the header check (header is then null when it fails): lets a restore replace a damaged file. */
  allowDamaged?: boolean;
  /** Read-only work never compares the bytes later, so it skips their hash (sha256 is then ''). */
  skipHash?: boolean;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;
/** Node cannot read more than this in one call, whatever maxBytes says. */
const NODE_READ_LIMIT = 2 ** 31 - 1;

export type WriteOptions = WriteHooks;

/** Resolves, checks sidecars, then reads and validates the header; nothing is opened before it is known to be a regular file. */
export async function readDatabaseFile(dbPath: string, opts: ReadOptions = { maxBytes: DEFAULT_MAX_BYTES }): Promise<Result<DatabaseRead>> {
  const abs = path.resolve(dbPath);
  try {
    const resolved = await resolveDatabaseFile(abs);
    if (!resolved.ok) {
      return resolved;
    }
    const { realPath, stat } = resolved.value;
    const sidecars = await checkAllSidecars(abs, realPath);
    if (!sidecars.ok) {
      return sidecars;
    }
    if (!stat) {
      return ok({ bytes: null, path: abs, header: null, snapshot: { realPath, exists: false, size: 0, mtimeMs: 0, sha256: '', mode: 0, uid: -1, gid: -1 } });
    }
    const limit = Math.min(opts.maxBytes, NODE_READ_LIMIT);
    if (stat.size > limit) {
      return problem('db-too-large', realPath, `${realPath} is ${stat.size} bytes, more than the ${limit}-byte maximum (sql.js keeps the whole database in memory). Raise the maximum if this is expected.`);
    }
    return await readValidated(abs, realPath, stat, opts);
  } catch (e) {
    return problem('db-unreadable', abs, `Could not read ${abs}: ${(e as Error).message}`);
  }
}

async function readValidated(abs: string, realPath: string, stat: fs.Stats, opts: ReadOptions): Promise<Result<DatabaseRead>> {
  const read = await readWhole(realPath, stat);
  if (!read) {
    return changed(realPath, 'it changed while it was being read');
  }
  const header = inspectDatabaseHeader(read.bytes, realPath);
  if (!header.ok && opts.allowDamaged !== true) {
    return header;
  }
  const st = read.stat;
  const sha256 = opts.skipHash ? '' : await sha256OfBytes(read.bytes);
  const snapshot: Snapshot = { realPath, exists: true, size: st.size, mtimeMs: st.mtimeMs, sha256, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  return ok({ bytes: read.bytes, path: abs, header: header.ok ? header.value : null, snapshot });
}

async function checkAllSidecars(abs: string, realPath: string): Promise<Result<void>> {
  const first = await checkSidecars(realPath);
  return !first.ok || abs === realPath ? first : checkSidecars(abs);
}

/** Reads the whole file through one descriptor; undefined when it is not the file that was stat'ed or its size moved. */
async function readWhole(realPath: string, expected: fs.Stats): Promise<{ bytes: Uint8Array; stat: fs.Stats } | undefined> {
  const fh = await openNoBlock(realPath);
  try {
    const stat = await fh.stat();
    if (!stat.isFile() || stat.ino !== expected.ino || stat.dev !== expected.dev) {
      return undefined;
    }
    const bytes = Buffer.alloc(stat.size);
    let offset = 0;
    while (offset < stat.size) {
      const { bytesRead } = await fh.read(bytes, offset, stat.size - offset, offset);
      if (bytesRead === 0) {
        return undefined;
      }
      offset += bytesRead;
    }
    const { bytesRead: extra } = await fh.read(Buffer.alloc(1), 0, 1, stat.size);
    return extra === 0 ? { bytes, stat } : undefined;
  } finally {
    await fh.close();
  }
}

/** O_NONBLOCK: should the path have become a FIFO since it was stat'ed, open returns instead of waiting for a writer. */
function openNoBlock(file: string): Promise<fsp.FileHandle> {
  return fsp.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
}

/**
 * Replaces the file read by `read` with `bytes`, atomically, only if no sidecar holds data and the file on disk is
 * still byte-for-byte what was read (checked before writing and again right before the rename).
 */
export async function replaceDatabaseFile(read: DatabaseRead, bytes: Uint8Array, opts: WriteOptions = {}): Promise<Result<{ notes: string[] }>> {
  try {
    return await replaceChecked(read, bytes, opts);
  } catch (e) {
    const file = read.snapshot.realPath;
    return problem('write-failed', file, `Could not write ${file}: ${(e as Error).message}. ${file} is unchanged.`);
  }
}

async function replaceChecked(read: DatabaseRead, bytes: Uint8Array, opts: WriteOptions): Promise<Result<{ notes: string[] }>> {
  const snap = read.snapshot;
  const header = inspectDatabaseHeader(bytes, `the new contents for ${snap.realPath}`);
  if (!header.ok) {
    return header;
  }
  const preconditions = async (): Promise<Result<void>> => {
    const sidecars = await checkAllSidecars(read.path ?? snap.realPath, snap.realPath);
    if (!sidecars.ok) return sidecars;
    const holders = snap.exists ? await checkNoHolders(snap.realPath) : ok(undefined);
    return holders.ok ? checkUnchanged(snap) : holders;
  };
  const before = await preconditions();
  if (!before.ok) {
    return before;
  }
  if (!snap.exists) {
    await fsp.mkdir(path.dirname(snap.realPath), { recursive: true });
  }
  const written = await writeFileAtomic(snap.realPath, bytes, {
    ...opts,
    mode: snap.exists ? snap.mode : undefined,
    owner: snap.exists ? { uid: snap.uid, gid: snap.gid } : undefined,
    beforeCommit: preconditions,
  });
  if (!written.ok) {
    return written;
  }
  const notes = read.header?.walMode && !header.value.walMode
    ? [`${snap.realPath} was in WAL mode and is now in rollback-journal mode (sql.js always writes that mode); run "PRAGMA journal_mode=WAL" once to switch back.`]
    : [];
  return ok({ notes });
}

/** Still the same bytes (sha256, size, mtime), or still absent when it was missing. */
async function checkUnchanged(snap: Snapshot): Promise<Result<void>> {
  const st = await fsp.stat(snap.realPath).catch(ifMissing(undefined));
  if (!snap.exists) {
    return st ? changed(snap.realPath, 'it did not exist then and another program has created it') : ok(undefined);
  }
  if (!st) {
    return changed(snap.realPath, 'it has been deleted or moved');
  }
  if (!st.isFile()) {
    return changed(snap.realPath, 'it is no longer a regular file');
  }
  if (st.nlink > 1) {
    return hardLinks(snap.realPath, st.nlink);
  }
  if (st.size !== snap.size || st.mtimeMs !== snap.mtimeMs || (await sha256OfFile(snap.realPath)) !== snap.sha256) {
    return changed(snap.realPath, 'another program wrote to it');
  }
  return ok(undefined);
}

/** Removes temp files a crashed run left beside the database; returns their paths so the caller can say so. */
export function sweepStaleTemps(dbRealPath: string): Promise<string[]> {
  const base = path.basename(dbRealPath);
  return sweepTemps(path.dirname(path.resolve(dbRealPath)), (target) => target === base);
}

function changed(file: string, why: string): Result<never> {
  return problem('db-changed', file, `${file} changed on disk since it was read (${why}). Nothing was written; the file is as the other program left it. Run the operation again.`);
}

function problem(code: ProblemCode, file: string, message: string): Result<never> {
  return failWith(code, message, { file });
}
