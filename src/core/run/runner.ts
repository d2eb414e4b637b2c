import { basename } from 'node:path';
import { errorMessage, isBusy, scalar, type Connection } from '../engine/connection';
import { foreignKeyViolations } from './integrity';
import { ensureLedger, findLedgerRow, inspectLedger, markRolledBack, recordApplied, recordStatus } from '../ledger/ledger';
import { fail, type Migration, type Problem, type Result } from '../model';
import type { PlanStep } from './plan';
import { danglingReferences, foreignKeyScope, snapshotSchema, type SchemaSnapshot } from './fkscope';
import { vetScript, type SqlStatement, type VettedScript } from '../sql/script';

export interface RunContext {
  readonly now: () => Date;
  /** Milliseconds, for execution_time_ms; Date.now when absent. */
  readonly clock?: () => number;
  /** Told as each migration ends, before the next begins: a run stopped later still knows what committed. */
  readonly onOutcome?: (outcome: MigrationOutcome) => void;
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
}

type DownTarget = { readonly version: string; readonly name: string; readonly downPath?: string; readonly downSql: string | null };
type Head = Pick<MigrationOutcome, 'version' | 'name' | 'direction'>;
interface Where {
  readonly file?: string;
  readonly label: string;
}

/**
 * Runs one migration in one transaction: its statements and its ledger row commit together or not at
 * all. On failure the transaction is rolled back and a 'failed' row is recorded afterwards, on its own.
 */
export function applyMigration(db: Connection, m: Migration, downSql: string | null, ctx: RunContext): MigrationOutcome {
  const head: Head = { version: m.version, name: m.name, direction: 'up' };
  const where = { file: m.upPath, label: basename(m.upPath) };
  const script = vetScript(m.sql, where);
  if (!script.ok) return refused(head, script.error);
  const ledger = guarded(() => ensureLedger(db), where);
  if (!ledger.ok) return refused(head, ledger.error);
  const warnings = [...script.value.warnings, ...emptyWarning(script.value, where)];
  const appliedAt = sqliteDateTime(ctx.now());
  const timer = startTimer(ctx);
  const record = { version: m.version, description: m.description, checksum: m.checksum, appliedAt };
  let executionTimeMs = 0;
  const error = inMigrationTransaction(db, script.value.run, where, {
    // Checked under the write lock: another run may have applied it since the plan was made.
    check: () => (findLedgerRow(db, m.version)?.status === 'applied' ? alreadyApplied(m, where) : undefined),
    finish: () => {
      executionTimeMs = timer.stop();
      return ledgerIntact(db, where) ?? recordApplied(db, { ...record, name: m.name, executionTimeMs, upSql: m.sql, downSql });
    },
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
    recordStatus(db, r, 'failed');
  } catch (e) {
    warnings.push({ code: 'ledger-write-failed', severity: 'warning', message: `${where.label}: its failure could not be recorded in schema_migrations (${errorMessage(e)}).`, file: where.file });
  }
}

function alreadyApplied(m: Migration, where: Where): Problem {
  return problem('already-applied', `${where.label}: version ${m.version} is already applied (another run may have applied it meanwhile); nothing was run.`, where);
}

/** Runs the down SQL in one transaction and marks the row 'rolled_back'; refuses when there is nothing to run. */
export function rollbackMigration(db: Connection, m: DownTarget, ctx: RunContext): MigrationOutcome {
  const head: Head = { version: m.version, name: m.name, direction: 'down' };
  const where = downWhere(m);
  const vetted = vetDown(m, where);
  if ('code' in vetted) return refused(head, vetted);
  const timer = startTimer(ctx);
  const error = inMigrationTransaction(db, vetted.run, where, {
    // Under the write lock, like applying: the plan's view of the ledger may be stale by now.
    check: () => rollbackRefusal(db, m, where),
    finish: () => ledgerIntact(db, where) ?? markRolledBack(db, m.version),
  });
  const executionTimeMs = error && NOTHING_RAN.has(error.code) ? 0 : timer.stop();
  return { ...head, ok: !error, executionTimeMs, warnings: vetted.warnings, error };
}

function rollbackRefusal(db: Connection, m: DownTarget, where: Where): Problem | undefined {
  const shape = inspectLedger(db);
  if (!shape.ok) return shape.error;
  const row = findLedgerRow(db, m.version);
  if (row?.status === 'applied') return undefined;
  const now = row ? `its status is ${row.status}` : 'it is not in the ledger';
  return problem('not-applied', `${m.name} is not applied (${now}); there is nothing to roll back.`, where);
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
    if (bad) return bad;
  }
  return undefined;
}

