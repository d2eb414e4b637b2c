import type { LedgerRow, Migration, MigrationStatus } from '../model';
import { compareSemver } from '../migrations/semver';

/** One line of the status list: a migration file, a ledger row, or both. */
export interface MigrationState {
  /** Absent for a ledger row whose file is gone, unless its version is a plain sequence like "005". */
  readonly sequence?: number;
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly status: MigrationStatus;
  readonly migration?: Migration;
  readonly row?: LedgerRow;
}

/**
 * Files and ledger joined on version, in sequence order. `modified`: applied, but the file's checksum
 * is no longer the one recorded. `missing`: an applied or failed row with no file. Rolled-back rows
 * whose file is gone are left out: nothing of them is in the schema and nothing can be done with them.
 * `appliedNames` (version -> file name, from the companion table) names the missing ones.
 */
export function mergeStatus(
  migrations: readonly Migration[],
  rows: readonly LedgerRow[],
  appliedNames: ReadonlyMap<string, string> = new Map(),
): MigrationState[] {
  const byVersion = new Map(rows.map((r) => [r.version, r]));
  const files = [...migrations].sort((a, b) => a.sequence - b.sequence).map((m) => fileState(m, byVersion.get(m.version)));
  const versions = new Set(migrations.map((m) => m.version));
  const missing = rows
    .filter((r) => !versions.has(r.version) && (r.status === 'applied' || r.status === 'failed'))
    .map((r) => missingState(r, appliedNames.get(r.version)));
  return placeMissing(files, missing);
}

function fileState(m: Migration, row: LedgerRow | undefined): MigrationState {
  const base = { sequence: m.sequence, name: m.name, version: m.version, description: m.description, migration: m, row };
  if (!row || row.status === 'pending') {
    return { ...base, status: 'pending' };
  }
  // A row written by hand (the spec's "initial version entry") has no checksum: nothing to compare.
  const drifted = row.status === 'applied' && row.checksum !== null && row.checksum !== m.checksum;
  return { ...base, status: drifted ? 'modified' : row.status };
}

function missingState(row: LedgerRow, name: string | undefined): MigrationState {
  const sequence = /^\d+$/.test(row.version) ? Number(row.version) : undefined;
  return { sequence, name: name ?? row.version, version: row.version, description: row.description, status: 'missing', row };
}

/** A missing row goes where its sequence (or, for a semver, its version) puts it among the files. */
function placeMissing(files: readonly MigrationState[], missing: readonly MigrationState[]): MigrationState[] {
  const placed = missing
    .map((s) => ({ s, at: files.filter((f) => sortsBefore(f, s)).length }))
    .sort((a, b) => a.at - b.at || compareSemver(a.s.version, b.s.version));
  const out: MigrationState[] = [];
  let k = 0;
  files.forEach((f, i) => {
    while (k < placed.length && placed[k].at <= i) out.push(placed[k++].s);
    out.push(f);
  });
  while (k < placed.length) out.push(placed[k++].s);
  return out;
}

function sortsBefore(file: MigrationState, missing: MigrationState): boolean {
  if (missing.sequence !== undefined) {
    return (file.sequence ?? 0) <= missing.sequence;
  }
  return compareSemver(file.version, missing.version) <= 0;
}

/** mergeStatus over a ledger as the worker reads it: its rows, and the file name each version was applied from. */
export function statesFromLedger(
  migrations: readonly Migration[],
  ledger: { readonly rows: readonly LedgerRow[]; readonly names: readonly (readonly [string, string])[] },
): MigrationState[] {
  return mergeStatus(migrations, ledger.rows, new Map(ledger.names));
}

/** Statuses whose schema changes are in the database: what a down plan can undo. */
export function isApplied(s: MigrationState): boolean {
  return s.status === 'applied' || s.status === 'modified' || (s.status === 'missing' && s.row?.status === 'applied');
}

/** Statuses an up plan applies: never run, failed last time, or rolled back. */
export function isToApply(s: MigrationState): boolean {
  return s.migration !== undefined && (s.status === 'pending' || s.status === 'failed' || s.status === 'rolled_back');
}

// The rules the plans use, for everyone who shows or asks before running: the tree, the status bar, the
// commands' prompts and the CLI decide nothing of their own.

/** What `up` would apply, in order. */
export function toApply(states: readonly MigrationState[]): MigrationState[] {
  return states.filter(isToApply);
}

/** What is in the database now, in order: applied, modified, and applied with its file missing. */
export function appliedStates(states: readonly MigrationState[]): MigrationState[] {
  return states.filter(isApplied);
}

/** What "roll back the last migration" undoes, as `down` chooses it; undefined when nothing is applied. */
export function lastApplied(states: readonly MigrationState[]): MigrationState | undefined {
  return appliedStates(states).at(-1);
}
