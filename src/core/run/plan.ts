import { fail, ok, type Migration, type Problem, type Result } from '../model';
import { appliedStates, isApplied, isToApply, type MigrationState } from '../ledger/status';
import { problem, type ProblemCode } from '../problems';
import { missingDownLabel } from '../migrations/label';

export type PlanStep =
  | { readonly direction: 'up'; readonly migration: Migration; readonly downSql: string | null }
  | { readonly direction: 'down'; readonly version: string; readonly name: string; readonly downPath?: string; readonly missingDown?: string; readonly downSql: string | null };

export interface UpPlanOptions {
  /** Apply to-apply migrations up to and including this sequence. */
  readonly to?: number;
  /** Apply just this one, even out of order (reported in the notes). */
  readonly only?: number;
  /** Apply even when applied migrations' files changed or are gone (then a warning); refused otherwise. */
  readonly allowModified?: boolean;
}

export interface DownPlanOptions {
  /** Roll back every applied migration after this sequence; 0 rolls back all. */
  readonly to?: number;
  /** Roll back the last N applied migrations (default 1). */
  readonly steps?: number;
  /** Roll back just this one. */
  readonly only?: number;
  /** The down SQL recorded when a version was applied (schema_migrations_sql), for migrations whose down file is gone. */
  readonly knownDownSql?: (version: string) => string | null | undefined;
}

/**
 * Pending, failed and rolled-back migrations in sequence order; applied and modified ones are left alone.
 * Refused while an applied migration's file was edited or removed, unless `allowModified`.
 */
export function planUp(states: readonly MigrationState[], opts: UpPlanOptions): Result<{ steps: Migration[]; notes: Problem[] }> {
  if (opts.to !== undefined && opts.only !== undefined) {
    return fail(planProblem('bad-options', 'Give at most one of --to and --only.'));
  }
  const bad = badNumber('to', opts.to, 0) ?? badNumber('only', opts.only, 0);
  if (bad) return fail(bad);
  const changed = validateApplied(states, opts.allowModified === true);
  if (!changed.ok) return changed;
  const plan = opts.only !== undefined ? planOneUp(states, opts.only) : planAll(states, opts.to);
  return plan.ok ? ok({ steps: plan.value.steps, notes: [...changed.value, ...plan.value.notes] }) : plan;
}

/**
 * Flyway's validate-on-migrate: applied migrations whose file was edited or removed since mean the folder no
 * longer describes the database, so nothing is applied on top of them unless the caller says so.
 */
function validateApplied(states: readonly MigrationState[], allow: boolean): Result<Problem[]> {
  const changed = changedApplied(states);
  if (changed.length === 0) return ok([]);
  const list = describeChanged(changed);
  const first = changed.find((s) => s.migration)?.migration?.upPath;
  if (allow) {
    return ok([problem('applied-changed', `Applying although applied migrations changed since they were applied: ${list}.`, { severity: 'warning', file: first })]);
  }
  return fail(problem('applied-changed', `Applied migrations changed since they were applied: ${list}. Nothing was run: ${changedFix(changed)}.`, { file: first }));
}

/** What to do about them; an edit can be accepted, in the CLI or the editor, a missing file only restored. */
function changedFix(changed: readonly MigrationState[]): string {
  const edited = changed.filter((s) => s.status === 'modified' && s.migration).map((s) => (s.migration as Migration).sequenceText);
  const accept = edited.length === 1
    ? `accept the edit with "sqlite-migrations accept-checksum ${edited[0]}" (editor: Accept New Checksum)`
    : `accept the edits with "sqlite-migrations accept-checksum SEQ" for each of ${edited.join(', ')} (editor: Accept New Checksum)`;
  return edited.length ? `restore the files, or ${accept}, or run up with --allow-modified` : 'restore the files, or run up with --allow-modified';
}

