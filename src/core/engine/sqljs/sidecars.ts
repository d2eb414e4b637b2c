// SQLite keeps data outside the database file in its sidecars (-wal, -shm, -journal). sql.js only ever sees the
// main file, so reading or replacing it while a sidecar holds data loses that data. We only look: a sidecar is
// never created, deleted or renamed here, because SQLite needs it to recover.
import * as fsp from 'fs/promises';
import type { Stats } from 'fs';
import { fail, ok, type Result } from '../../model';
import { problem } from '../../problems';
import { findLitestreamFolder, replicatedReadRefusal } from '../litestream';

const CHECKPOINT = 'PRAGMA wal_checkpoint(TRUNCATE)';

/** Refuses when `-wal` is non-empty, `-shm` exists, or `-journal` is hot; the message says what was found and what to do. */
export async function checkSidecars(dbRealPath: string): Promise<Result<void>> {
  const findings = [
    await walFinding(dbRealPath),
    await shmFinding(dbRealPath),
    await journalFinding(dbRealPath),
  ].filter((f): f is string => f !== undefined);
  if (findings.length === 0) {
    return ok(undefined);
  }
  // Under Litestream the usual advice (checkpoint, close the program) would disturb the replication.
  const replica = await findLitestreamFolder(dbRealPath);
  if (replica) return fail(replicatedReadRefusal(dbRealPath, replica));
  return fail(problem('db-sidecar', `${dbRealPath} cannot be read or replaced safely: ${findings.join(' ')} Nothing was changed.`, { file: dbRealPath }));
}

async function walFinding(db: string): Promise<string | undefined> {
  const wal = `${db}-wal`;
  const st = await statOrUndefined(wal);
  if (!st || (st.isFile() && st.size === 0)) {
    return undefined;
  }
  return `${wal} holds ${st.size} bytes of committed changes that are not in the database file yet (WAL mode).` +
    ` Close the program using the database, or run "${CHECKPOINT}" in it, then try again.`;
}

async function shmFinding(db: string): Promise<string | undefined> {
  const shm = `${db}-shm`;
  if (!(await statOrUndefined(shm))) {
    return undefined;
  }
  return `${shm} exists, so a program has the database open in WAL mode (or one crashed while it had).` +
    ` Close that program; if none is running, open the database once with the sqlite3 shell and quit, so SQLite cleans up.`;
}

/**
 * A journal with a non-zero header is hot (a crashed writer's: SQLite will roll it back) or live (a transaction in
 * progress; its magic is only written at sync, but the nonce and sizes in bytes 12-27 already are). Either way the
 * database file is not what it will be. A zero-length journal (journal_mode=TRUNCATE) or an all-zero header
 * (journal_mode=PERSIST) is finished. SQLite's own test (pager.c, hasHotJournal) looks at the first byte only.
 */
async function journalFinding(db: string): Promise<string | undefined> {
  const journal = `${db}-journal`;
  const st = await statOrUndefined(journal);
  if (!st || (st.isFile() && (st.size === 0 || !(await headerHasData(journal))))) {
    return undefined;
  }
  return `${journal} holds an unfinished transaction (a program is writing to the database, or crashed while writing).` +
    ' Close the program; if none is running, open the database once with the sqlite3 shell so SQLite rolls the transaction back, then try again.';
}

const JOURNAL_HEADER = 28;

async function headerHasData(file: string): Promise<boolean> {
  // Deleted between the stat and the open: the transaction it held has just finished.
  const fh = await fsp.open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (!fh) return false;
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(JOURNAL_HEADER), 0, JOURNAL_HEADER, 0);
    return buffer.subarray(0, bytesRead).some((b) => b !== 0);
  } finally {
    await fh.close();
  }
}

async function statOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await fsp.stat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw e;
  }
}
