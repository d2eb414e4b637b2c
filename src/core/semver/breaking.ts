// Breaking-change checks: each migration run, statement by statement, on a scratch database that holds the earlier
// ones, its schema compared before and after (classify.ts), each change traced to the statement that made it. A
// breaking change in a migration whose version is not a MAJOR bump over the previous one is a warning.
import type { Connection } from '../engine/connection';
import { fileLabel } from '../migrations/label';
import { bumpVersion, parseSemver, type Bump } from '../migrations/semver';
import { fail, ok, type Migration, type Problem, type Result } from '../model';
import { problem } from '../problems';
import { scratchDatabase, type OpenScratch } from '../run/replay';
import { dumpSchema } from '../schema/dump';
import { vetScript } from '../sql/script';
import { classifyChanges, type SchemaChange } from './classify';

export interface LocatedChange extends SchemaChange {
  /** 1-based line of the statement that last changed the object; absent when none can be named. */
  readonly line?: number;
}

/**
 * Runs `m`'s statements on `db` (a scratch database with the migrations before it applied) in one transaction that
 * is committed, so the next migration builds on it, and returns its schema changes. A statement that fails ends it.
 */
export function analyzeMigration(db: Connection, m: Migration): Result<LocatedChange[], Problem> {
  const vetted = vetScript(m.sql, { file: m.upPath, label: fileLabel(m.upPath) });
  if (!vetted.ok) return vetted;
  const before = dumpSchema(db);
  const states = [objectSql(db)];
  // As the runner runs it: foreign keys off (a rebuild drops the parent), ALTER TABLE with its modern rules.
  db.run('PRAGMA foreign_keys = OFF');
  db.run('PRAGMA legacy_alter_table = OFF');
  db.exec('BEGIN');
  for (const s of vetted.value.run) {
    try {
      if (!db.runSingle(s.text)) db.exec(s.text);
    } catch (e) {
      db.exec('ROLLBACK');
      return fail(problem('replay-failed', `${fileLabel(m.upPath)}:${s.line}: ${(e as Error).message}`, { severity: 'warning', file: m.upPath, line: s.line }));
    }
    states.push(objectSql(db));
  }
  db.exec('COMMIT');
  const lines = vetted.value.run.map((s) => s.line);
  return ok(classifyChanges(before, dumpSchema(db)).map((c) => {
    const line = lastChange(states, c.object, lines);
    return line === undefined ? c : { ...c, line };
  }));
}

/** Every object's CREATE text by lower-case name (an index's table changing is not its own change). */
function objectSql(db: Connection): Map<string, string> {
  return new Map(db.all("SELECT name, sql FROM main.sqlite_master WHERE sql IS NOT NULL").map((r) => [String(r[0]).toLowerCase(), String(r[1])]));
}

/** The line of the last statement after which `object`'s text differs from before it: a rebuild's RENAME, a DROP. */
function lastChange(states: readonly Map<string, string>[], object: string, lines: readonly number[]): number | undefined {
  const key = object.toLowerCase();
  for (let i = states.length - 1; i > 0; i--) {
    if (states[i].get(key) !== states[i - 1].get(key)) return lines[i - 1];
  }
  return undefined;
}

/** The level a migration's content calls for: MAJOR for a breaking change, MINOR for an additive one, else PATCH. */
export function levelOf(changes: readonly SchemaChange[]): Bump {
  return changes.some((c) => c.class === 'breaking') ? 'major' : changes.some((c) => c.class === 'additive') ? 'minor' : 'patch';
}

export interface MigrationReview {
  readonly migration: Migration;
  readonly changes: readonly LocatedChange[];
  /** The previous migration's version, when both are MAJOR.MINOR.PATCH. */
  readonly previous?: string;
  /** Set when a breaking change is in a version that is not a MAJOR bump over `previous`: the version it should be. */
  readonly needsMajor?: string;
}

/**
 * Every migration from empty, in order, on a scratch database (sql.js unless `open` gives another); stops at the
 * first one that fails to run (`test` and `up` report that failure themselves).
 */
export async function reviewMigrations(migrations: readonly Migration[], open: OpenScratch = scratchDatabase): Promise<MigrationReview[]> {
  return (await review(migrations, open)).reviews;
}

/** The reviews, and the failure that ended them early (a warning naming the file and line, with SQLite's message). */
async function review(migrations: readonly Migration[], open: OpenScratch): Promise<{ reviews: MigrationReview[]; failure?: Problem }> {
  const db = await open();
  try {
    const reviews: MigrationReview[] = [];
    for (let i = 0; i < migrations.length; i++) {
      const m = migrations[i];
      const changes = analyzeMigration(db, m);
      if (!changes.ok) return { reviews, failure: changes.error };
      const previous = i > 0 && parseSemver(migrations[i - 1].version) && parseSemver(m.version) ? migrations[i - 1].version : undefined;
      const needsMajor = previous !== undefined && levelOf(changes.value) === 'major' && !isMajorBump(previous, m.version) ? bumpVersion(previous, 'major') : undefined;
      reviews.push({ migration: m, changes: changes.value, ...(previous ? { previous } : {}), ...(needsMajor ? { needsMajor } : {}) });
    }
    return { reviews };
  } finally {
    db.close();
  }
}

export function isMajorBump(previous: string, version: string): boolean {
  const p = parseSemver(previous);
  const v = parseSemver(version);
  return Boolean(p && v && v.major > p.major);
}

/** The warnings `verify`, `test` and the editor show: one per breaking change in a version that is not a MAJOR bump. */
export function breakingFindings(reviews: readonly MigrationReview[]): Problem[] {
  return reviews.flatMap((r) => {
    if (!r.needsMajor) return [];
    const file = fileLabel(r.migration.upPath);
    return r.changes.filter((c) => c.class === 'breaking').map((c) => problem(
      'breaking-change',
      `${file}:${c.line ?? 1}: ${c.what}: a breaking change in ${r.migration.version}, which is not a MAJOR bump over ${r.previous}; make it ${r.needsMajor}, or split it into backward-compatible steps.`,
      { severity: 'warning', file: r.migration.upPath, line: c.line ?? 1 },
    ));
  });
}

/**
 * The level `sql` (from `file`) calls for as the next migration after `migrations` (new --from): its changes on a
 * scratch database holding those. When it, or one before it, does not run there: that failure, with SQLite's message
 * and the file and line, so the caller can say why its level is unknown.
 */
export async function suggestBump(migrations: readonly Migration[], sql: string, file: string, open: OpenScratch = scratchDatabase): Promise<Result<{ bump: Bump; changes: readonly LocatedChange[] }, Problem>> {
  const next: Migration = { sequence: Number.MAX_SAFE_INTEGER, sequenceText: '', slug: 'new', name: 'new', version: '', description: '', upPath: file, sql, checksum: '' };
  const { reviews, failure } = await review([...migrations, next], open);
  if (failure) return fail({ ...failure, severity: 'warning' });
  const last = reviews[reviews.length - 1];
  return ok({ bump: levelOf(last.changes), changes: last.changes });
}
