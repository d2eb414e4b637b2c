/** The spec's `MAJOR.MINOR.PATCH` versions (no pre-release or build suffix: the ledger compares plain text). */
export type Bump = 'major' | 'minor' | 'patch';

export interface Semver {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

export const BUMPS: readonly Bump[] = ['major', 'minor', 'patch'];

/** Leading zeros are refused, as semver.org does, so "1.01.0" and "1.1.0" can never both name one schema. */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

export function parseSemver(text: string): Semver | undefined {
  const match = SEMVER.exec(text);
  if (!match) {
    return undefined;
  }
  const [major, minor, patch] = match.slice(1).map(Number);
  if (![major, minor, patch].every(Number.isSafeInteger)) {
    return undefined;
  }
  return { major, minor, patch };
}

export function isBump(text: string): text is Bump {
  return (BUMPS as readonly string[]).includes(text);
}

/** The spec's rules: a major bump resets minor and patch, a minor bump resets patch. */
export function bumpVersion(version: string, bump: Bump): string {
  const v = parseSemver(version);
  if (!v) {
    throw new RangeError(`bumpVersion: "${version}" is not a MAJOR.MINOR.PATCH version`);
  }
  switch (bump) {
    case 'major':
      return `${v.major + 1}.0.0`;
    case 'minor':
      return `${v.major}.${v.minor + 1}.0`;
    case 'patch':
      return `${v.major}.${v.minor}.${v.patch + 1}`;
  }
}

/**
 * Numeric comparison of two versions (negative, zero, positive). It is total so it can sort any
 * ledger: text that is not semver (a sequence-as-version like "005") sorts before every semver,
 * and among itself numerically when both are digits, else as plain text.
 */
export function compareSemver(a: string, b: string): number {
  const va = parseSemver(a);
  const vb = parseSemver(b);
  if (va && vb) {
    return va.major - vb.major || va.minor - vb.minor || va.patch - vb.patch;
  }
  if (va || vb) {
    return va ? 1 : -1;
  }
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    return Number(a) - Number(b) || a.length - b.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The highest semver among `versions`, ignoring anything that is not one. */
export function highestSemver(versions: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const v of versions) {
    if (parseSemver(v) && (best === undefined || compareSemver(v, best) > 0)) {
      best = v;
    }
  }
  return best;
}
