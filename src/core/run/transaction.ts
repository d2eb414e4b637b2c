// One migration's transaction, the same for both engines: foreign keys off around it, BEGIN IMMEDIATE,
// a check under the lock, the statements, the foreign-key check, the ledger row, COMMIT, or a rollback
// that leaves everything as it was.
import { errorMessage, isBusy, scalar, type Connection } from '../engine/connection';
import { inspectLedger, ledgerFingerprint } from '../ledger/ledger';
import type { Problem } from '../model';
import type { SqlStatement } from '../sql/script';
import { danglingReferences, danglingText, foreignKeyScope, rebuiltTables, snapshotSchema, wasRepointed, type SchemaSnapshot } from './fkscope';
import { beyond, foreignKeyRows, violationText, type Violation } from './integrity';
import { problem, type ProblemCode } from '../problems';

export interface Where {
  readonly file?: string;
  readonly label: string;
}

export interface TransactionSteps {
  /** Runs first inside the transaction: a refusal here ends it before any of the migration's SQL runs. */
  readonly check: () => Problem | undefined;
  /** Runs last, before COMMIT: the ledger write. */
  readonly finish: () => Problem | void;
  /** Where warnings go (a foreign key naming a table that does not exist yet). */
  readonly warnings: Problem[];
  /**
   * True when the database is known to have no foreign key violations (the task checked before the run, and
   * every migration since kept it so): nothing to compare with. Otherwise the full check runs before too.
   */
  readonly keysClean?: boolean;
}

/**
 * SQLite's procedure for schema changes: foreign keys OFF outside the transaction (inside it the pragma
 * is a no-op), so DROP TABLE in a rebuild cannot cascade into child rows; foreign_key_check before
 * COMMIT instead. defer_foreign_keys is moot with enforcement off. legacy_alter_table is pinned OFF so
 * renames behave as in the sqlite3 shell the spec runs files with (references follow the table).
 * BEGIN IMMEDIATE takes the write lock up front, so everything read inside (ledger row, schema) stays
 * true until COMMIT even when other programs use the same file.
 */
