import type { Database, SqlJsStatic } from 'sql.js';
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
 * Runs the plan on an in-memory copy of the bytes (sql.js copies them into its own memory), so
 * neither the caller's buffer nor any file changes, and reports what the plan would do.
 */
export function dryRun(SQL: SqlJsStatic, bytes: Uint8Array | null, steps: readonly PlanStep[], ctx: RunContext): DryRunReport {
  const db = bytes ? new SQL.Database(bytes) : new SQL.Database();
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
function tableCounts(db: Database): Map<string, number> {
  const rows = db.exec("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
  const counts = new Map<string, number>();
  for (const [name] of rows[0]?.values ?? []) {
    const table = String(name);
    counts.set(table, countRows(db, table));
  }
  return counts;
}

function countRows(db: Database, table: string): number {
  try {
    // A table name cannot be a bound parameter; it is quoted as an identifier instead.
    const result = db.exec(`SELECT count(*) FROM main."${table.replace(/"/g, '""')}"`);
    return Number(result[0]?.values[0]?.[0] ?? 0);
  } catch {
    // A virtual table whose module sql.js lacks cannot be read; it still shows as created or dropped.
    return 0;
  }
}
