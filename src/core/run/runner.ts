import { fileLabel, missingDownLabel } from '../migrations/label';
import { errorMessage, type Connection } from '../engine/connection';
import { ensureLedger, inspectLedger, ledgerFingerprint, ledgerRow, markRolledBack, readAppliedSql, recordApplied, recordStatus } from '../ledger/ledger';
import type { Migration, Problem } from '../model';
import type { PlanStep } from './plan';
import { splitStatements, vetScript, type VettedScript } from '../sql/script';
import { ledgerImage, readBackMismatch, type LedgerWrite } from '../ledger/readback';
import { inMigrationTransaction, ledgerIntact, migrationProblem, type Where } from './transaction';
import { problem } from '../problems';

export interface RunContext {
  readonly now: () => Date;
  /** Milliseconds, for execution_time_ms; Date.now when absent. */
  readonly clock?: () => number;
  /** Told as each migration ends, before the next begins: a run stopped later still knows what committed. */
  readonly onOutcome?: (outcome: MigrationOutcome) => void;
  /**
   * The database had no foreign key violations when the run began (the task checked), so no migration needs
   * a full foreign_key_check before it to tell its own violations from older ones. Unset: each one runs it.
   */
  readonly keysClean?: boolean;
  /** Runs the migration's tests inside its transaction, before the ledger row and COMMIT; a problem fails it. Unset: no tests. */
  readonly testMigration?: (db: Connection, m: Migration) => Problem | undefined;
}

export interface MigrationOutcome {
  readonly version: string;
  readonly name: string;
  readonly direction: 'up' | 'down';
  readonly ok: boolean;
  readonly executionTimeMs: number;
  /** E.g. skipped ledger writes, with file and line. */
  readonly warnings: Problem[];
  /** File, line, the statement (first ~200 characters) and SQLite's message. */
  readonly error?: Problem;
  /** The plan was refused before any of its statements ran (vetting, a missing module): nothing was run. */
  readonly refused?: boolean;
}

type DownTarget = { readonly version: string; readonly name: string; readonly downPath?: string; readonly missingDown?: string; readonly downSql: string | null };
type Head = Pick<MigrationOutcome, 'version' | 'name' | 'direction'>;

/**
 * Runs one migration in one transaction: its statements and its ledger row commit together or not at
 * all. On failure the transaction is rolled back and a 'failed' row is recorded afterwards, on its own.
 */
export function applyMigration(db: Connection, m: Migration, downSql: string | null, ctx: RunContext): MigrationOutcome {
  const head: Head = { version: m.version, name: m.name, direction: 'up' };
  const where = { file: m.upPath, label: fileLabel(m.upPath) };
  const script = vetScript(m.sql, where);
  if (!script.ok) return refused(head, script.error);
  const warnings = [...script.value.warnings, ...(script.value.run.length > 0 ? [] : [noOp(where, 'empty-migration', 'it is recorded as applied')])];
  const appliedAt = sqliteDateTime(ctx.now());
  const timer = startTimer(ctx);
  const record = { version: m.version, description: m.description, checksum: m.checksum, appliedAt };
  let executionTimeMs = 0;
  let fingerprint: string | undefined;
  const error = inMigrationTransaction(db, script.value.run, where, {
    // Under the write lock: the ledger's shape (created with the first migration, in its transaction), and
    // whether another run applied this one since the plan was made. The fingerprint then tells whether the
    // migration's own statements touched the ledger.
    check: () => {
      const ledger = ensureLedger(db);
      if (!ledger.ok) return ledger.error;
      fingerprint = ledgerFingerprint(db);
      return ledgerRow(db, m.version)?.status === 'applied' ? alreadyApplied(m, where) : undefined;
    },
    finish: () => {
      const tested = ctx.testMigration?.(db, m);
      if (tested) return tested;
      executionTimeMs = timer.stop();
      const written = { ...record, name: m.name, executionTimeMs, upSql: m.sql, downSql };
      return ledgerIntact(db, where, fingerprint) ?? readBack(db, m.version, { status: 'applied', record: written }, where, () => recordApplied(db, written));
    },
    warnings,
    keysClean: ctx.keysClean,
  });
  if (error && NOTHING_RAN.has(error.code)) {
    return refused(head, error);
  }
  if (error) {
    executionTimeMs = timer.stop();
    recordFailure(db, { ...record, executionTimeMs: null }, warnings, where);
  }
  return { ...head, ok: !error, executionTimeMs, warnings, error };
}

