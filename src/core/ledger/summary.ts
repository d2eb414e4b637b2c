// One computed state per database for everything that summarises it (the status bar, the view's badge,
// the folder row): they all count with the plan's own rules, so none of them can say "up to date" while
// "up" would still apply something.
import type { Problem } from '../model';
import { parseSemver, compareSemver } from '../migrations/semver';
import { appliedStates, toApply, type MigrationState } from './status';

/** The headline, most urgent first: what the user should look at. */
export type SummaryState = 'problems' | 'failed' | 'modified' | 'pending' | 'up to date';

export interface StatusSummary {
  readonly state: SummaryState;
  /** Short words for the status bar: "up to date", "3 pending", "1 failed", "2 problems", "1 modified". */
  readonly label: string;
  /** The database's version: the highest applied semantic version, else the last applied sequence; undefined when empty. */
  readonly version?: string;
  /** Everything `up` would apply: pending, failed, rolled back, and pending ones below an applied one (out of order). */
  readonly toApply: number;
  readonly failed: number;
  readonly rolledBack: number;
  /** Pending migrations sequenced before one that is applied: `up` applies them out of order. */
  readonly outOfOrder: number;
  readonly modified: number;
  readonly missing: number;
  /** Migration files with errors: they are not used, and nothing is applied until they are fixed. */
  readonly problems: number;
  /** The number for a badge: problems, plus every migration that needs attention or would be applied. */
  readonly badge: number;
  /** One line per thing worth saying, for a tooltip. */
  readonly lines: readonly string[];
}

export function summarize(states: readonly MigrationState[], problems: readonly Problem[] = []): StatusSummary {
  const applying = toApply(states);
  const applied = appliedStates(states);
  const highestApplied = Math.max(-1, ...applied.map((s) => s.sequence ?? -1));
  const count = (status: MigrationState['status']) => states.filter((s) => s.status === status).length;
  const failed = count('failed');
  const rolledBack = count('rolled_back');
  const modified = count('modified');
  const missing = count('missing');
  const outOfOrder = applying.filter((s) => s.status === 'pending' && (s.sequence ?? Infinity) < highestApplied).length;
  const errors = problems.filter((p) => p.severity === 'error').length;
  const state: SummaryState = errors ? 'problems' : failed ? 'failed' : modified || missing ? 'modified' : applying.length ? 'pending' : 'up to date';
  const label = {
    problems: plural(errors, 'problem'),
    failed: plural(failed, 'failed', 'failed'),
    modified: plural(modified + missing, 'modified', 'modified'),
    pending: `${applying.length} pending`,
    'up to date': 'up to date',
  }[state];
  const lines: string[] = [];
  if (errors) lines.push(`${plural(errors, 'migration file problem')}: nothing is applied until ${errors === 1 ? 'it is' : 'they are'} fixed.`);
  if (applying.length) lines.push(`${applying.length} to apply: ${breakdown(applying.length - failed - rolledBack - outOfOrder, failed, rolledBack, outOfOrder)}.`);
  if (modified) lines.push(`${plural(modified, 'applied migration')} changed since ${modified === 1 ? 'it was' : 'they were'} applied.`);
  if (missing) lines.push(`${plural(missing, 'applied migration')} whose file is missing.`);
  if (lines.length === 0) lines.push('Up to date: every migration is applied.');
  return {
    state,
    label,
    version: databaseVersion(applied),
    toApply: applying.length,
    failed,
    rolledBack,
    outOfOrder,
    modified,
    missing,
    problems: errors,
    badge: errors + applying.length + modified + missing,
    lines,
  };
}

/** "2 pending, 1 failed, 1 rolled back, 1 out of order", leaving out the zeros. */
function breakdown(pending: number, failed: number, rolledBack: number, outOfOrder: number): string {
  const parts: string[] = [];
  if (pending > 0) parts.push(`${pending} pending`);
  if (failed > 0) parts.push(`${failed} failed`);
  if (rolledBack > 0) parts.push(`${rolledBack} rolled back`);
  if (outOfOrder > 0) parts.push(`${outOfOrder} out of order`);
  return parts.join(', ');
}

/**
 * The highest applied semantic version: a migration without a version header has its sequence as version
 * ("006"), which says nothing next to "1.2.1". Only when no applied migration has one is the sequence shown.
 */
export function databaseVersion(applied: readonly MigrationState[]): string | undefined {
  const semvers = applied.map((s) => s.version).filter((v) => parseSemver(v) !== undefined);
  if (semvers.length) return semvers.reduce((a, b) => (compareSemver(a, b) >= 0 ? a : b));
  return applied.at(-1)?.version;
}

/** "1 problem", "2 problems"; `many` for words whose plural is not "+s". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
