// `up` runs a migration's test file before its COMMIT: a failed assertion fails the migration like a failed
// statement (rolled back, ledger 'failed'), with the test file's line, expected and actual. `verify` runs the newest
// applied migration's test file the same way, in a savepoint that is rolled back.
import * as fs from 'node:fs';
import { fileLabel } from '../migrations/label';
import type { Connection } from '../engine/connection';
import { decodeSqlText } from '../migrations/checksum';
import type { Migration, Problem } from '../model';
import { problem } from '../problems';
import { parseTestFile } from './parse';
import { runTestFile } from './run';

/** For `up`: the first failure of the migration's tests, said as a rollback, or undefined when they pass (or it has none). */
export function migrationTestFailure(db: Connection, m: Migration): Problem | undefined {
  const failed = firstTestFailure(db, m);
  return failed && { ...failed, message: `${failed.message}; ${m.name} was rolled back (--skip-tests applies it without its tests).` };
}

/** The first failure of the migration's test file (unreadable, unparsable, or an assertion), or undefined when they pass. */
export function firstTestFailure(db: Connection, m: Migration): Problem | undefined {
  if (!m.testPath) return undefined;
  const file = m.testPath;
  const label = fileLabel(file);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    return problem('unreadable', `${label} cannot be read: ${(e as Error).message}`, { file });
  }
  const text = decodeSqlText(bytes, file);
  if (!text.ok) return text.error;
  const parsed = parseTestFile(text.value, file, label);
  if (!parsed.ok) return { ...parsed.error, message: parsed.error.message.replace(/\.$/, '') };
  const failed = runTestFile(db, parsed.value).find((r) => r.status === 'failed');
  if (!failed) return undefined;
  return problem('test-failed', `${label}:${failed.line}: ${failed.name}: expected ${failed.expected}, actual ${failed.actual}`, { file, line: failed.line });
}
