// Writing a file so that a crash or a kill at any moment leaves either the old file or the new one, never a mix:
// write a temp file in the same folder, fsync it, rename it over the target, fsync the folder.
import { randomBytes } from 'crypto';
import * as fsp from 'fs/promises';
import * as path from 'path';
import { fileSystemAdvice, isFileSystemError } from '../fsErrors';
import { fail, ok, type Problem, type Result } from '../model';
import { problem } from '../problems';

export type WriteStep = 'temp-created' | 'temp-written' | 'temp-synced' | 'renamed' | 'dir-synced';

export interface WriteHooks {
  /** Awaited after each step: lets a test (or a CLI env var) stop or kill the process at a precise point. */
  onStep?: (step: WriteStep) => Promise<void> | void;
  /** Defaults to `process.platform`: Windows skips the folder fsync and retries renames the OS refuses while the file is in use. */
  platform?: NodeJS.Platform;
  /** How many times a refused rename is retried on Windows (default 10, 100 ms apart). */
  renameRetries?: number;
  onRenameRetry?: (attempt: number, error: NodeJS.ErrnoException) => Promise<void> | void;
}

export interface AtomicWriteOptions extends WriteHooks {
  /** Permission bits for the new file; when absent the process umask decides. */
  mode?: number;
  owner?: { uid: number; gid: number };
  /** Last check before the target changes (the temp is written and synced); a failure aborts with the target untouched. */
  beforeCommit?: (tempPath: string) => Promise<Result<void>>;
  /** Never replace an existing file: try `target`, then `alternate(2)`, `alternate(3)`, ... until a free name is found. */
  noClobber?: { alternate: (attempt: number) => string; attempts: number };
  /** Random part of the temp name; injectable so a test can predict it. */
  random?: () => string;
}

export const TEMP_SUFFIX = '.sqlite-migrations-tmp';
const TEMP_NAME = /^\.(.+)\.(\d+)\.([0-9a-zA-Z]+)\.sqlite-migrations-tmp$/;
const IN_USE_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);

export function tempNameFor(target: string, pid: number, random: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${pid}.${random}${TEMP_SUFFIX}`);
}

/** Writes `bytes` to `target` atomically; returns the path written (with `noClobber`, the free name chosen). */
export async function writeFileAtomic(target: string, bytes: Uint8Array, opts: AtomicWriteOptions = {}): Promise<Result<{ path: string }>> {
  const temp = tempNameFor(target, process.pid, (opts.random ?? randomName)());
  let created = false;
  try {
    await writeTemp(temp, bytes, opts, () => (created = true));
    return await commitTemp(temp, target, opts);
  } catch (e) {
    return fail(describeFailure(e as NodeJS.ErrnoException, target, false, await exists(target)));
  } finally {
    if (created) {
      await removeQuietly(temp); // after a rename it is gone already; never remove a file 'wx' did not create
    }
  }
}

/**
 * Puts a written and synced temp file in place: the last check, the rename (or, with `noClobber`, a link
 * to the first free name), then the folder's fsync. The caller removes the temp, which a link leaves.
 */
export async function commitTemp(temp: string, target: string, opts: AtomicWriteOptions = {}): Promise<Result<{ path: string }>> {
  let committed: string | undefined;
  try {
    const check = opts.beforeCommit ? await opts.beforeCommit(temp) : ok(undefined);
    if (!check.ok) {
      return check;
    }
    committed = await commit(temp, target, opts);
    await opts.onStep?.('renamed');
    if ((opts.platform ?? process.platform) !== 'win32') {
      await syncFolder(path.dirname(target));
      await opts.onStep?.('dir-synced');
    }
    return ok({ path: committed });
  } catch (e) {
    return fail(describeFailure(e as NodeJS.ErrnoException, committed ?? target, committed !== undefined, committed !== undefined || (await exists(target))));
  }
}

export function randomName(): string {
  return randomBytes(6).toString('hex');
}

async function writeTemp(temp: string, bytes: Uint8Array, opts: AtomicWriteOptions, onCreated: () => void): Promise<void> {
  const fh = await fsp.open(temp, 'wx', opts.mode ?? 0o666);
  onCreated();
  try {
    await opts.onStep?.('temp-created');
    if (opts.mode !== undefined) {
      await fh.chmod(opts.mode); // 'wx' applies the umask; the copy must keep the original's exact mode
    }
    if (opts.owner) {
      // The replacement keeps the original's owner, or it is not made: never take a file over.
      const { uid, gid } = opts.owner;
      await fh.chown(uid, gid).catch((e: NodeJS.ErrnoException) => {
        throw new Error(`the new file could not be given the original's owner and group (${uid}:${gid}, ${e.code}); run as its owner, or use the native engine, which writes the file in place`);
      });
    }
    await fh.writeFile(bytes);
    await opts.onStep?.('temp-written');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await opts.onStep?.('temp-synced');
}

