// The domain values shared by every core module, the CLI and the extension.
import type { ProblemCode } from './problems';

/** The statuses the spec's `schema_migrations.status` column allows. */
export type LedgerStatus = 'pending' | 'applied' | 'failed' | 'rolled_back';

/** What the user sees: the ledger's statuses plus two derived from comparing ledger and files. */
export type MigrationStatus = LedgerStatus | 'modified' | 'missing';

/** One numbered migration found on disk: the up file and, when present, its down file. */
export interface Migration {
  /** Numeric sequence, used for ordering. */
  readonly sequence: number;
  /** The sequence as written in the file name, e.g. "001". */
  readonly sequenceText: string;
  /** The snake_case part of the name, e.g. "add_task_tags". */
  readonly slug: string;
  /** File name without extension, e.g. "002_add_task_tags". */
  readonly name: string;
  /** Semantic version from the header, else the sequence as written. */
  readonly version: string;
  readonly description: string;
  /** Absolute path of the up file. */
  readonly upPath: string;
  /** Absolute path of the down file, when there is one (a dbmate file: the migration's own file). */
  readonly downPath?: string;
  /** The down section of a file holding both directions (dbmate), its lines numbered as in the file. */
  readonly downSql?: string;
  /** Up file text, BOM removed and line endings normalised to LF: what is checksummed and run. */
  readonly sql: string;
  /** SHA-256 hex of `sql`. */
  readonly checksum: string;
  /** With no down: the down its layout would have, as messages say it ("no 004_x.down.sql", "no undo file U4__x.sql"). */
  readonly missingDown?: string;
  /** Absolute path of the migration's test file (`NAME.test.sql` beside the up file; Diesel: `test.sql` in the folder), when there is one. */
  readonly testPath?: string;
}

/** A row of the spec's `schema_migrations` table. */
export interface LedgerRow {
  readonly id: number;
  readonly version: string;
  readonly description: string;
  readonly appliedAt: string;
  readonly checksum: string | null;
  readonly executionTimeMs: number | null;
  readonly status: LedgerStatus;
}

export type Severity = 'error' | 'warning' | 'info';

/** A problem found with the migration files, reported as a value with where it is. */
export interface Problem {
  readonly code: ProblemCode;
  readonly severity: Severity;
  readonly message: string;
  /** Absolute path of the file concerned, when there is one. */
  readonly file?: string;
  /** 1-based line, when known. */
  readonly line?: number;
}

/** Expected failures travel as values: `ok: false` with a message that names the file and line where it can. */
export type Result<T, E = Problem> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
