// After a migration's statements and its ledger write, the ledger is read back: a trigger (TEMP ones
// included, or one made outside this tool) could have dropped, changed or added rows, and a ledger that
// says "applied" for something that did not commit, or the reverse, misleads every later run.
import type { Connection } from '../engine/connection';
import { LEDGER_SQL_TABLE, LEDGER_TABLE, type AppliedRecord } from './ledger';

export interface LedgerImage {
  /** Every row except the version being written, as JSON, in id order. */
  readonly others: string;
  /** The version's own row before the write, when it had one. */
  readonly own?: readonly unknown[];
}

const ROW_COLUMNS = 'id, version, description, applied_at, checksum, execution_time_ms, status';

/** What the ledger holds apart from `version`'s row: taken before the migration runs. */
export function ledgerImage(db: Connection, version: string): LedgerImage {
  return { others: othersOf(db, version), own: ownRow(db, version) };
}

/**
 * Undefined when the ledger holds exactly the image's other rows and, for `version`, what was written:
 * `applied` with the record's values and its SQL, or `rolled_back` with everything else as it was.
 */
export function readBackMismatch(db: Connection, version: string, before: LedgerImage, wrote: { status: 'applied'; record: AppliedRecord } | { status: 'rolled_back' }): string | undefined {
  if (othersOf(db, version) !== before.others) return 'other rows of the ledger changed';
  const row = ownRow(db, version);
  if (!row) return `its row for version ${version} is missing`;
  const [, , description, appliedAt, checksum, ms, status] = row;
  if (wrote.status === 'rolled_back') {
    const expected = before.own ? [...before.own.slice(0, 6), 'rolled_back'] : undefined;
    return JSON.stringify(row) === JSON.stringify(expected) ? undefined : `its row for version ${version} is not the one marked rolled_back`;
  }
  const r = wrote.record;
  const same = description === r.description && appliedAt === r.appliedAt && checksum === r.checksum && Number(ms) === r.executionTimeMs && status === 'applied';
  if (!same) return `its row for version ${version} is not what was written`;
  const sql = db.all(`SELECT name, up_sql, down_sql FROM main.${LEDGER_SQL_TABLE} WHERE version = ?`, [version])[0];
  if (!sql || sql[0] !== r.name || sql[1] !== r.upSql || sql[2] !== r.downSql) return `its applied SQL for version ${version} is not what was written`;
  return undefined;
}

function othersOf(db: Connection, version: string): string {
  const rows = db.all(`SELECT ${ROW_COLUMNS} FROM main.${LEDGER_TABLE} WHERE version <> ? ORDER BY id`, [version]);
  const hasSql = db.all('SELECT 1 FROM main.sqlite_master WHERE type = ? AND name = ?', ['table', LEDGER_SQL_TABLE]).length > 0;
  const sql = hasSql ? db.all(`SELECT version, name, up_sql, down_sql FROM main.${LEDGER_SQL_TABLE} WHERE version <> ? ORDER BY version`, [version]) : [];
  return JSON.stringify([rows, sql], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function ownRow(db: Connection, version: string): readonly unknown[] | undefined {
  const row = db.all(`SELECT ${ROW_COLUMNS} FROM main.${LEDGER_TABLE} WHERE version = ?`, [version])[0];
  return row ? row.map((v) => (typeof v === 'bigint' ? Number(v) : v)) : undefined;
}
