// Applies migrations, in order, from empty to a fresh in-memory database with the real runner (one transaction each,
// ledger and all): what the migrations alone build, whatever the real database holds. Used by `sqlite-migrations
// test` (tests and reversibility after each migration) and by the schema dump and drift check (the applied set).
import * as fs from 'node:fs';
import type { Connection } from '../engine/connection';
import { SqlJsConnection } from '../engine/sqljs/connection';
import { loadSqlJs } from '../engine/sqljs/load';
import { decodeSqlText } from '../migrations/checksum';
import { fail, ok, type Migration, type Problem, type Result } from '../model';
import { problem } from '../problems';
import { moduleRefusal } from './modules';
import { applyMigration, type MigrationOutcome, type RunContext } from './runner';

/** How migrations run on a scratch database: no clock worth recording, and no older foreign key violations to tell apart. */
export const SCRATCH_RUN: RunContext = { now: () => new Date(0), keysClean: true };

/** An empty in-memory database; the default is sql.js, which every engine can load. */
export type OpenScratch = () => Promise<Connection>;

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
    const outcome = withModuleHint(db, applyMigration(db, m, downSql, ctx), m, downSql);
    outcomes.push(outcome);
    if (!outcome.ok || after?.(m, downSql) === false) break;
  }
  return outcomes;
}

/**
 * SQLite's bare "no such module: fts5" becomes the message `up` gives before it runs anything, with the engine that
 * has the module. Asked only after a failure (the migration's transaction is rolled back), so a replay that works pays nothing.
 */
function withModuleHint(db: Connection, outcome: MigrationOutcome, m: Migration, downSql: string | null): MigrationOutcome {
  if (outcome.ok) return outcome;
  const refused = moduleRefusal(db, [{ direction: 'up', migration: m, downSql }]);
  return refused?.error ? { ...outcome, error: refused.error } : outcome;
}

/**
 * Replays on a fresh scratch database and hands it back open; the caller closes it. The first migration that fails
 * ends the replay as a problem naming it, and the scratch database is closed.
 */
export async function replayMigrations(migrations: readonly Migration[], open: OpenScratch = scratchDatabase): Promise<Result<Connection, Problem>> {
  const db = await open();
  const outcomes = replay(db, migrations, SCRATCH_RUN);
  const failed = outcomes.find((o) => !o.ok);
  if (failed || outcomes.length !== migrations.length) {
    db.close();
    const why = failed?.error?.message ?? 'it did not run';
    return fail(problem('replay-failed', `Applying ${failed?.name ?? 'the migrations'} to an empty database failed: ${why}`, { severity: 'warning', file: failed?.error?.file }));
  }
  return ok(db);
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
