// The messages between the engine (main side) and the worker thread that runs sql.js.
import type { CheckResult } from './integrity';
import type { LedgerRow, Migration, Problem } from '../model';
import type { DryRunReport } from './dryrun';
import type { MigrationOutcome } from './runner';
import type { MigrationState } from '../ledger/status';

export interface UpOptions {
  /** Apply pending migrations up to and including this sequence. */
  readonly to?: number;
  /** Apply just this one (allowed out of order, and reported). */
  readonly only?: number;
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
  | { readonly kind: 'status' }
  | { readonly kind: 'verify' }
  | { readonly kind: 'up'; readonly options: UpOptions }
  | { readonly kind: 'down'; readonly options: DownOptions }
  | { readonly kind: 'dry-run'; readonly direction: 'up'; readonly options: UpOptions }
  | { readonly kind: 'dry-run'; readonly direction: 'down'; readonly options: DownOptions }
  | { readonly kind: 'applied-sql'; readonly version: string }
  | { readonly kind: 'accept-checksum'; readonly version: string };

export interface TaskRequest {
  readonly task: Task;
  /** The database file's bytes; null when the file does not exist yet. */
  readonly bytes: Uint8Array | null;
  readonly migrations: readonly Migration[];
  /** Wall-clock time of the request, so applied_at comes from the caller's (injectable) clock. */
  readonly nowMs: number;
}

export interface TaskResponse {
  /** Status after the task ran. */
  readonly states: MigrationState[];
  readonly outcomes: MigrationOutcome[];
  readonly notes: Problem[];
  /** New database bytes, verified; absent when nothing changed. */
  readonly bytes?: Uint8Array;
  readonly checks?: CheckResult[];
  readonly dryRun?: DryRunReport;
  readonly appliedSql?: { readonly upSql: string; readonly downSql: string | null };
  /** The ledger as read (status only), so the caller can re-merge it with changed files without reading the database again. */
  readonly ledger?: Ledger;
}

export interface Ledger {
  readonly rows: readonly LedgerRow[];
  /** version -> migration name, from the companion table. */
  readonly names: readonly (readonly [string, string])[];
}

export type TaskReply = { readonly ok: true; readonly value: TaskResponse } | { readonly ok: false; readonly error: Problem };
