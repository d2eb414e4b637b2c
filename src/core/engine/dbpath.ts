// Where a database path really leads, checked before any engine opens it: a symbolic link is followed
// to the real file, and a folder, a FIFO, a device or a file with several hard links is refused.
import { constants as fsc, type Stats } from 'fs';
import * as fsp from 'fs/promises';
import * as path from 'path';
import { ok, type Problem, type Result } from '../model';
import { failWith, type ProblemCode } from '../problems';

/** lstat/stat before anything is opened, so a FIFO is never opened and a folder never read; `stat` is absent when there is no file yet. */
export async function resolveDatabaseFile(abs: string): Promise<Result<{ realPath: string; stat?: Stats }>> {
  const link = await fsp.lstat(abs).catch(ifMissing(undefined));
  if (!link) {
    const dir = await fsp.realpath(path.dirname(abs)).catch(() => path.dirname(abs));
    return ok({ realPath: path.join(dir, path.basename(abs)) });
  }
  const realPath = await fsp.realpath(abs).catch(() => undefined);
  if (!realPath) {
    return problem('db-broken-link', abs, `${abs} is a symbolic link to ${await fsp.readlink(abs).catch(() => '?')}, which does not exist or loops.`);
  }
  const stat = await fsp.stat(realPath);
  if (stat.isDirectory()) {
    return problem('db-not-a-file', realPath, `${realPath} is a folder, not a database file.`);
  }
  if (!stat.isFile()) {
    return problem('db-not-a-file', realPath, `${realPath} is not a regular file (a FIFO, socket or device), so it is not read.`);
  }
  if (stat.nlink > 1) {
    return hardLinks(realPath, stat.nlink);
  }
  return ok({ realPath, stat });
}

export function hardLinks(file: string, count: number): Result<never> {
  return problem('db-hard-links', file, `${file} has ${count} hard links; replacing it would leave the other names pointing at the old contents. Keep a single name (use a symbolic link instead) and try again.`);
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

function problem(code: ProblemCode, file: string, message: string): Result<never> {
  return failWith(code, message, { file });
}

/**
 * Whether this user may change the database: the file itself, and its folder, where SQLite keeps its
 * journal and sql.js writes its temporary file and lock. Checked before anything is written, so the
 * answer is a message and never a failure halfway.
 */
export async function writeDenied(realPath: string, exists: boolean): Promise<Problem | undefined> {
  const folder = await nearestFolder(path.dirname(realPath));
  const file = exists ? await fsp.access(realPath, fsc.R_OK | fsc.W_OK).then(() => true, () => false) : true;
  const dir = await fsp.access(folder, fsc.W_OK | fsc.X_OK).then(() => true, () => false);
  if (file && dir) return undefined;
  const what = !file ? `${realPath} is read-only for this user` : `the folder ${folder} is read-only for this user, and SQLite keeps its journal there`;
  return { code: 'db-read-only', severity: 'error', file: realPath, message: `${what}; nothing was changed. Changing it needs write permission on the database file and its folder.` };
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
  return { code: 'no-database', severity: 'error', file, message: `${file} does not exist: ${nothing}.` };
}

/** Tasks that need an existing database file. */
export function needsDatabase(kind: string): kind is 'down' | 'baseline' {
  return kind === 'down' || kind === 'baseline';
}

/** Said when the database file did not exist: created by this operation, or by the first "up". */
export function missingDatabaseNote(file: string, created: boolean): Problem {
  const message = created ? `${file} did not exist; it is created by this operation.` : `${file} does not exist yet; it is created by the first "up".`;
  return { code: 'no-database', severity: 'info', file, message };
}