/** Renames the temp over the target, or with `noClobber` links it to the first free name (link never overwrites). */
async function commit(temp: string, target: string, opts: AtomicWriteOptions): Promise<string> {
  if (!opts.noClobber) {
    await renameWithRetries(temp, target, opts);
    return target;
  }
  for (let attempt = 1; attempt <= opts.noClobber.attempts; attempt++) {
    const name = attempt === 1 ? target : opts.noClobber.alternate(attempt);
    if (await linkUnlessTaken(temp, name)) {
      return name;
    }
  }
  throw Object.assign(new Error(`no free name after ${opts.noClobber.attempts} attempts`), { code: 'EEXIST' });
}

/** Returns false when `name` is taken. Where hard links are unsupported, checks then renames (a small race, no worse). */
async function linkUnlessTaken(temp: string, name: string): Promise<boolean> {
  try {
    await fsp.link(temp, name);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') {
      return false;
    }
    if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP'].includes(code)) {
      throw e;
    }
  }
  const taken = await fsp.lstat(name).then(() => true, () => false);
  if (!taken) {
    await fsp.rename(temp, name);
  }
  return !taken;
}

async function renameWithRetries(temp: string, target: string, opts: WriteHooks): Promise<void> {
  const retries = (opts.platform ?? process.platform) === 'win32' ? opts.renameRetries ?? 10 : 0;
  for (let attempt = 1; ; attempt++) {
    try {
      await fsp.rename(temp, target);
      return;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (attempt > retries || !IN_USE_CODES.has(err.code ?? '')) {
        throw Object.assign(err, { inUse: retries > 0 && IN_USE_CODES.has(err.code ?? ''), attempts: attempt });
      }
      await opts.onRenameRetry?.(attempt, err);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function syncFolder(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } catch (e) {
    // Some file systems cannot fsync a folder; the rename itself has still happened.
    if (!['EINVAL', 'ENOTSUP', 'EISDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) {
      throw e;
    }
  } finally {
    await fh.close();
  }
}

/** Only asked after a failure: whether "unchanged" or "not created" is the truth. */
function exists(file: string): Promise<boolean> {
  return fsp.lstat(file).then(() => true, (e: NodeJS.ErrnoException) => e.code !== 'ENOENT');
}

function describeFailure(err: NodeJS.ErrnoException & { inUse?: boolean; attempts?: number }, file: string, committed: boolean, existed: boolean): Problem {
  if (committed) {
    return problem('write-unconfirmed', `${file} now holds the new contents, but making that durable failed: ${err.message}`, { file });
  }
  if (err.inUse) {
    return problem('file-in-use', `${file} is in use by another program (${err.code} after ${err.attempts} attempts to replace it). Close programs using it and try again; ${file} is unchanged.`, { file });
  }
  const why = isFileSystemError(err) && err.code !== 'EEXIST' ? fileSystemAdvice(err, adviceTarget(err, file), 'write') : err.message;
  return problem('write-failed', `Could not write ${file}: ${why}. ${existed ? `${file} is unchanged` : `${file} was not created`}.`, { file });
}

/**
 * The path a failure's advice names: the file on a full disk; the folder when this user may not create the temp
 * file in it or rename it there (the temp's name means nothing to the user); else the path the error names.
 */
function adviceTarget(err: NodeJS.ErrnoException, file: string): string {
  if (err.code === 'ENOSPC' || err.code === 'EDQUOT') return file;
  const denied = err.code === 'EACCES' || err.code === 'EPERM';
  if (denied && (!err.path || path.dirname(err.path) === path.dirname(file))) return path.dirname(file);
  return err.path ?? file;
}

export async function removeQuietly(file: string): Promise<void> {
  await fsp.rm(file, { force: true }).catch(() => undefined);
}

/** Removes temp files a crashed run left in `dir` (only those whose process is gone); `base` limits it to one target's temps. */
export async function sweepTemps(dir: string, base?: (target: string) => boolean): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return [];
    }
    throw e;
  }
  const removed: string[] = [];
  for (const name of names.sort()) {
    const m = TEMP_NAME.exec(name);
    if (m && (!base || base(m[1])) && !isProcessAlive(Number(m[2]))) {
      await fsp.rm(path.join(dir, name), { force: true });
      removed.push(path.join(dir, name));
    }
  }
  return removed;
}

/** Unknown or odd pids count as alive, so a file we cannot account for is kept. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid > 0x7fffffff) {
    return true;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
