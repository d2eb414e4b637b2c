// What a real rollback dropped, said after it as `dry-run --down` says it before: tables that held rows. Only the
// tables its down SQL drops by name are counted, before it runs; a count of a table the DROP frees anyway, never a
// pass over the rest of the database.
import { column, scalar, type Connection } from '../engine/connection';
import { droppedTables } from '../sql/drops';
import type { DataLoss } from './dataloss';
import type { PlanStep } from './plan';

/** Before the rollback: the rows of each existing table the steps' down SQL drops, by its name in the database. */
export function rowsOfDropped(db: Connection, steps: readonly PlanStep[]): Map<string, number> {
  const named = [...new Set(steps.flatMap((s) => (s.direction === 'down' && s.downSql ? droppedTables(s.downSql) : [])))];
  const existing = new Map(tableNames(db).map((t) => [t.toLowerCase(), t]));
  const held = new Map<string, number>();
  // In the order the rollback drops them.
  for (const table of named.flatMap((n) => existing.get(n) ?? [])) {
    try {
      held.set(table, Number(scalar(db, `SELECT count(*) FROM main."${table.replace(/"/g, '""')}"`) ?? 0));
    } catch {
      // A virtual table whose module the engine lacks cannot be counted; it is not said, rather than said wrong.
    }
  }
  return held;
}

/** After it: those that are gone and held rows (a rebuild that creates the name again dropped nothing). */
export function tablesGone(db: Connection, held: ReadonlyMap<string, number>): DataLoss['tablesDropped'] {
  const now = new Set(tableNames(db).map((t) => t.toLowerCase()));
  return [...held].filter(([table, rows]) => rows > 0 && !now.has(table.toLowerCase())).map(([table, rows]) => ({ table, rows }));
}

function tableNames(db: Connection): string[] {
  return column(db, "SELECT name FROM main.sqlite_master WHERE type = 'table'").map(String);
}
