// What an operation asks of an engine and what it answers: the same for both engines, so the messages
// to sql.js's worker thread and to the native engine's child process carry the same values.
import type { CreatedBackup } from '../engine/backups';
import type { EngineFacts } from '../engine/facts';
import type { CheckResult } from './integrity';
import type { SchemaComparison, SchemaDump } from '../schema/applied';
import type { SchemaSource } from '../schema/reset';
import type { SuiteReport } from '../testing/suite';
import type { LedgerRow, Migration, Problem } from '../model';
import type { DataLoss } from './dataloss';
import type { DryRunReport } from './dryrun';
import type { MigrationOutcome } from './runner';
import type { MigrationState } from '../ledger/status';

export interface UpOptions {
  /** Apply pending migrations up to and including this sequence. */
  readonly to?: number;
  /** Apply just this one (allowed out of order, and reported). */
  readonly only?: number;
  /** Apply even though the database has tables of its own and no ledger (else refused: see `baseline`). */
  readonly allowExistingSchema?: boolean;
  /** Apply even when applied migrations' files were edited or removed since (Flyway's validate-on-migrate otherwise refuses). */
  readonly allowModified?: boolean;
  /** Apply without running the migrations' test files before each COMMIT. */
  readonly skipTests?: boolean;
}

export interface BaselineOptions {
  /** Record migrations up to and including this sequence (default: all present). */
  readonly to?: number;
}

export interface DownOptions {
  /** Roll back every applied migration after this sequence (it stays applied). */
  readonly to?: number;
  /** Roll back the last N applied migrations. */
  readonly steps?: number;
  /** Roll back just this one. */
  readonly only?: number;
}

export type Task =
  /** `drift`: also compare the database's schema with the one its applied migrations produce (a warning). */
  | { readonly kind: 'status'; readonly drift?: boolean }
  /** The schema the applied migrations produce, replayed on an empty scratch database. */
  | { readonly kind: 'schema' }
  /** The database's schema and the one its applied migrations produce, both dumped, with their differences in words. */
  | { readonly kind: 'drift' }
  | { readonly kind: 'verify' }
  | { readonly kind: 'up'; readonly options: UpOptions }
  | { readonly kind: 'down'; readonly options: DownOptions }
  | { readonly kind: 'dry-run'; readonly direction: 'up'; readonly options: UpOptions }
  | { readonly kind: 'dry-run'; readonly direction: 'down'; readonly options: DownOptions }
  | { readonly kind: 'applied-sql'; readonly version: string }
  | { readonly kind: 'accept-checksum'; readonly version: string }
  /** Record migrations as applied without running them: adopting a database that already has their schema. */
  | { readonly kind: 'baseline'; readonly options: BaselineOptions }
  /** `reset --from-schema`: the database recreated from the schema file and baselined at its header's version. */
  | { readonly kind: 'reset'; readonly schema: SchemaSource }
  /** The engine's SQLite: version, modules, compile options. */
  | { readonly kind: 'describe' }
  /**
   * The migrations' test files and reversibility checks (`sqlite-migrations test`, the Test Explorer): on an empty
   * in-memory database, or with `fromDb` on a scratch copy of the database (its pending migrations only).
   */
  | { readonly kind: 'test'; readonly fromDb?: boolean };

/** Tasks that change the database file (a dry run changes only a copy). */
const CHANGES_DATABASE: ReadonlySet<Task['kind']> = new Set(['up', 'down', 'accept-checksum', 'baseline', 'reset']);

export function changesDatabase(task: Task): boolean {
  return CHANGES_DATABASE.has(task.kind);
}

/** Tasks that never open the database file: they work on an empty in-memory database. */
export function needsNoDatabase(task: Task): boolean {
  return task.kind === 'describe' || (task.kind === 'test' && !task.fromDb);
}

export interface TaskRequest {
  readonly task: Task;
  readonly migrations: readonly Migration[];
  /** Wall-clock time of the request, so applied_at comes from the caller's (injectable) clock. */
  readonly nowMs: number;
  /** The engine's memory limit (sqliteMigrations.memoryLimitMB); absent: no limit beyond the defaults. */
  readonly memoryLimitMB?: number;
}

export interface TaskResponse {
  /** Status after the task ran. */
  readonly states: MigrationState[];
  readonly outcomes: MigrationOutcome[];
  readonly notes: Problem[];
  /** sql.js: the new database bytes, verified; absent when nothing changed. */
  readonly bytes?: Uint8Array;
  /** True when the task committed changes to the database (native: in place; sql.js: in `bytes`). */
  readonly changed?: boolean;
  /** The change is only a 'failed' ledger row (no migration committed): the file is written without a backup. */
  readonly unbackedUp?: boolean;
  /** Native: the backup taken before the first change. */
  readonly backup?: CreatedBackup;
  readonly checks?: CheckResult[];
  readonly facts?: EngineFacts;
  readonly dryRun?: DryRunReport;
  readonly appliedSql?: { readonly upSql: string; readonly downSql: string | null };
  /** The `test` task: each test's result and each reversibility check. */
  readonly suite?: SuiteReport;
  /** The `schema` task: what the applied migrations produce. */
  readonly schema?: SchemaDump;
  /** The `drift` task: both schemas and what differs. */
  readonly drift?: SchemaComparison;
  /** `down`: the tables it dropped that held rows, with their counts before it ran. */
  readonly dropped?: DataLoss['tablesDropped'];
  /** The ledger as read (status only), so the caller can re-merge it with changed files without reading the database again. */
  readonly ledger?: Ledger;
}

export interface Ledger {
  readonly rows: readonly LedgerRow[];
  /** version -> migration name, from the companion table. */
  readonly names: readonly (readonly [string, string])[];
}

export type TaskReply = { readonly ok: true; readonly value: TaskResponse } | { readonly ok: false; readonly error: Problem };