/** Applied migrations whose file was edited (modified) or removed (missing) since. */
export function changedApplied(states: readonly MigrationState[]): MigrationState[] {
  return states.filter((s) => s.status === 'modified' || (s.status === 'missing' && s.row?.status === 'applied'));
}

/** "002_add_tags (file edited), 003_x (file missing)" */
export function describeChanged(changed: readonly MigrationState[]): string {
  return changed.map((s) => `${s.name} (${s.status === 'modified' ? 'file edited' : 'file missing'})`).join(', ');
}

function planAll(states: readonly MigrationState[], to: number | undefined): Result<{ steps: Migration[]; notes: Problem[] }> {
  if (to !== undefined && !states.some((s) => s.sequence === to && s.migration)) {
    return fail(planProblem('unknown-sequence', `There is no migration file with sequence ${to}.`));
  }
  const chosen = states.filter((s) => isToApply(s) && (to === undefined || (s.sequence ?? Infinity) <= to));
  return ok({ steps: chosen.map((s) => s.migration as Migration), notes: chosen.flatMap((s) => outOfOrderUp(states, s)) });
}

function planOneUp(states: readonly MigrationState[], only: number): Result<{ steps: Migration[]; notes: Problem[] }> {
  const target = states.find((s) => s.sequence === only && s.migration);
  if (!target) {
    return fail(planProblem('unknown-sequence', `There is no migration file with sequence ${only}.`));
  }
  if (!isToApply(target)) {
    return fail(planProblem('not-pending', `${target.name} is ${target.status}; only a pending, failed or rolled-back migration can be applied.`, target));
  }
  const earlier = states.slice(0, states.indexOf(target)).filter(isToApply);
  const notes = outOfOrderUp(states, target);
  if (earlier.length && notes.length === 0) {
    notes.push(outOfOrder(target, `${earlier.map((s) => s.name).join(', ')} come${earlier.length === 1 ? 's' : ''} before it and ${earlier.length === 1 ? 'is' : 'are'} not applied`));
  }
  return ok({ steps: [target.migration as Migration], notes });
}

/** Applying a migration numbered below one already applied (a merged branch, say) is allowed but reported. */
function outOfOrderUp(states: readonly MigrationState[], s: MigrationState): Problem[] {
  const later = states.slice(states.indexOf(s) + 1).filter(isApplied);
  return later.length ? [outOfOrder(s, `${later.map((x) => x.name).join(', ')} after it ${later.length === 1 ? 'is' : 'are'} already applied`)] : [];
}

/** The last applied one by default; `steps` N; everything after sequence `to`; or `only` one. Last first. */
export function planDown(states: readonly MigrationState[], opts: DownPlanOptions): Result<{ steps: MigrationState[]; notes: Problem[] }> {
  const given = [opts.to, opts.steps, opts.only].filter((x) => x !== undefined).length;
  if (given > 1) return fail(planProblem('bad-options', 'Give at most one of --to, --steps and --only.'));
  const bad = badNumber('to', opts.to, 0) ?? badNumber('only', opts.only, 0) ?? badNumber('steps', opts.steps, 1);
  if (bad) return fail(bad);
  const chosen = chooseDown(states, opts);
  if (!chosen.ok) return chosen;
  const notes: Problem[] = [...chosen.value.notes];
  for (const s of chosen.value.steps) {
    const source = downSource(s, opts.knownDownSql);
    if (!source.ok) return source;
    notes.push(...source.value);
  }
  return ok({ steps: chosen.value.steps, notes });
}