/** The refusal a step would meet before running anything, if any. */
export function checkStep(step: PlanStep): MigrationOutcome | undefined {
  if (step.direction === 'up') {
    const m = step.migration;
    const script = vetScript(m.sql, { file: m.upPath, label: basename(m.upPath) });
    return script.ok ? undefined : refused({ version: m.version, name: m.name, direction: 'up' }, script.error);
  }
  const vetted = vetDown(step, downWhere(step));
  return 'code' in vetted ? refused({ version: step.version, name: step.name, direction: 'down' }, vetted) : undefined;
}

function vetDown(m: DownTarget, where: Where): VettedScript | Problem {
  if (m.downSql === null) {
    return problem('no-down', `${m.name} has no down file (${m.name}.down.sql), so it cannot be rolled back. Nothing was run.`, where);
  }
  const script = vetScript(m.downSql, where);
  if (!script.ok) return script.error;
  if (script.value.run.length === 0) {
    return problem('empty-down', `${where.label} has no statements to run (only comments, transaction control or ledger writes), so ${m.name} cannot be rolled back. Nothing was run.`, where);
  }
  return script.value;
}

function downWhere(m: DownTarget): Where {
  return m.downPath ? { file: m.downPath, label: basename(m.downPath) } : { label: `${m.name}.down.sql (as recorded when it was applied)` };
}

interface TransactionSteps {
  /** Runs first inside the transaction: a refusal here ends it before any of the migration's SQL runs. */
  readonly check: () => Problem | undefined;
  /** Runs last, before COMMIT: the ledger write. */
  readonly finish: () => Problem | void;
}

/**
 * SQLite's procedure for schema changes: foreign keys OFF outside the transaction (inside it the pragma
 * is a no-op), so DROP TABLE in a rebuild cannot cascade into child rows; foreign_key_check before
 * COMMIT instead. defer_foreign_keys is moot with enforcement off. legacy_alter_table is pinned OFF so
 * renames behave as in the sqlite3 shell the spec runs files with (references follow the table).
 * BEGIN IMMEDIATE takes the write lock up front, so everything read inside (ledger row, schema) stays
 * true until COMMIT even when other programs use the same file.
 */
function inMigrationTransaction(db: Connection, statements: readonly SqlStatement[], where: Where, steps: TransactionSteps): Problem | undefined {
  const legacy = scalar(db, 'PRAGMA legacy_alter_table') ?? 0;
  db.run('PRAGMA foreign_keys = OFF');
  db.run('PRAGMA legacy_alter_table = OFF');
  try {
    const begun = begin(db, where);
    if (begun) return begun;
    const error = guardedProblem(() => {
      const refusal = steps.check();
      if (refusal) return refusal;
      const schema = snapshotSchema(db);
      const danglingBefore = new Set(danglingReferences(db, schema));
      return runStatements(db, statements, where) ?? checkKeys(db, schema, danglingBefore, statements, where) ?? finishWith(steps.finish, where);
    }, where);
    if (error) {
      rollbackQuietly(db);
      return error;
    }
    return commit(db, where);
  } finally {
    db.run('PRAGMA foreign_keys = ON');
    db.run(`PRAGMA legacy_alter_table = ${Number(legacy) ? 'ON' : 'OFF'}`);
  }
}

function begin(db: Connection, where: Where): Problem | undefined {
  try {
    db.run('BEGIN IMMEDIATE');
    return undefined;
  } catch (e) {
    if (isBusy(e)) return busyProblem(where);
    return problem('transaction-open', `${where.label}: a transaction is already open on this database (${errorMessage(e)}); nothing was run.`, where);
  }
}

/** SQLITE_BUSY: another connection holds the write lock past the busy timeout. */
function busyProblem(where: Where): Problem {
  const message = `${where.label}: another program is writing to the database and kept it locked past the busy timeout; nothing was run. ` +
    'Try again when it has finished, or raise sqliteMigrations.busyTimeoutSeconds (CLI: --busy-timeout SECONDS).';
  return problem('db-busy', message, where);
}

