import { basename } from 'node:path';
import type { Database } from 'sql.js';
import { foreignKeyViolations } from './integrity';
import { ensureLedger, findLedgerRow, inspectLedger, markRolledBack, recordApplied, recordStatus } from '../ledger/ledger';
import type { Migration, Problem } from '../model';
import type { PlanStep } from './plan';
import { danglingReferences, foreignKeyScope, snapshotSchema, type SchemaSnapshot } from './fkscope';
import { vetScript, type SqlStatement, type VettedScript } from '../sql/script';

export interface RunContext {
  readonly now: () => Date;
  /** Milliseconds, for execution_time_ms; Date.now when absent. */
  readonly clock?: () => number;
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
export function applyMigration(db: Database, m: Migration, downSql: string | null, ctx: RunContext): MigrationOutcome {
  const head: Head = { version: m.version, name: m.name, direction: 'up' };
  const where = { file: m.upPath, label: basename(m.upPath) };
  const script = vetScript(m.sql, where);
  if (!script.ok) return refused(head, script.error);
  const ledger = ensureLedger(db);
  if (!ledger.ok) return refused(head, ledger.error);
  if (findLedgerRow(db, m.version)?.status === 'applied') {
    return refused(head, problem('already-applied', `${where.label}: version ${m.version} is already applied; nothing was run.`, where));
  }
  const warnings = [...script.value.warnings, ...emptyWarning(script.value, where)];
  const appliedAt = sqliteDateTime(ctx.now());
  const timer = startTimer(ctx);
  const record = { version: m.version, description: m.description, checksum: m.checksum, appliedAt };
  let executionTimeMs = 0;
  const error = inMigrationTransaction(db, script.value.run, where, () => {
    executionTimeMs = timer.stop();
    return ledgerIntact(db, where) ?? recordApplied(db, { ...record, name: m.name, executionTimeMs, upSql: m.sql, downSql });
  });
  executionTimeMs = error ? timer.stop() : executionTimeMs;
  if (error && error.code !== 'transaction-open') {
    recordStatus(db, { ...record, executionTimeMs: null }, 'failed');
  }
  return { ...head, ok: !error, executionTimeMs, warnings, error };
}

/** Runs the down SQL in one transaction and marks the row 'rolled_back'; refuses when there is nothing to run. */
export function rollbackMigration(db: Database, m: DownTarget, ctx: RunContext): MigrationOutcome {
  const head: Head = { version: m.version, name: m.name, direction: 'down' };
  const where = downWhere(m);
  const vetted = vetDown(m, where);
  if ('code' in vetted) return refused(head, vetted);
  const shape = inspectLedger(db);
  if (!shape.ok) return refused(head, shape.error);
  const row = findLedgerRow(db, m.version);
  if (row?.status !== 'applied') {
    const now = row ? `its status is ${row.status}` : 'it is not in the ledger';
    return refused(head, problem('not-applied', `${m.name} is not applied (${now}); there is nothing to roll back.`, where));
  }
  const timer = startTimer(ctx);
  const error = inMigrationTransaction(db, vetted.run, where, () => ledgerIntact(db, where) ?? markRolledBack(db, m.version));
  return { ...head, ok: !error, executionTimeMs: timer.stop(), warnings: vetted.warnings, error };
}

/** Checks every step's SQL before the first one runs, then runs them in order and stops at the first failure. */
export function runPlan(db: Database, steps: readonly PlanStep[], ctx: RunContext): MigrationOutcome[] {
  for (const step of steps) {
    const bad = checkStep(step);
    if (bad) return [bad];
  }
  const outcomes: MigrationOutcome[] = [];
  for (const step of steps) {
    const outcome = step.direction === 'up' ? applyMigration(db, step.migration, step.downSql, ctx) : rollbackMigration(db, step, ctx);
    outcomes.push(outcome);
    if (!outcome.ok) break;
  }
  return outcomes;
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

/**
 * SQLite's procedure for schema changes: foreign keys OFF outside the transaction (inside it the pragma
 * is a no-op), so DROP TABLE in a rebuild cannot cascade into child rows; foreign_key_check before
 * COMMIT instead. defer_foreign_keys is moot with enforcement off. legacy_alter_table is pinned OFF so
 * renames behave as in the sqlite3 shell the spec runs files with (references follow the table).
 */
function inMigrationTransaction(db: Database, statements: readonly SqlStatement[], where: Where, finish: () => Problem | void): Problem | undefined {
  const legacy = db.exec('PRAGMA legacy_alter_table')[0]?.values[0]?.[0] ?? 0;
  db.run('PRAGMA foreign_keys = OFF');
  db.run('PRAGMA legacy_alter_table = OFF');
  try {
    const schema = snapshotSchema(db);
    const danglingBefore = new Set(danglingReferences(db, schema));
    try {
      db.run('BEGIN');
    } catch (e) {
      return problem('transaction-open', `${where.label}: a transaction is already open on this database (${sqliteMessage(e)}); nothing was run.`, where);
    }
    const error = runStatements(db, statements, where) ?? checkKeys(db, schema, danglingBefore, statements, where) ?? finishWith(finish, where);
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

function runStatements(db: Database, statements: readonly SqlStatement[], where: Where): Problem | undefined {
  for (const s of statements) {
    try {
      if (!execOne(db, s.text)) {
        return statementProblem(where, s, 'SQLite reads more than one statement here; split it with ";" (nothing of it was run)', 'split-mismatch');
      }
    } catch (e) {
      return statementProblem(where, s, sqliteMessage(e), 'statement-failed');
    }
  }
  return undefined;
}

/** Runs the text only if SQLite's own parser also sees one statement in it: nothing unvetted ever runs. */
function execOne(db: Database, text: string): boolean {
  let count = 0;
  for (const stmt of db.iterateStatements(text)) {
    if (++count > 1) {
      stmt.free();
      return false;
    }
    try {
      while (stmt.step()) {
        // rows of a SELECT in a migration are not needed
      }
    } catch (e) {
      stmt.free();
      throw e;
    }
  }
  return true;
}

function checkKeys(db: Database, before: SchemaSnapshot, danglingBefore: ReadonlySet<string>, statements: readonly SqlStatement[], where: Where): Problem | undefined {
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
function ledgerIntact(db: Database, where: Where): Problem | undefined {
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
    return problem('ledger-write-failed', `${where.label}: recording it in schema_migrations failed: ${sqliteMessage(e)}; rolled back.`, where);
  }
}

function commit(db: Database, where: Where): Problem | undefined {
  try {
    db.run('COMMIT');
    return undefined;
  } catch (e) {
    rollbackQuietly(db);
    return problem('commit-failed', `${where.label}: COMMIT failed: ${sqliteMessage(e)}; rolled back.`, where);
  }
}

/** Some errors (RAISE(ROLLBACK), INSERT OR ROLLBACK) already ended the transaction; then there is nothing to roll back. */
function rollbackQuietly(db: Database): void {
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

function sqliteMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
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