function chooseDown(states: readonly MigrationState[], opts: DownPlanOptions): Result<{ steps: MigrationState[]; notes: Problem[] }> {
  const applied = appliedStates(states);
  if (opts.only !== undefined) {
    const target = states.find((s) => s.sequence === opts.only && s.migration) ?? states.find((s) => s.sequence === opts.only);
    if (!target) return fail(planProblem('unknown-sequence', `There is no migration with sequence ${opts.only}.`));
    if (!isApplied(target)) return fail(planProblem('not-applied', `${target.name} is ${target.status}, not applied; there is nothing to roll back.`, target));
    const later = states.slice(states.indexOf(target) + 1).filter(isApplied);
    const notes = later.length ? [outOfOrder(target, `${later.map((s) => s.name).join(', ')} after it stay${later.length === 1 ? 's' : ''} applied`)] : [];
    return ok({ steps: [target], notes });
  }
  if (opts.to !== undefined) {
    const anchor = opts.to === 0 ? -1 : states.findIndex((s) => s.sequence === opts.to);
    if (anchor === -1 && opts.to !== 0) return fail(planProblem('unknown-sequence', `There is no migration with sequence ${opts.to}.`));
    const steps = states.slice(anchor + 1).filter(isApplied).reverse();
    return ok({ steps, notes: steps.length ? [] : [nothingAfter(anchor === -1 ? undefined : states[anchor])] });
  }
  if (opts.steps === undefined && applied.length === 0) {
    return ok({ steps: [], notes: [planProblem('nothing-applied', 'No migration is applied; there is nothing to roll back.', undefined, 'info')] });
  }
  const n = opts.steps ?? 1;
  if (n > applied.length && applied.length === 0) {
    return fail(planProblem('too-many-steps', 'No migration is applied; there is nothing to roll back.'));
  }
  if (n > applied.length) {
    return fail(planProblem('too-many-steps', `Only ${applied.length} migration${applied.length === 1 ? ' is' : 's are'} applied; cannot roll back ${n}.`));
  }
  return ok({ steps: applied.slice(applied.length - n).reverse(), notes: [] });
}

/** `down --to` that keeps everything applied: why nothing is rolled back, not "up to date". */
function nothingAfter(anchor: MigrationState | undefined): Problem {
  const message = anchor ? `No migration after ${anchor.name} is applied; there is nothing to roll back.` : 'No migration is applied; there is nothing to roll back.';
  return planProblem('nothing-applied', message, undefined, 'info');
}

/** Where the down SQL will come from: the down file, else what was recorded when it was applied; else refuse. */
function downSource(s: MigrationState, known: DownPlanOptions['knownDownSql']): Result<Problem[]> {
  if (s.migration?.downPath) {
    const why = 'it changed since it was applied; rolling back with the down file as it is now';
    return ok(s.status === 'modified' ? [planProblem('modified-rollback', `${s.name}: ${why}.`, s, 'warning')] : []);
  }
  const recorded = known?.(s.version);
  // An empty recorded down (the down file was empty when applied) is a no-op like the file itself; null: there was none.
  if (typeof recorded === 'string') {
    const gone = s.migration ? 'has no down file' : 'file is missing';
    return ok([planProblem('down-from-ledger', `${s.name} ${gone}; using the down SQL recorded when it was applied.`, s, 'info')]);
  }
  const reason = s.migration
    ? `${s.name} has ${missingDownLabel(s.migration)}, so it cannot be rolled back`
    : `${s.name}'s file is missing and no down SQL was recorded when it was applied, so it cannot be rolled back`;
  return fail(planProblem('no-down', `${reason}. Nothing was run.`, s));
}

/** Sequences are whole numbers >= 0, step counts >= 1. */
function badNumber(option: string, value: number | undefined, min: number): Problem | undefined {
  if (value === undefined || (Number.isSafeInteger(value) && value >= min)) {
    return undefined;
  }
  const what = min === 0 ? 'a migration sequence number' : `a whole number of at least ${min}`;
  return planProblem('bad-options', `--${option} must be ${what}, not ${value}.`);
}

function outOfOrder(s: MigrationState, why: string): Problem {
  return planProblem('out-of-order', `${s.name} runs out of order: ${why}.`, s, 'warning');
}

function planProblem(code: ProblemCode, message: string, s?: MigrationState, severity: Problem['severity'] = 'error'): Problem {
  return problem(code, message, { severity, file: s?.migration?.upPath });
}
