import { fileLabel } from '../migrations/label';
import type { Connection } from '../engine/connection';
import { firstTestFailure } from '../testing/gate';
import { foreignKeyCheck, integrityCheck, type CheckResult } from './integrity';
import { inspectLedger, readAppliedNames, readLedger } from '../ledger/ledger';
import type { Migration } from '../model';
import { mergeStatus, type MigrationState } from '../ledger/status';

/**
 * The spec's post-migration checks as pass/fail results: SQLite's integrity_check and
 * foreign_key_check, the ledger's shape, no failed or file-less rows, and no applied file edited since.
 */
export function verifyDatabase(db: Connection, migrations: readonly Migration[]): CheckResult[] {
  const results: CheckResult[] = [integrityCheck(db), foreignKeyCheck(db)];
  const shape = inspectLedger(db);
  if (!shape.ok) {
    return [...results, { name: 'ledger_shape', ok: false, detail: shape.error.message }];
  }
  const absent = shape.value === 'absent';
  results.push({ name: 'ledger_shape', ok: true, detail: absent ? 'no schema_migrations table yet: nothing applied' : "schema_migrations has the spec's shape" });
  const rows = readLedger(db);
  const states = mergeStatus(migrations, rows.ok ? rows.value : [], readAppliedNames(db));
  return [...results, failedRows(states), missingFiles(states), checksums(states), ...newestTests(db, states)];
}

/**
 * The newest applied migration's test file, run against this database in a savepoint that is rolled back: its
 * checks should still hold. Only when that migration has a test file (and its file is unchanged).
 */
function newestTests(db: Connection, states: readonly MigrationState[]): CheckResult[] {
  const newest = [...states].reverse().find((s) => s.row?.status === 'applied');
  const m = newest?.status === 'applied' ? newest.migration : undefined;
  if (!m?.testPath) return [];
  const failed = firstTestFailure(db, m);
  return [{ name: 'migration_tests', ok: !failed, detail: failed ? failed.message : `${fileLabel(m.testPath)} passes (the newest applied migration's tests, rolled back)` }];
}

function failedRows(states: readonly MigrationState[]): CheckResult {
  const failed = states.filter((s) => s.row?.status === 'failed');
  const detail = failed.length
    ? `${list(failed)} failed at ${failed.map((s) => s.row?.appliedAt).join(', ')} and ${failed.length === 1 ? 'has' : 'have'} not been applied since: fix and apply again, or remove the file and its row`
    : 'no failed migrations';
  return { name: 'ledger_failed', ok: failed.length === 0, detail };
}

function missingFiles(states: readonly MigrationState[]): CheckResult {
  const missing = states.filter((s) => s.status === 'missing');
  const detail = missing.length
    ? `${list(missing)} ${missing.length === 1 ? 'is' : 'are'} in schema_migrations but ${missing.length === 1 ? 'its file is' : 'their files are'} not in the migrations folder`
    : 'every ledger row has its file';
  return { name: 'ledger_missing', ok: missing.length === 0, detail };
}

function checksums(states: readonly MigrationState[]): CheckResult {
  const modified = states.filter((s) => s.status === 'modified');
  if (modified.length) {
    const which = modified.map((s) => `${s.name} (recorded ${short(s.row?.checksum)}, file ${short(s.migration?.checksum)})`);
    return { name: 'checksums', ok: false, detail: `changed since applied: ${which.join('; ')}` };
  }
  const applied = states.filter((s) => s.status === 'applied' && s.migration);
  const unrecorded = applied.filter((s) => s.row?.checksum === null).length;
  const note = unrecorded ? ` (${unrecorded} recorded without a checksum, not compared)` : '';
  const n = applied.length - unrecorded;
  return { name: 'checksums', ok: true, detail: `${n} applied file${n === 1 ? ' matches' : 's match'}${note}` };
}

function list(states: readonly MigrationState[]): string {
  return states.map((s) => s.name).join(', ');
}

function short(checksum: string | null | undefined): string {
  return checksum ? checksum.slice(0, 12) : 'none';
}