/** Bookkeeping reads and writes can meet a lock or a damaged page too; they end as a problem, never as a throw. */
function guardedProblem(work: () => Problem | undefined, where: Where): Problem | undefined {
  try {
    return work();
  } catch (e) {
    if (isBusy(e)) return busyProblem(where);
    return problem('ledger-write-failed', `${where.label}: ${errorMessage(e)}; rolled back.`, where);
  }
}

function guarded<T>(work: () => Result<T>, where: Where): Result<T> {
  try {
    return work();
  } catch (e) {
    return fail(isBusy(e) ? busyProblem(where) : problem('ledger-write-failed', `${where.label}: preparing schema_migrations failed: ${errorMessage(e)}; nothing was run.`, where));
  }
}

function runStatements(db: Connection, statements: readonly SqlStatement[], where: Where): Problem | undefined {
  for (const s of statements) {
    try {
      if (!db.runSingle(s.text)) {
        return statementProblem(where, s, 'SQLite reads more than one statement here; split it with ";" (nothing of it was run)', 'split-mismatch');
      }
    } catch (e) {
      return statementProblem(where, s, errorMessage(e), 'statement-failed');
    }
  }
  return undefined;
}

function checkKeys(db: Connection, before: SchemaSnapshot, danglingBefore: ReadonlySet<string>, statements: readonly SqlStatement[], where: Where): Problem | undefined {
  const after = snapshotSchema(db);
  const violations = foreignKeyViolations(db, foreignKeyScope(db, before, after, statements.map((s) => s.text)));
  if (violations.length) {
    const shown = violations.slice(0, 5).join('; ') + (violations.length > 5 ? `; and ${violations.length - 5} more` : '');
    return problem('foreign-key-violations', `${where.label}: PRAGMA foreign_key_check is not empty after it ran (${shown}); rolled back.`, where);
  }
  const dangling = danglingReferences(db, after).filter((d) => !danglingBefore.has(d));
  if (dangling.length) {
    const why = 'a rename probably repointed them; rebuild with "create new_X, copy, drop X, rename new_X to X" instead';
    return problem('foreign-key-dangling', `${where.label}: foreign keys now point at tables that do not exist (${dangling.join('; ')}): ${why}. Rolled back.`, where);
  }
  return undefined;
}

/** A migration may run DDL on the ledger (ALTER, DROP); committing that would leave a ledger the runner must refuse. */
function ledgerIntact(db: Connection, where: Where): Problem | undefined {
  const shape = inspectLedger(db);
  if (shape.ok && shape.value === 'ours') {
    return undefined;
  }
  const found = shape.ok ? 'dropped it' : shape.error.message;
  return problem('ledger-changed', `${where.label}: it changed the schema_migrations table (${found}); the runner owns that table. Rolled back.`, where);
}

function finishWith(finish: () => Problem | void, where: Where): Problem | undefined {
  try {
    return finish() ?? undefined;
  } catch (e) {
    return problem('ledger-write-failed', `${where.label}: recording it in schema_migrations failed: ${errorMessage(e)}; rolled back.`, where);
  }
}

function commit(db: Connection, where: Where): Problem | undefined {
  try {
    db.run('COMMIT');
    return undefined;
  } catch (e) {
    rollbackQuietly(db);
    return problem('commit-failed', `${where.label}: COMMIT failed: ${errorMessage(e)}; rolled back.`, where);
  }
}

/** Some errors (RAISE(ROLLBACK), INSERT OR ROLLBACK) already ended the transaction; then there is nothing to roll back. */
function rollbackQuietly(db: Connection): void {
  try {
    db.run('ROLLBACK');
  } catch {
    // no transaction is active
  }
}

function emptyWarning(script: VettedScript, where: Where): Problem[] {
  if (script.run.length > 0) return [];
  return [{ code: 'empty-migration', severity: 'warning', message: `${where.label}: has no statements to run; it is recorded as applied.`, file: where.file }];
}

function statementProblem(where: Where, s: SqlStatement, message: string, code: string): Problem {
  const text = `${where.label}:${s.line}: ${message}, in statement: ${quoteStatement(s.text)}`;
  return { code, severity: 'error', message: text, file: where.file, line: s.line };
}

function quoteStatement(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `"${flat.slice(0, 200)}…"` : `"${flat}"`;
}

function refused(head: Head, error: Problem): MigrationOutcome {
  return { ...head, ok: false, executionTimeMs: 0, warnings: [], error };
}

function problem(code: string, message: string, where: Where): Problem {
  return { code, severity: 'error', message, file: where.file };
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
