import { column, scalar, type Connection } from '../engine/connection';
import type { PlanStep } from './plan';
import { runPlan, type MigrationOutcome, type RunContext } from './runner';

export interface DryRunReport {
  readonly outcomes: MigrationOutcome[];
  readonly tablesCreated: string[];
  readonly tablesDropped: string[];
  /** Every table before or after; 0 on the side where it does not exist. */
  readonly rowCounts: { table: string; before: number; after: number }[];
}

/**
 * Runs the plan on a scratch copy of the database that the engine made (sql.js: in memory; native: a
 * temporary file), so the database itself never changes, reports what the plan would do, and closes the copy.
 */
export function dryRun(db: Connection, steps: readonly PlanStep[], ctx: RunContext): DryRunReport {
  try {
    const before = tableCounts(db);
    const outcomes = runPlan(db, steps, ctx);
    const after = tableCounts(db);
    const names = [...new Set([...before.keys(), ...after.keys()])].sort();
    return {
      outcomes,
      tablesCreated: names.filter((t) => !before.has(t)),
      tablesDropped: names.filter((t) => !after.has(t)),
      rowCounts: names.map((table) => ({ table, before: before.get(table) ?? 0, after: after.get(table) ?? 0 })),
    };
  } finally {
    db.close();
  }
}

/** Row count of every ordinary table; SQLite's internal tables (sqlite_sequence, ...) are left out. */
function tableCounts(db: Connection): Map<string, number> {
  const names = column(db, "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
  const counts = new Map<string, number>();
  for (const name of names) {
    const table = String(name);
    counts.set(table, countRows(db, table));
  }
  return counts;
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
