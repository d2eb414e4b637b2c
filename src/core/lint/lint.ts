// Lints migrations against the schema the migrations before each one leave: that schema is built on a scratch
// in-memory database (never the workspace's), from the per-prefix cache where it can, and each migration's statements
// run there in a transaction; its down file runs after it, in a savepoint that is rolled back. The scratch database
// advances migration by migration to reach the next one asked for; the last one asked for is always rolled back, and
// the database is kept open in the cache at that prefix, so linting the same migration again starts right there.
import { fileLabel } from '../migrations/label';
import type { Connection } from '../engine/connection';
import type { Migration } from '../model';
import { problem } from '../problems';
import { readDownSql, type OpenScratch } from '../run/replay';
import { missingTableNote } from './renames';
import { lineSpan, runStatements, type LintedFile } from './statements';
import { prefixKeys, restoreSnapshot, takeSnapshot, type SchemaCache, type SchemaSnapshot } from './schemaCache';
import { targetFindings } from './target';
import type { LintFinding } from './finding';
import type { SqliteVersion } from './version';

export interface LintOptions {
  readonly target: SqliteVersion;
  readonly open: OpenScratch;
  readonly cache: SchemaCache;
  /**
   * Told the scratch database as the walk leaves it: the schema before the last migration asked for (or before the
   * earlier migration that failed). For the editor's hover and completion.
   */
  readonly inspect?: (db: Connection) => void;
}

export interface MigrationLint {
  readonly name: string;
  readonly file: string;
  readonly findings: LintFinding[];
}

/**
 * Lints the migrations at `indexes` (positions in `migrations`, which is every migration in order). An earlier
 * migration that fails is said once per migration asked for after it, instead of the errors it causes there.
 */
export async function lintMigrations(migrations: readonly Migration[], indexes: readonly number[], opts: LintOptions): Promise<MigrationLint[]> {
  const wanted = [...new Set(indexes)].sort((a, b) => a - b);
  if (!wanted.length) return [];
  const keys = prefixKeys(migrations);
  const { db, at } = await startingPoint(keys, wanted[0], opts);
  let walked: { results: MigrationLint[]; end: number };
  try {
    walked = walk(db, migrations, { from: at, wanted: new Set(wanted), last: wanted[wanted.length - 1], keys }, opts);
  } catch (e) {
    db.close();
    throw e;
  }
  try {
    opts.inspect?.(db);
  } finally {
    opts.cache.keepOpen(keys[walked.end], db);
  }
  return walked.results;
}

/** The longest cached prefix before the first migration asked for: the database kept open at it, else its snapshot rebuilt. */
async function startingPoint(keys: readonly string[], first: number, opts: LintOptions): Promise<{ db: Connection; at: number }> {
  for (let at = first; ; at--) {
    const open = opts.cache.takeOpen(keys[at]);
    if (open) return { db: open, at };
    const snapshot = opts.cache.get(keys[at]);
    if (!snapshot) continue;
    const db = await opts.open();
    try {
      restoreSnapshot(db, snapshot);
    } catch (e) {
      db.close();
      throw e;
    }
    return { db, at };
  }
}

interface Walk {
  readonly from: number;
  readonly wanted: ReadonlySet<number>;
  readonly last: number;
  readonly keys: readonly string[];
}