/** Refusals inside the transaction, before any of the migration's SQL ran: there is no failure to record. */
const NOTHING_RAN = new Set(['transaction-open', 'already-applied', 'db-busy', 'not-applied', 'ledger-foreign']);

/** The 'failed' row is written on its own, after the rollback; if even that is impossible, the outcome says so. */
function recordFailure(db: Connection, r: Parameters<typeof recordStatus>[1], warnings: Problem[], where: Where): void {
  try {
    // The ledger may have been created in the transaction that was just rolled back.
    const ledger = ensureLedger(db);
    if (!ledger.ok) return;
    recordStatus(db, r, 'failed');
  } catch (e) {
    warnings.push(problem('ledger-write-failed', `${where.label}: its failure could not be recorded in schema_migrations (${errorMessage(e)}).`, { severity: 'warning', file: where.file }));
  }
}

/** Makes the ledger write; what it changed, read back, must be exactly what was written, or the migration fails and rolls back. */
function readBack(db: Connection, version: string, wrote: LedgerWrite, where: Where, write: () => void): Problem | undefined {
  const image = ledgerImage(db, version);
  write();
  const mismatch = readBackMismatch(db, version, image, wrote);
  if (!mismatch) return undefined;
  const why = 'a trigger on schema_migrations (perhaps a TEMP one, or one made outside migrations) rewrote it';
  return migrationProblem('ledger-tampered', `${where.label}: the ledger read back after recording it is not what was written (${mismatch}); ${why}. Rolled back; drop that trigger and run again.`, where);
}

function alreadyApplied(m: Migration, where: Where): Problem {
  return migrationProblem('already-applied', `${where.label}: version ${m.version} is already applied (another run may have applied it meanwhile); nothing was run.`, where);
}

/**
 * Runs the down SQL in one transaction and marks the row 'rolled_back'. A down file with no statements
 * (empty, comments only) is a deliberate no-op, as in golang-migrate and Diesel: only the row changes.
 */
export function rollbackMigration(db: Connection, m: DownTarget, ctx: RunContext): MigrationOutcome {
  const head: Head = { version: m.version, name: m.name, direction: 'down' };
  const where = downWhere(m);
  const vetted = vetDown(m, where);
  if ('code' in vetted) return refused(head, vetted);
  const timer = startTimer(ctx);
  let fingerprint: string | undefined;
  const warnings = [...vetted.warnings, ...(vetted.run.length > 0 ? [] : [emptyDownNote(db, m, where)])];
  const error = inMigrationTransaction(db, vetted.run, where, {
    // Under the write lock, like applying: the plan's view of the ledger may be stale by now.
    check: () => {
      fingerprint = ledgerFingerprint(db);
      return rollbackRefusal(db, m, where);
    },
    finish: () => ledgerIntact(db, where, fingerprint) ?? readBack(db, m.version, { status: 'rolled_back' }, where, () => markRolledBack(db, m.version)),
    warnings,
    keysClean: ctx.keysClean,
  });
  const executionTimeMs = error && NOTHING_RAN.has(error.code) ? 0 : timer.stop();
  return { ...head, ok: !error, executionTimeMs, warnings, error };
}

function rollbackRefusal(db: Connection, m: DownTarget, where: Where): Problem | undefined {
  const shape = inspectLedger(db);
  if (!shape.ok) return shape.error;
  const row = shape.value === 'ours' ? ledgerRow(db, m.version) : undefined;
  if (row?.status === 'applied') return undefined;
  const now = row ? `its status is ${row.status}` : 'it is not in the ledger';
  return migrationProblem('not-applied', `${m.name} is not applied (${now}); there is nothing to roll back.`, where);
}

