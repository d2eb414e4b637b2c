// Work on whole database files that runs in the worker thread, never on the caller's: checking a file with
// sql.js, and taking a backup (a consistent read, the copy written, the copy verified).
import { nothingToBackUp } from '../backups';
import { sha256OfFile } from '../hash';
import { fail, ok, type Result } from '../../model';
import { problem } from '../../problems';
import { openAndCheck } from './checkBytes';
import { writeCopy } from './copyFile';
import { readDatabaseFile } from './dbfile';
import { loadSqlJs } from './load';
import { readSettled } from './settled';
import type { FileToRead, SnapshotRequest } from './task';

/** Answers the SHA-256 of the bytes it checked, so the caller knows they are the ones it has or wrote. */
export async function checkFile(check: FileToRead): Promise<Result<{ sha256: string }>> {
  const read = await readDatabaseFile(check.file, { maxBytes: check.maxBytes });
  if (!read.ok) return read;
  if (!read.value.bytes) return fail(problem('backup-missing', `${check.file} does not exist.`, { file: check.file }));
  const checked = openAndCheck(await loadSqlJs(), read.value.bytes, check.label ?? read.value.snapshot.realPath);
  return checked.ok ? ok({ sha256: read.value.snapshot.sha256 }) : checked;
}

export interface Snapshot {
  readonly check: Result<unknown>;
  /** The copy holds the same bytes as the newest backup. */
  readonly sameAsNewest: boolean;
  /** Writing the copy failed: the error as thrown, for the caller to rethrow. */
  readonly writeError?: { readonly message: string; readonly code?: string; readonly path?: string };
}

/**
 * Fails when the file cannot be read as one state; else the copy exists and `check` says whether it holds exactly
 * the bytes read and (unless they were checked before) passes integrity_check.
 */
export async function snapshotToFile(req: SnapshotRequest['snapshot']): Promise<Result<Snapshot>> {
  const file = req.label ?? req.file;
  const read = await readSettled(req.file, req.maxBytes);
  if (!read.ok) return read;
  const { bytes, snapshot } = read.value;
  if (!bytes) return fail(nothingToBackUp(file));
  if (req.expectSha256 && snapshot.sha256 !== req.expectSha256) {
    return fail(problem('db-changed', `${file} changed on disk since it was read; nothing was changed. Run the operation again.`, { file }));
  }
  try {
    await writeCopy(req.copyTo, bytes, req.mode, req.owner);
  } catch (e) {
    // The caller words a failure to write into the backups folder (permission, full disk) as for any backup.
    const err = e as NodeJS.ErrnoException;
    return ok({ check: ok(undefined), sameAsNewest: false, writeError: { message: err.message, code: err.code, path: err.path } });
  }
  const copied = req.expectSha256 ? ok({ sha256: await sha256OfFile(req.copyTo) }) : await checkFile({ file: req.copyTo, label: file, maxBytes: req.maxBytes });
  if (!copied.ok) return ok({ check: copied, sameAsNewest: false });
  const same = copied.value.sha256 === snapshot.sha256;
  const sameAsNewest = same && req.newest !== undefined && (await sha256OfFile(req.newest).catch(() => '')) === snapshot.sha256;
  return ok({ check: same ? ok(undefined) : fail(problem('backup-mismatch', `the copy of ${file} differs from the bytes that were read.`, { file })), sameAsNewest });
}
