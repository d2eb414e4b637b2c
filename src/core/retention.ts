// How many backups a database keeps: the newest N, those younger than an age, or all. Parsed once, here, for
// the editor's settings, settings.json (CLI), an environment's entry and the --retention flag.
import { fail, ok, type Result } from './model';

export type Retention =
  | { readonly kind: 'count'; readonly count: number }
  | { readonly kind: 'age'; readonly ms: number; readonly text: string }
  | { readonly kind: 'all' };

export const KEEP_ALL: Retention = { kind: 'all' };

const UNIT_MS: Record<string, number> = { h: 3600_000, d: 86400_000, w: 7 * 86400_000 };

/**
 * `5` (or "5"): the newest five; `"30d"`, `"12h"`, `"2w"`: those made in that time; `"all"`: every one. `0`
 * keeps all too, as the count setting always did. A bad value's error ends a sentence the caller begins with
 * the setting's name and file: `must be a count (5), an age (12h, 30d, 2w) or "all", not "5x"`.
 */
export function parseRetention(value: unknown): Result<Retention, string> {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 ? ok(value === 0 ? KEEP_ALL : { kind: 'count', count: value }) : fail(badRetention(value));
  }
  if (typeof value !== 'string') return fail(badRetention(value));
  const text = value.trim().toLowerCase();
  if (text === 'all') return ok(KEEP_ALL);
  if (/^\d+$/.test(text)) return parseRetention(Number(text));
  const m = /^(\d+)\s*([hdw])$/.exec(text);
  if (!m || Number(m[1]) === 0) return fail(badRetention(value));
  return ok({ kind: 'age', ms: Number(m[1]) * UNIT_MS[m[2]], text: `${Number(m[1])}${m[2]}` });
}

function badRetention(value: unknown): string {
  return `must be a count (5), an age (12h, 30d, 2w) or "all", not ${JSON.stringify(value)}`;
}

/** For messages and the tree: "the newest 5", "30d", "all". */
export function describeRetention(r: Retention): string {
  return r.kind === 'all' ? 'all backups' : r.kind === 'count' ? `the newest ${r.count}` : `backups from the last ${r.text}`;
}
