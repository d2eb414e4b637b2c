// Where a database path really leads, checked before any engine opens it: a symbolic link is followed
// to the real file, and a folder, a FIFO, a device or a file with several hard links is refused.
import { constants as fsc, type Stats } from 'fs';
import * as fsp from 'fs/promises';
import * as path from 'path';
import { ok, type Problem, type Result } from '../model';
import { failWith, problem, type ProblemCode } from '../problems';

/** lstat/stat before anything is opened, so a FIFO is never opened and a folder never read; `stat` is absent when there is no file yet. */
export async function resolveDatabaseFile(abs: string): Promise<Result<{ realPath: string; stat?: Stats }>> {
  const link = await fsp.lstat(abs).catch(ifMissing(undefined));
  if (!link) {
    const dir = await fsp.realpath(path.dirname(abs)).catch(() => path.dirname(abs));
    return ok({ realPath: path.join(dir, path.basename(abs)) });
  }
  const realPath = await fsp.realpath(abs).catch(() => undefined);
  if (!realPath) {
    return failAt('db-broken-link', abs, `${abs} is a symbolic link to ${await fsp.readlink(abs).catch(() => '?')}, which does not exist or loops.`);
  }
  const stat = await fsp.stat(realPath);
  if (stat.isDirectory()) {
    return failAt('db-not-a-file', realPath, `${realPath} is a folder, not a database file.`);
  }
  if (!stat.isFile()) {
    return failAt('db-not-a-file', realPath, `${realPath} is not a regular file (a FIFO, socket or device), so it is not read.`);
  }
  if (stat.nlink > 1) {
    return hardLinks(realPath, stat.nlink);
  }
  return ok({ realPath, stat });
}

export function hardLinks(file: string, count: number): Result<never> {
  return failAt('db-hard-links', file, `${file} has ${count} hard links; replacing it would leave the other names pointing at the old contents. Keep a single name (use a symbolic link instead) and try again.`);
}

/** For `.catch`: a missing file becomes `value`; any other error is rethrown. */
export function ifMissing<T>(value: T): (e: NodeJS.ErrnoException) => T {
  return (e) => {
    if (e.code === 'ENOENT') {
      return value;
    }
    throw e;
  };
}

function failAt(code: ProblemCode, file: string, message: string): Result<never> {
  return failWith(code, message, { file });
}

/**
 * Whether this user may change the database: the file itself, and its folder, where SQLite keeps its
 * journal and sql.js writes its temporary file and lock. Checked before anything is written, so the
 * answer is a message and never a failure halfway.
 */
export async function writeDenied(realPath: string, exists: boolean): Promise<Problem | undefined> {
  const folder = await nearestFolder(path.dirname(realPath));
  const file = exists ? await writable(realPath, fsc.R_OK | fsc.W_OK) : 'yes';
  const dir = await writable(folder, fsc.W_OK | fsc.X_OK);
  if (file === 'yes' && dir === 'yes') return readOnlyMode(realPath, exists);
  if (file === 'read-only-fs' || (file === 'yes' && dir === 'read-only-fs')) {
    return readOnly(realPath, `${realPath} is on a read-only file system; nothing was changed. Remount it read-write, or work on a copy elsewhere.`);
  }
  const what = file !== 'yes' ? `${realPath} is read-only for this user` : `the folder ${folder} is read-only for this user, and SQLite keeps its journal there`;
  return readOnly(realPath, `${what}; nothing was changed. Changing it needs write permission on the database file and its folder.`);
}

async function writable(file: string, mode: number): Promise<'yes' | 'no' | 'read-only-fs'> {
  return fsp.access(file, mode).then(() => 'yes' as const, (e: NodeJS.ErrnoException) => (e.code === 'EROFS' ? 'read-only-fs' : 'no'));
}

/**
 * Root may write any file, but a file nobody may write (0444) was made read-only on purpose, and the
 * sqlite3 shell of any other user refuses it: so do we, and we never change its mode.
 */
async function readOnlyMode(realPath: string, exists: boolean): Promise<Problem | undefined> {
  if (!exists) return undefined;
  const mode = (await fsp.stat(realPath)).mode & 0o777;
  if (mode & 0o222) return undefined;
  return readOnly(realPath, `${realPath} is read-only (mode ${mode.toString(8).padStart(4, '0')}); nothing was changed. Make it writable (chmod u+w) if it is meant to change.`);
}

function readOnly(file: string, message: string): Problem {
  return problem('db-read-only', message, { file });
}

/**
 * sql.js replaces the file with a new one, which belongs to whoever creates it: for a file of another
 * user, only root can give the new one the old owner, so anyone else is refused rather than take the
 * file over. (A group the new file cannot be given stops the write itself, before the rename.)
 */
export function ownerChangeRefused(realPath: string, st: { uid: number }): Problem | undefined {
  const uid = process.geteuid?.();
  if (uid === undefined || uid === 0 || st.uid === uid) return undefined;
  return readOnly(realPath, `${realPath} belongs to user ${st.uid}, and the sql.js engine replaces the file, which would make this user its owner; nothing was changed. Run as its owner, or use the native engine, which writes it in place.`);
}

async function nearestFolder(dir: string): Promise<string> {
  for (let d = dir; ; d = path.dirname(d)) {
    if (await fsp.stat(d).then((s) => s.isDirectory(), () => false)) return d;
    if (path.dirname(d) === d) return d;
  }
}

/** `down` or `baseline` on a database that does not exist. */
export function noDatabase(file: string, task: 'down' | 'baseline' = 'down'): Problem {
  const nothing = task === 'down' ? 'there is nothing to roll back' : 'there is no existing database to baseline (the first "up" creates it)';
  return problem('no-database', `${file} does not exist: ${nothing}.`, { file });
}

/** Tasks that need an existing database file. */
export function needsDatabase(kind: string): kind is 'down' | 'baseline' {
  return kind === 'down' || kind === 'baseline';
}

/** Said when the database file did not exist: created by this operation, or by the first "up". */
export function missingDatabaseNote(file: string, created: boolean): Problem {
  const message = created ? `${file} did not exist; it is created by this operation.` : `${file} does not exist yet; it is created by the first "up".`;
  return problem('no-database', message, { severity: 'info', file });
}
