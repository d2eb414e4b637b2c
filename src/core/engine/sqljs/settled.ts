// A consistent read of a database file that another program may be writing, without SQLite's locks.
import * as path from 'path';
import { fail, type Result } from '../../model';
import { readDatabaseFile, type DatabaseRead } from './dbfile';
import { checkSidecars } from './sidecars';
import { problem } from '../../problems';

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
  return fail(problem('db-changing', `Not backed up: ${file} changed each of the ${SETTLE_ATTEMPTS + 1} times it was read (another program keeps writing to it). Try again when it is idle, or use the native engine, which copies it through SQLite's locks.`, { file }));
}
