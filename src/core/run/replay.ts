import type { Connection } from '../engine/connection';
import { loadSqlJs } from '../engine/sqljs/load';
import { SqlJsConnection } from '../engine/sqljs/connection';
import { fail, ok, type Migration, type Problem, type Result } from '../model';
import { problem } from '../problems';
import type { PlanStep } from './plan';
import { runPlan } from './runner';

/** An empty in-memory database; the default is sql.js, which every engine can load. */
export type OpenScratch = () => Promise<Connection>;

export async function openSqlJsMemory(): Promise<Connection> {
  const SQL = await loadSqlJs();
  return new SqlJsConnection(new SQL.Database());
}

/**
 * Applies migrations, in the order given, to a fresh in-memory database with the real runner (one
 * transaction each, ledger and all), and hands back the open database; the caller closes it. The first
 * migration that fails ends the replay as a problem naming it, and the scratch database is closed.
 */
export async function replayMigrations(migrations: readonly Migration[], open: OpenScratch = openSqlJsMemory): Promise<Result<Connection, Problem>> {
  const db = await open();
  const steps = migrations.map((m): PlanStep => ({ direction: 'up', migration: m, downSql: null }));
  const outcomes = runPlan(db, steps, { now: () => new Date(0), keysClean: true });
  const failed = outcomes.find((o) => !o.ok);
  if (failed || outcomes.length !== steps.length) {
    db.close();
    const why = failed?.error?.message ?? 'it did not run';
    return fail(problem('replay-failed', `Applying ${failed?.name ?? 'the migrations'} to an empty database failed: ${why}`, { severity: 'warning', file: failed?.error?.file }));
  }
  return ok(db);
}
