import { isForeignObject } from '../schema/dump';
import { column, scalar, type Connection } from '../engine/connection';
import { dataLoss, type DataLoss, type TableSnapshot } from './dataloss';
import type { PlanStep } from './plan';
import { runPlan, type MigrationOutcome, type RunContext } from './runner';

export interface DryRunReport {
  readonly outcomes: MigrationOutcome[];
  readonly tablesCreated: string[];
  readonly tablesDropped: string[];
  /** Every table before or after; 0 on the side where it does not exist. */
  readonly rowCounts: { table: string; before: number; after: number }[];
  /** Columns added to or removed from tables that exist before and after. */
  readonly columnChanges: { table: string; added: string[]; removed: string[] }[];
  /** What the plan would remove: tables with their rows, columns, deleted rows. */
  readonly loss: DataLoss;
}

/**
 * Runs the plan on a scratch copy of the database that the engine made (sql.js: in memory; native: a
 * temporary file), so the database itself never changes, reports what the plan would do, and closes the copy.
 */
export function dryRun(db: Connection, steps: readonly PlanStep[], ctx: RunContext): DryRunReport {
  try {
    const before = snapshot(db);
    const outcomes = runPlan(db, steps, ctx);
    const after = snapshot(db);
    const names = [...new Set([...before.keys(), ...after.keys()])].sort();
    return {
      outcomes,
      tablesCreated: names.filter((t) => !before.has(t)),
      tablesDropped: names.filter((t) => !after.has(t)),
      rowCounts: names.map((table) => ({ table, before: before.get(table)?.rows ?? 0, after: after.get(table)?.rows ?? 0 })),
      columnChanges: columnChanges(before, after),
      loss: dataLoss(before, after),
    };
  } finally {
    db.close();
  }
}

/** Row count and columns of every table of the user's; SQLite's (sqlite_sequence, ...), the ledger's, Litestream's and other tools' are left out. */
function snapshot(db: Connection): Map<string, TableSnapshot> {
  const names = column(db, "SELECT name FROM main.sqlite_master WHERE type = 'table' ORDER BY name").filter((name) => !isForeignObject(String(name), String(name)));
  const tables = new Map<string, TableSnapshot>();
  for (const name of names) {
    const table = String(name);
    tables.set(table, { rows: countRows(db, table), columns: tableColumns(db, table) });
  }
  return tables;
}

function tableColumns(db: Connection, table: string): string[] {
  try {
    return column(db, 'SELECT name FROM pragma_table_info(?) ORDER BY cid', [table]).map(String);
  } catch {
    return [];
  }
}

function columnChanges(before: ReadonlyMap<string, TableSnapshot>, after: ReadonlyMap<string, TableSnapshot>): DryRunReport['columnChanges'] {
  const changes: DryRunReport['columnChanges'] = [];
  for (const [table, was] of before) {
    const now = after.get(table);
    if (!now) continue;
    const added = now.columns.filter((c) => !was.columns.includes(c));
    const removed = was.columns.filter((c) => !now.columns.includes(c));
    if (added.length || removed.length) changes.push({ table, added, removed });
  }
  return changes.sort((a, b) => (a.table < b.table ? -1 : 1));
}

function countRows(db: Connection, table: string): number {
  try {
    // A table name cannot be a bound parameter; it is quoted as an identifier instead.
    return Number(scalar(db, `SELECT count(*) FROM main."${table.replace(/"/g, '""')}"`) ?? 0);
  } catch {
    // A virtual table whose module the engine lacks cannot be read; it still shows as created or dropped.
    return 0;
  }
}
