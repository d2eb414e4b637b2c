import * as fs from 'fs';
import type { Database, SqlJsStatic } from 'sql.js';
import { decodeSqlText } from '../migrations/checksum';
import { dryRun } from './dryrun';
import { checkIntegrity, foreignKeyViolations, integrityCheck } from './integrity';
import { acceptChecksum, ensureLedger, inspectLedger, readAppliedNames, readAppliedSql, readLedger } from '../ledger/ledger';
import { fail, ok, type Problem, type Result } from '../model';
import { planDown, planUp, type PlanStep } from './plan';
import type { Ledger, TaskReply, TaskRequest, TaskResponse } from './protocol';
import { runPlan, type RunContext } from './runner';
import { statesFromLedger, type MigrationState } from '../ledger/status';
import { verifyDatabase } from './verify';

/** Tasks that may write: a corrupt file or one with broken foreign keys is refused before them. */
const WRITING = new Set(['up', 'down', 'dry-run', 'accept-checksum']);

/**
 * Runs one task over the database bytes. Everything that touches sql.js happens here, inside the
 * worker thread, so a runaway migration can be stopped by terminating the worker.
 */
export function runTask(SQL: SqlJsStatic, req: TaskRequest): TaskReply {
  const db = req.bytes ? new SQL.Database(req.bytes) : new SQL.Database();
  try {
    if (req.bytes && WRITING.has(req.task.kind)) {
      const precheck = checkBeforeUse(db);
      if (!precheck.ok) return precheck;
    }
    return dispatch(SQL, db, req);
  } finally {
    db.close();
  }
}

function dispatch(SQL: SqlJsStatic, db: Database, req: TaskRequest): TaskReply {
  const task = req.task;
  switch (task.kind) {
    case 'status': {
      const ledger = readLedgerAndNames(db);
      if (!ledger.ok) return ledger;
      return ok({ outcomes: [], notes: [], states: statesFromLedger(req.migrations, ledger.value), ledger: ledger.value });
    }
    case 'verify':
      return withStates(db, req, { checks: verifyDatabase(db, req.migrations) });
    case 'applied-sql':
      return withStates(db, req, { appliedSql: readAppliedSql(db, task.version) });
    case 'dry-run': {
      const steps = planSteps(db, req, task.direction, task.options);
      if (!steps.ok) return steps;
      const report = dryRun(SQL, req.bytes, steps.value.steps, context(req));
      return withStates(db, req, { dryRun: report, notes: steps.value.notes, outcomes: report.outcomes });
    }
    case 'up':
    case 'down':
      return migrate(SQL, db, req, task.kind, task.options);
    case 'accept-checksum': {
      const changed = acceptChecksum(db, task.version, req.migrations);
      if (!changed.ok) return changed;
      return exportVerified(SQL, db, req, { outcomes: [], notes: [] });
    }
  }
}

function migrate(SQL: SqlJsStatic, db: Database, req: TaskRequest, direction: 'up' | 'down', options: object): TaskReply {
  const ledger = ensureLedger(db);
  if (!ledger.ok) return ledger;
  const plan = planSteps(db, req, direction, options);
  if (!plan.ok) return plan;
  if (plan.value.steps.length === 0) {
    return withStates(db, req, { notes: plan.value.notes });
  }
  const before = JSON.stringify(readLedger(db));
  const outcomes = runPlan(db, plan.value.steps, context(req));
  // Every change a migration commits also changes the ledger; a refused step or a failed rollback
  // changes neither, and then the file is not rewritten (nor a backup spent on it).
  if (JSON.stringify(readLedger(db)) === before) {
    return withStates(db, req, { outcomes, notes: plan.value.notes });
  }
  return exportVerified(SQL, db, req, { outcomes, notes: plan.value.notes });
}

/** Exports the changed database, reopens the exported bytes and checks them before anyone may write them. */
function exportVerified(SQL: SqlJsStatic, db: Database, req: TaskRequest, partial: Partial<TaskResponse>): TaskReply {
  const bytes = db.export();
  // Its in-memory file is no longer needed: free it before the reopen makes another copy.
  db.close();
  const reopened = new SQL.Database(bytes);
  try {
    const failed = checkIntegrity(reopened).filter((c) => !c.ok);
    if (failed.length) {
      const detail = failed.map((c) => `${c.name}: ${c.detail}`).join('; ');
      return fail(problem('verify-failed', `The migrated database did not pass verification (${detail}); the file was not changed.`));
    }
    return withStates(reopened, req, { ...partial, bytes });
  } finally {
    reopened.close();
  }
}

function withStates(db: Database, req: TaskRequest, partial: Partial<TaskResponse>): TaskReply {
  const states = readStates(db, req);
  if (!states.ok) return states;
  return ok({ outcomes: [], notes: [], ...partial, states: states.value });
}

function readLedgerAndNames(db: Database): Result<Ledger> {
  const rows = readLedger(db);
  return rows.ok ? ok({ rows: rows.value, names: [...readAppliedNames(db)] }) : rows;
}

function readStates(db: Database, req: TaskRequest): Result<MigrationState[]> {
  const ledger = readLedgerAndNames(db);
  return ledger.ok ? ok(statesFromLedger(req.migrations, ledger.value)) : ledger;
}

function planSteps(db: Database, req: TaskRequest, direction: 'up' | 'down', options: object): Result<{ steps: PlanStep[]; notes: Problem[] }> {
  const states = readStates(db, req);
  if (!states.ok) return states;
  if (direction === 'up') {
    const plan = planUp(states.value, options);
    if (!plan.ok) return plan;
    const steps = plan.value.steps.map((m): PlanStep => ({ direction: 'up', migration: m, downSql: readDown(m.downPath) }));
    return ok({ steps, notes: plan.value.notes });
  }
  const plan = planDown(states.value, { ...options, knownDownSql: (v) => readAppliedSql(db, v)?.downSql });
  if (!plan.ok) return plan;
  const steps = plan.value.steps.map((s): PlanStep => ({
    direction: 'down',
    version: s.version,
    name: s.name,
    downPath: s.migration?.downPath,
    downSql: readDown(s.migration?.downPath) ?? readAppliedSql(db, s.version)?.downSql ?? null,
  }));
  return ok({ steps, notes: plan.value.notes });
}

/** Reads a down file; one that cannot be read or decoded counts as absent, and the runner then refuses the rollback. */
function readDown(file: string | undefined): string | null {
  if (!file) return null;
  try {
    const text = decodeSqlText(fs.readFileSync(file), file);
    return text.ok ? text.value : null;
  } catch {
    return null;
  }
}

function context(req: TaskRequest): RunContext {
  const started = Date.now();
  return { now: () => new Date(req.nowMs + (Date.now() - started)), clock: () => performance.now() };
}

/** A corrupt file is refused instead of migrated; a foreign ledger is refused before anything runs. */
function checkBeforeUse(db: Database): Result<void> {
  const integrity = integrityCheck(db);
  if (!integrity.ok) {
    return fail(problem('corrupt', `The database failed PRAGMA integrity_check (${integrity.detail}); restore it from a backup before migrating.`));
  }
  const violations = foreignKeyViolations(db);
  if (violations.length) {
    return fail(problem('fk-violations', `The database already has foreign key violations (${violations.slice(0, 5).join('; ')}); fix them before migrating.`));
  }
  const shape = inspectLedger(db);
  return shape.ok ? ok(undefined) : shape;
}

function problem(code: string, message: string): Problem {
  return { code, severity: 'error', message };
}