export function inMigrationTransaction(db: Connection, statements: readonly SqlStatement[], where: Where, steps: TransactionSteps): Problem | undefined {
  const legacy = scalar(db, 'PRAGMA legacy_alter_table') ?? 0;
  db.run('PRAGMA foreign_keys = OFF');
  db.run('PRAGMA legacy_alter_table = OFF');
  try {
    const begun = begin(db, where);
    if (begun) return begun;
    const error = guardedProblem(() => {
      const refusal = steps.check();
      if (refusal) return refusal;
      const before: KeysBefore = { schema: snapshotSchema(db), violations: steps.keysClean ? [] : foreignKeyRows(db) };
      return runStatements(db, statements, where) ?? checkKeys(db, before, statements, where, steps.warnings) ?? finishWith(steps.finish, where);
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
    return migrationProblem('transaction-open', `${where.label}: a transaction is already open on this database (${errorMessage(e)}); nothing was run.`, where);
  }
}

/** SQLITE_BUSY: another connection holds the write lock past the busy timeout. */
function busyProblem(where: Where): Problem {
  const message = `${where.label}: another program is writing to the database and kept it locked past the busy timeout; nothing was run. ` +
    'Try again when it has finished, or raise sqliteMigrations.busyTimeoutSeconds (CLI: --busy-timeout SECONDS).';
  return migrationProblem('db-busy', message, where);
}

/** Bookkeeping reads and writes can meet a lock or a damaged page too; they end as a problem, never as a throw. */
function guardedProblem(work: () => Problem | undefined, where: Where): Problem | undefined {
  try {
    return work();
  } catch (e) {
    if (isBusy(e)) return busyProblem(where);
    return migrationProblem('ledger-write-failed', `${where.label}: ${errorMessage(e)}; rolled back.`, where);
  }
}

function runStatements(db: Connection, statements: readonly SqlStatement[], where: Where): Problem | undefined {
  for (const s of statements) {
    try {
      if (!db.runSingle(s.text)) {
        return statementProblem(where, s, 'SQLite reads more than one statement here; split it with ";" (nothing of it was run)', 'split-mismatch');
      }
    } catch (e) {
      return statementProblem(where, s, errorMessage(e), 'statement-failed', diskFullAdvice(e));
    }
  }
  return undefined;
}

interface KeysBefore {
  readonly schema: SchemaSnapshot;
  readonly violations: readonly Violation[];
}

/**
 * Foreign keys as SQLite judges them, on the tables the migration could affect: it fails only on rows
 * that violate a foreign key and did not before it ran. A key naming a table that does not exist is a
 * warning (SQLite allows it; a later migration may create the table), unless a rename repointed it.
 */
function checkKeys(db: Connection, before: KeysBefore, statements: readonly SqlStatement[], where: Where, warnings: Problem[]): Problem | undefined {
  const after = snapshotSchema(db);
  const scope = foreignKeyScope(db, before.schema, after, statements.map((s) => s.text));
  const rebuilt = rebuiltTables(before.schema, after);
  const added = beyond(foreignKeyRows(db, scope), before.violations, (t) => rebuilt.has(t.toLowerCase()));
  if (added.length) {
    const texts = added.map(violationText);
    const shown = texts.slice(0, 5).join('; ') + (texts.length > 5 ? `; and ${texts.length - 5} more` : '');
    return migrationProblem('foreign-key-violations', `${where.label}: PRAGMA foreign_key_check is not empty after it ran (${shown}); rolled back.`, where);
  }
  const old = new Set(danglingReferences(db, before.schema).map(danglingText));
  const dangling = danglingReferences(db, after).filter((d) => !old.has(danglingText(d)));
  const repointed = dangling.filter((d) => wasRepointed(db, before.schema, d));
  if (repointed.length) {
    const why = 'a rename probably repointed them; rebuild with "create new_X, copy, drop X, rename new_X to X" instead';
    return migrationProblem('foreign-key-dangling', `${where.label}: foreign keys now point at tables that do not exist (${repointed.map(danglingText).join('; ')}): ${why}. Rolled back.`, where);
  }
  if (dangling.length) {
    const text = `${where.label}: foreign keys name tables that do not exist (yet): ${dangling.map(danglingText).join('; ')}. SQLite allows this; rows can be added to those tables only once the tables they name exist.`;
    warnings.push(problem('foreign-key-dangling', text, { severity: 'warning', file: where.file }));
  }
  return undefined;
}

/** A migration may run DDL on the ledger (ALTER, DROP); committing that would leave a ledger the runner must refuse. */
export function ledgerIntact(db: Connection, where: Where, before?: string): Problem | undefined {
  if (before !== undefined && ledgerFingerprint(db) === before) {
    return undefined;
  }
  const shape = inspectLedger(db);
  if (shape.ok && shape.value === 'ours') {
    return undefined;
  }
  const found = shape.ok ? 'dropped it' : shape.error.message;
  return migrationProblem('ledger-changed', `${where.label}: it changed the schema_migrations table (${found}); the runner owns that table. Rolled back.`, where);
}

function finishWith(finish: () => Problem | void, where: Where): Problem | undefined {
  try {
    return finish() ?? undefined;
  } catch (e) {
    return migrationProblem('ledger-write-failed', `${where.label}: recording it in schema_migrations failed: ${errorMessage(e)}; rolled back.`, where);
  }
}

function commit(db: Connection, where: Where): Problem | undefined {
  try {
    db.run('COMMIT');
    return undefined;
  } catch (e) {
    rollbackQuietly(db);
    return migrationProblem('commit-failed', `${where.label}: COMMIT failed: ${errorMessage(e)}; rolled back.${diskFullAdvice(e)}`, where);
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

/** SQLITE_FULL: what to do about it, said once after the message. */
function diskFullAdvice(e: unknown): string {
  return /disk is full/i.test(errorMessage(e)) ? ' Free some space on the disk that holds the database (its journal needs room too) and run it again.' : '';
}

function statementProblem(where: Where, s: SqlStatement, message: string, code: ProblemCode, advice = ''): Problem {
  const text = `${where.label}:${s.line}: ${message}, in statement: ${quoteStatement(s.text)}${advice ? `.${advice}` : ''}`;
  return problem(code, text, { file: where.file, line: s.line });
}

function quoteStatement(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `"${flat.slice(0, 200)}…"` : `"${flat}"`;
}

export function migrationProblem(code: ProblemCode, message: string, where: Where): Problem {
  return problem(code, message, { file: where.file });
}