/** Where the database ends: `end` is the prefix it holds (the last migration asked for is always rolled back). */
function walk(db: Connection, migrations: readonly Migration[], w: Walk, opts: LintOptions): { results: MigrationLint[]; end: number } {
  const results: MigrationLint[] = [];
  for (let i = w.from; i <= w.last; i++) {
    const m = migrations[i];
    const asked = w.wanted.has(i);
    const up: LintedFile = { file: m.upPath, label: fileLabel(m.upPath), text: m.sql };
    const down = asked ? downFile(m) : undefined;
    const findings = asked ? [...targetFindings(up, opts.target), ...(down ? targetFindings(down, opts.target) : [])] : [];
    const key = w.keys[i + 1];
    const remember = (snapshot: SchemaSnapshot) => {
      opts.cache.set(key, snapshot);
      opts.cache.builds++;
    };
    const explain = (message: string) => missingTableNote(migrations.slice(0, i), message);
    const upErrors = runMigration(db, { up, down, out: findings, keep: i < w.last, snapshot: opts.cache.get(key) ? undefined : remember, explain });
    if (asked) results.push({ name: m.name, file: m.upPath, findings: sortFindings(findings, m.upPath) });
    if (upErrors.length) {
      for (let j = i + 1; j <= w.last; j++) if (w.wanted.has(j)) results.push(earlierFails(migrations[j], up.label, upErrors[0].line ?? 1, opts));
      return { results, end: i };
    }
  }
  return { results, end: w.last };
}

interface MigrationRun {
  readonly up: LintedFile;
  readonly down: LintedFile | undefined;
  /** Every finding goes here. */
  readonly out: LintFinding[];
  /** Commit a clean up file so the next migration sees its schema; otherwise it is rolled back. */
  readonly keep: boolean;
  /** Told the schema after a clean up file, before anything is rolled back. */
  readonly snapshot?: (s: SchemaSnapshot) => void;
  /** A note for SQLite's message (a missing table renamed by an earlier migration). */
  readonly explain?: (message: string) => string | undefined;
}

/**
 * The up file in a transaction; the down file (when asked) after it, in a savepoint that is always rolled back.
 * Returns the up file's errors.
 */
function runMigration(db: Connection, r: MigrationRun): LintFinding[] {
  db.exec('BEGIN');
  let upErrors: LintFinding[] = [];
  try {
    const found = runStatements(db, r.up, r.explain);
    r.out.push(...found);
    // A note (a stand-in for a virtual table) is not a failure: the schema after this file is still good to check the next.
    upErrors = found.filter((f) => f.severity !== 'info');
    if (!upErrors.length) r.snapshot?.(takeSnapshot(db));
    if (r.down && !upErrors.length) {
      db.exec('SAVEPOINT lint_down');
      r.out.push(...runStatements(db, r.down, r.explain));
      db.exec('ROLLBACK TO lint_down');
      db.exec('RELEASE lint_down');
    }
  } finally {
    db.exec(r.keep && !upErrors.length ? 'COMMIT' : 'ROLLBACK');
  }
  return upErrors;
}

function downFile(m: Migration): LintedFile | undefined {
  const text = readDownSql(m);
  if (text === null) return undefined;
  const file = m.downPath ?? m.upPath;
  return { file, label: m.downPath && m.downPath !== m.upPath ? fileLabel(m.downPath) : `${fileLabel(m.upPath)} (down)`, text };
}

/** Its SQL is not run (it would fail on what the earlier one left undone); the target version needs no schema, so that is still checked. */
function earlierFails(m: Migration, label: string, line: number, opts: LintOptions): MigrationLint {
  const detail = `earlier migration ${label} fails at line ${line}; not checked`;
  const finding: LintFinding = { ...problem('earlier-fails', `${fileLabel(m.upPath)}: ${detail}.`, { severity: 'warning', file: m.upPath, line: 1 }), ...lineSpan(m.sql, 1), detail };
  const down = downFile(m);
  const versions = [...targetFindings({ file: m.upPath, label: fileLabel(m.upPath), text: m.sql }, opts.target), ...(down ? targetFindings(down, opts.target) : [])];
  return { name: m.name, file: m.upPath, findings: [finding, ...versions] };
}

/** Up file first, then the down file (a dbmate file holds both: its down section comes later anyway), each in order. */
function sortFindings(findings: LintFinding[], upFile: string): LintFinding[] {
  const rank = (f: LintFinding) => (f.file === upFile ? 0 : 1);
  return findings.sort((a, b) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0) || a.column - b.column);
}
