// Lints migrations against the schema the migrations before each one leave: that schema is built on a scratch
// in-memory database (never the workspace's), from the per-prefix cache where it can, and each migration's statements
// run there in a transaction; its down file runs after it, in a savepoint that is rolled back. The scratch database
// advances migration by migration to reach the next one asked for, and is thrown away at the end.
import { basename } from 'node:path';
import type { Connection } from '../engine/connection';
import type { Migration } from '../model';
import { problem } from '../problems';
import { readDownSql, type OpenScratch } from '../run/replay';
import { lineSpan, runStatements, type LintedFile } from './statements';
import { prefixKeys, restoreSnapshot, takeSnapshot, type SchemaCache } from './schemaCache';
import { targetFindings } from './target';
import type { LintFinding } from './finding';
import type { SqliteVersion } from './version';

export interface LintOptions {
  readonly target: SqliteVersion;
  readonly open: OpenScratch;
  readonly cache: SchemaCache;
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
  let start = wanted[0];
  while (start > 0 && !opts.cache.get(keys[start])) start--;
  const db = await opts.open();
  try {
    restoreSnapshot(db, opts.cache.get(keys[start])!);
    return walk(db, migrations, { from: start, wanted: new Set(wanted), last: wanted[wanted.length - 1], keys }, opts);
  } finally {
    db.close();
  }
}

interface Walk {
  readonly from: number;
  readonly wanted: ReadonlySet<number>;
  readonly last: number;
  readonly keys: readonly string[];
}

function walk(db: Connection, migrations: readonly Migration[], w: Walk, opts: LintOptions): MigrationLint[] {
  const results: MigrationLint[] = [];
  for (let i = w.from; i <= w.last; i++) {
    const m = migrations[i];
    const asked = w.wanted.has(i);
    const up: LintedFile = { file: m.upPath, label: basename(m.upPath), text: m.sql };
    const down = asked ? downFile(m) : undefined;
    const findings = asked ? [...targetFindings(up, opts.target), ...(down ? targetFindings(down, opts.target) : [])] : [];
    const upErrors = runMigration(db, up, down, findings);
    if (asked) results.push({ name: m.name, file: m.upPath, findings: sortFindings(findings, m.upPath) });
    if (upErrors.length) {
      for (let j = i + 1; j <= w.last; j++) if (w.wanted.has(j)) results.push(earlierFails(migrations[j], up.label, upErrors[0].line ?? 1, opts));
      break;
    }
    if (!opts.cache.get(w.keys[i + 1])) {
      opts.cache.set(w.keys[i + 1], takeSnapshot(db));
      opts.cache.builds++;
    }
  }
  return results;
}

/**
 * The up file in a transaction, committed when it runs clean so the next migration sees its schema; the down file
 * (when asked) after it in a savepoint that is always rolled back. Returns the up file's errors; all go to `out`.
 */
function runMigration(db: Connection, up: LintedFile, down: LintedFile | undefined, out: LintFinding[]): LintFinding[] {
  db.exec('BEGIN');
  let upErrors: LintFinding[] = [];
  try {
    upErrors = runStatements(db, up);
    out.push(...upErrors);
    if (down && !upErrors.length) {
      db.exec('SAVEPOINT lint_down');
      out.push(...runStatements(db, down));
      db.exec('ROLLBACK TO lint_down');
      db.exec('RELEASE lint_down');
    }
  } finally {
    db.exec(upErrors.length ? 'ROLLBACK' : 'COMMIT');
  }
  return upErrors;
}

function downFile(m: Migration): LintedFile | undefined {
  const text = readDownSql(m);
  if (text === null) return undefined;
  const file = m.downPath ?? m.upPath;
  return { file, label: m.downPath && m.downPath !== m.upPath ? basename(m.downPath) : `${basename(m.upPath)} (down)`, text };
}

/** Its SQL is not run (it would fail on what the earlier one left undone); the target version needs no schema, so that is still checked. */
function earlierFails(m: Migration, label: string, line: number, opts: LintOptions): MigrationLint {
  const detail = `earlier migration ${label} fails at line ${line}; not checked`;
  const finding: LintFinding = { ...problem('earlier-fails', `${basename(m.upPath)}: ${detail}.`, { severity: 'warning', file: m.upPath, line: 1 }), ...lineSpan(m.sql, 1), detail };
  const down = downFile(m);
  const versions = [...targetFindings({ file: m.upPath, label: basename(m.upPath), text: m.sql }, opts.target), ...(down ? targetFindings(down, opts.target) : [])];
  return { name: m.name, file: m.upPath, findings: [finding, ...versions] };
}

/** Up file first, then the down file (a dbmate file holds both: its down section comes later anyway), each in order. */
function sortFindings(findings: LintFinding[], upFile: string): LintFinding[] {
  const rank = (f: LintFinding) => (f.file === upFile ? 0 : 1);
  return findings.sort((a, b) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0) || a.column - b.column);
}
