// After a migration's statements and its ledger write, the ledger is read back: a trigger (TEMP ones
// included, or one made outside this tool) could have dropped, changed or added rows, and a ledger that
// says "applied" for something that did not commit, or the reverse, misleads every later run.
// total_changes() counts the rows trigger programs change too, so "exactly the writes we made, and our row
// as we wrote it" is checked without reading the whole ledger for every migration.
import { scalar, type Connection } from '../engine/connection';
import { LEDGER_SQL_TABLE, LEDGER_TABLE, type AppliedRecord } from './ledger';

export interface LedgerImage {
  /** total_changes() right before the ledger write. */
  readonly changes: number;
  /** The version's own row before the write, when it had one. */
  readonly own?: readonly unknown[];
}

export type LedgerWrite = { readonly status: 'applied'; readonly record: AppliedRecord } | { readonly status: 'rolled_back' };

const ROW_COLUMNS = 'id, version, description, applied_at, checksum, execution_time_ms, status';
/** Rows the runner's own statements change: recordApplied upserts two rows, markRolledBack updates one. */
const OWN_CHANGES = { applied: 2, rolled_back: 1 } as const;

/** Taken right before the ledger write. */
export function ledgerImage(db: Connection, version: string): LedgerImage {
  return { changes: totalChanges(db), own: ownRow(db, version) };
}

/** Undefined when the write changed exactly its own rows, and `version`'s row now reads as written. */
export function readBackMismatch(db: Connection, version: string, before: LedgerImage, wrote: LedgerWrite): string | undefined {
  const changed = totalChanges(db) - before.changes;
  if (changed !== OWN_CHANGES[wrote.status]) return `${changed} rows changed where the runner wrote ${OWN_CHANGES[wrote.status]}`;
  const row = ownRow(db, version);
  if (!row) return `its row for version ${version} is missing`;
  const [, , description, appliedAt, checksum, ms, status] = row;
  if (wrote.status === 'rolled_back') {
    const expected = before.own ? [...before.own.slice(0, 6), 'rolled_back'] : undefined;
    return JSON.stringify(row) === JSON.stringify(expected) ? undefined : `its row for version ${version} is not the one marked rolled_back`;
  }
  const r = wrote.record;
  const same = description === r.description && appliedAt === r.appliedAt && checksum === r.checksum && (ms === null ? null : Number(ms)) === r.executionTimeMs && status === 'applied';
  if (!same) return `its row for version ${version} is not what was written`;
  const sql = db.all(`SELECT name, up_sql, down_sql FROM main.${LEDGER_SQL_TABLE} WHERE version = ?`, [version])[0];
  if (!sql || sql[0] !== r.name || sql[1] !== r.upSql || sql[2] !== r.downSql) return `its applied SQL for version ${version} is not what was written`;
  return undefined;
}

function totalChanges(db: Connection): number {
  return Number(scalar(db, 'SELECT total_changes()'));
}

function ownRow(db: Connection, version: string): readonly unknown[] | undefined {
  const row = db.all(`SELECT ${ROW_COLUMNS} FROM main.${LEDGER_TABLE} WHERE version = ?`, [version])[0];
  return row ? row.map((v) => (typeof v === 'bigint' ? Number(v) : v)) : undefined;
}
