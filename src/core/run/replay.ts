// Applies a folder's migrations, in order, from empty to a fresh in-memory database with the real runner: what the
// migrations alone build, whatever the real database holds. Used by `sqlite-migrations test`.
import * as fs from 'node:fs';
import type { Connection } from '../engine/connection';
import { SqlJsConnection } from '../engine/sqljs/connection';
import { loadSqlJs } from '../engine/sqljs/load';
import { decodeSqlText } from '../migrations/checksum';
import type { Migration } from '../model';
import { applyMigration, type MigrationOutcome, type RunContext } from './runner';

/** A new, empty in-memory database (sql.js): nothing on disk is opened, so nothing on disk can change. */
export async function scratchDatabase(): Promise<SqlJsConnection> {
  return new SqlJsConnection(new (await loadSqlJs()).Database());
}

/**
 * Applies each migration in turn; `after` runs once each has committed (tests, checks) and may stop the replay by
 * returning false. Stops at the first migration that fails; its outcome is the last one returned.
 */
export function replay(db: Connection, migrations: readonly Migration[], ctx: RunContext, after?: (m: Migration, downSql: string | null) => boolean | void): MigrationOutcome[] {
  const outcomes: MigrationOutcome[] = [];
  for (const m of migrations) {
    const downSql = readDownSql(m);
    const outcome = applyMigration(db, m, downSql, ctx);
    outcomes.push(outcome);
    if (!outcome.ok || after?.(m, downSql) === false) break;
  }
  return outcomes;
}

/** The down file's text (a dbmate file: its down section); null when there is none or it cannot be read. */
export function readDownSql(m: Migration): string | null {
  if (m.downSql !== undefined) return m.downSql;
  if (!m.downPath) return null;
  try {
    const text = decodeSqlText(fs.readFileSync(m.downPath), m.downPath);
    return text.ok ? text.value : null;
  } catch {
    return null;
  }
}