/** Checks every step's SQL before the first one runs, then runs them in order and stops at the first failure. */
export function runPlan(db: Connection, steps: readonly PlanStep[], ctx: RunContext): MigrationOutcome[] {
  const bad = vetPlan(steps);
  if (bad) return [bad];
  const outcomes: MigrationOutcome[] = [];
  for (const step of steps) {
    const outcome = step.direction === 'up' ? applyMigration(db, step.migration, step.downSql, ctx) : rollbackMigration(db, step, ctx);
    outcomes.push(outcome);
    ctx.onOutcome?.(outcome);
    if (!outcome.ok) break;
  }
  return outcomes;
}

/** The first refusal any step would meet before running anything, if any. */
export function vetPlan(steps: readonly PlanStep[]): MigrationOutcome | undefined {
  for (const step of steps) {
    const bad = checkStep(step);
    if (bad) return { ...bad, refused: true };
  }
  return undefined;
}

/** The refusal a step would meet before running anything, if any. */
export function checkStep(step: PlanStep): MigrationOutcome | undefined {
  if (step.direction === 'up') {
    const m = step.migration;
    const script = vetScript(m.sql, { file: m.upPath, label: fileLabel(m.upPath) });
    return script.ok ? undefined : refused({ version: m.version, name: m.name, direction: 'up' }, script.error);
  }
  const vetted = vetDown(step, downWhere(step));
  return 'code' in vetted ? refused({ version: step.version, name: step.name, direction: 'down' }, vetted) : undefined;
}

function vetDown(m: DownTarget, where: Where): VettedScript | Problem {
  if (m.downSql === null) {
    return migrationProblem('no-down', `${m.name} has ${missingDownLabel(m)}, so it cannot be rolled back. Nothing was run.`, where);
  }
  const script = vetScript(m.downSql, where);
  return script.ok ? script.value : script.error;
}

function downWhere(m: DownTarget): Where {
  return m.downPath ? { file: m.downPath, label: fileLabel(m.downPath) } : { label: `${m.name}.down.sql (as recorded when it was applied)` };
}

/**
 * A down with nothing to run only marks the migration rolled back. Where its up file changed the schema, that is
 * almost always a down left as the template wrote it: the schema keeps the change, and applying the migration again
 * fails on it. So it is a warning naming the up file's first schema statement, not a quiet note.
 */
function emptyDownNote(db: Connection, m: DownTarget, where: Where): Problem {
  const up = readAppliedSql(db, m.version)?.upSql;
  const change = up === undefined ? undefined : splitStatements(up).find((s) => /^(CREATE|ALTER|DROP)\b/i.test(s.text));
  if (!change) return noOp(where, 'empty-down', `${m.name} is marked rolled back and nothing else changes`);
  const first = change.text.split('\n')[0].slice(0, 60);
  const message = `${where.label}: has no statements to run, so ${m.name} is marked rolled back but what its up file changed stays (line ${change.line}: ${first}); applying it again will meet that change. Write the down SQL that undoes it.`;
  return { code: 'empty-down', severity: 'warning', message, file: where.file };
}

/** Up or down, a file with nothing to run (only comments, transaction control or ledger writes) is a no-op, said once as info. */
function noOp(where: Where, code: 'empty-migration' | 'empty-down', what: string): Problem {
  return { code, severity: 'info', message: `${where.label}: has no statements to run (a no-op); ${what}.`, file: where.file };
}

function refused(head: Head, error: Problem): MigrationOutcome {
  return { ...head, ok: false, executionTimeMs: 0, warnings: [], error };
}

function startTimer(ctx: RunContext): { stop(): number } {
  const clock = ctx.clock ?? Date.now;
  const started = clock();
  return { stop: () => Math.max(0, Math.round(clock() - started)) };
}

/** SQLite's datetime('now') format, in UTC: 'YYYY-MM-DD HH:MM:SS'. */
export function sqliteDateTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
