// What to do next with a migration just written from drift, on the database it was read from. That database already
// has the change: a guarded file applies there as a no-op, an ADD COLUMN would fail there (so it is recorded instead,
// once the migrations before it are applied), and a commented recipe is not a migration until someone finishes it.
import { plural } from '../ledger/summary';
import { toApply, type MigrationState } from '../ledger/status';
import type { DriftMigration } from './driftSql';

export type DriftNext =
  | { readonly kind: 'finish' }
  | { readonly kind: 'apply' }
  /** `pendingBefore`: the migrations still to apply first (the last one's sequence is what `up --to` takes). */
  | { readonly kind: 'record'; readonly pendingBefore: readonly MigrationState[] };

export function driftNext(body: DriftMigration, states: readonly MigrationState[]): DriftNext {
  if (body.handWork) return { kind: 'finish' };
  if (!body.addsColumns) return { kind: 'apply' };
  return { kind: 'record', pendingBefore: toApply(states) };
}

/** The advice in one sentence, with the CLI's commands; `file` is the new up file's label, `seq` its sequence for --to. */
export function driftAdviceText(next: DriftNext, file: string, database: string, seq: number): string {
  switch (next.kind) {
    case 'finish':
      return recipeAdvice(file, database);
    case 'apply':
      return `Applied to ${database}, it changes nothing there and ends the drift: "sqlite-migrations up".`;
    case 'record': {
      const last = next.pendingBefore.at(-1)?.migration;
      const first = last ? `, after applying the ${plural(next.pendingBefore.length, 'migration')} pending before it ("sqlite-migrations up --to ${last.sequence}")` : '';
      return `${database} already has this change and its ADD COLUMN would fail there: record it with "sqlite-migrations baseline --to ${seq}" rather than "up"${first}.`;
    }
  }
}

/** The same in the CLI and the editor: nothing to run or record yet. */
export function recipeAdvice(file: string, database: string): string {
  return `${file} holds a commented recipe to finish by hand: until then it does not bring the migrations up to ${database}.`;
}

/** A sequence as --to takes it: its digits, without leading zeros or Diesel's dashes. */
export function sequenceArg(sequenceText: string): number {
  return Number(sequenceText.replace(/\D/g, ''));
}
