// SQLite versions as the release notes write them (3.35.0, 3.39.4); compared number by number.
import { fail, ok, type Result } from '../model';

/** The spec's minimum engine, and the default target. */
export const DEFAULT_TARGET = '3.35.0';

export type SqliteVersion = readonly [number, number, number];

/** "3.35" or "3.35.0"; anything else is an error message naming what was given. */
export function parseVersion(text: string): Result<SqliteVersion, string> {
  const m = /^\s*(3)\.(\d{1,3})(?:\.(\d{1,3}))?\s*$/.exec(text);
  if (!m) return fail(`"${text}" is not a SQLite 3 version; write it as 3.Y.Z, e.g. ${DEFAULT_TARGET}`);
  return ok([Number(m[1]), Number(m[2]), Number(m[3] ?? 0)]);
}

export function compareVersions(a: SqliteVersion, b: SqliteVersion): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export function versionText(v: SqliteVersion): string {
  return v.join('.');
}
