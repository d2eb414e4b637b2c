// `reset --from-schema`: the spec's complete rollback, done safely. The database's own objects are dropped and the
// schema file's statements run in one transaction, with the baseline's ledger rows: a failure anywhere rolls all of
// it back, so the database is either what it was or the schema file's, never half of each.
import { errorMessage, isBusy, type Connection } from '../engine/connection';
import { fileLabel } from '../migrations/label';
import { fail, ok, type LedgerRow, type Migration, type Problem, type Result } from '../model';
import { problem } from '../problems';
import { recordBaselineRows } from '../run/adopt';
import { splitStatements, writesRows, type SqlStatement } from '../sql/script';
import { GENERATED_MARK, schemaFileVersion } from './dump';

/** The schema file as the caller read it. */
export interface SchemaSource {
  readonly file: string;
  readonly text: string;
}

export interface ResetPlan {
  readonly source: SchemaSource;
  readonly statements: readonly SqlStatement[];
  /** The migrations recorded as applied: every one up to the version in the file's header. */
  readonly baseline: readonly Migration[];
}

/** Reads the schema file's header and statements before anything is touched: a file we cannot use changes nothing. */
export function planReset(source: SchemaSource, migrations: readonly Migration[]): Result<ResetPlan> {
  const { file, text } = source;
  const unusable = (line: number, why: string) => fail(schemaUnusable(file, line, why));
  const header = headerProblem(source);
  if (header) return fail(header);
  const version = schemaFileVersion(text) ?? '';
  const head = migrations.find((m) => m.version === version);
  if (!head) return unusable(lineOf(text, version), `the header names version ${version}, which no migration in the migrations folder has`);
  const statements = splitStatements(text);
  for (const s of statements) {
    if (s.kind !== 'other' || !/^CREATE\b/i.test(s.text)) {
      return unusable(s.line, `only CREATE statements belong in a schema file, not "${firstLine(s.text)}"`);
    }
    if (/\bschema_migrations(_sql)?\b/i.test(s.text)) {
      return unusable(s.line, 'the ledger tables (schema_migrations) are written by the reset itself, not by the schema file');
    }
  }
  return ok({ source, statements, baseline: migrations.filter((m) => m.sequence <= head.sequence) });
}

/**
 * The reset writes `plan.baseline` as the ledger, so a database whose own ledger has other migrations applied (the
 * schema file of another environment's, or of a later state) would gain records of migrations it never ran, or lose
 * records of ones it did. A database with no applied rows (new, or never migrated) has nothing to contradict.
 */
export function ledgerMismatch(plan: ResetPlan, rows: readonly LedgerRow[]): Problem | undefined {
  const applied = new Set(rows.filter((r) => r.status === 'applied').map((r) => r.version));
  if (applied.size === 0) return undefined;
  const wanted = new Set(plan.baseline.map((m) => m.version));
  const neverRan = plan.baseline.filter((m) => !applied.has(m.version)).map((m) => m.name);
  const dropped = [...applied].filter((v) => !wanted.has(v));
  if (!neverRan.length && !dropped.length) return undefined;
  const head = plan.baseline[plan.baseline.length - 1];
  const effects = [
    ...(neverRan.length ? [`record ${neverRan.join(', ')} as applied, which the database never ran`] : []),
    ...(dropped.length ? [`drop the record of version ${dropped.join(', ')}, which the database has applied`] : []),
  ];
  return problem('reset-mismatch', `${plan.source.file} is the schema at version ${head.version} (${head.name}), but the database's ledger differs: the reset would ${effects.join(' and ')}. Nothing was changed. Bring the database to ${head.version} first ("up" or "down"), or write the schema of its own state with "sqlite-migrations schema --out FILE" and reset from that with --schema FILE.`, { file: plan.source.file });
}

/**
 * The warning after a reset when migrations recorded as applied write rows (a seed): the schema file rebuilt their
 * tables but not their rows, so the database is not what running them gives (and their tests may fail).
 */
export function rowsNotRebuilt(baseline: readonly Migration[], backup: string | undefined): Problem | undefined {
  const writers = baseline.filter((m) => splitStatements(m.sql).some((s) => writesRows(s.text)));
  if (!writers.length) return undefined;
  const names = writers.map((m) => fileLabel(m.upPath));
  const listed = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const from = backup ? `the backup ${backup}` : 'a backup';
  return problem('reset-done', `The rebuilt database has the schema only: rows that ${listed} ${names.length === 1 ? 'writes' : 'write'} are not in it; restore them from ${from} or re-run their statements.`, { severity: 'warning' });
}

/** A schema file whose header does not name the version it was produced at (not ours, or from an empty database). */
export function headerProblem({ file, text }: SchemaSource): Problem | undefined {
  if (text.includes(GENERATED_MARK) && schemaFileVersion(text) !== undefined) return undefined;
  return schemaUnusable(file, 1, text.includes(GENERATED_MARK) && /none applied yet/.test(text)
    ? 'the header says no migration was applied, so there is no version to baseline at'
    : 'has no header naming the version it was produced at (as "sqlite-migrations schema --out FILE" writes it), so there is no version to baseline at');
}

function schemaUnusable(file: string, line: number, why: string): Problem {
  return problem('schema-unusable', `${file}:${line}: ${why}; nothing was changed.`, { file, line });
}

/**
 * Drops the user's tables and views (SQLite's and Litestream's own are kept), runs the schema file's statements and
 * records the baseline, all in one transaction. Foreign keys are off meanwhile: dropping a parent table must not
 * touch, or refuse for, the rows of a child table that is dropped too. Returns the note to show.
 */
export function rebuildFromSchema(db: Connection, plan: ResetPlan, now: Date, downSqlOf: (m: Migration) => string | null): Result<Problem[]> {
  const keysOn = Number(db.all('PRAGMA foreign_keys')[0]?.[0]) === 1;
  if (keysOn) db.exec('PRAGMA foreign_keys = OFF');
  try {
    db.exec('BEGIN IMMEDIATE');
    let done: Result<Problem[]>;
    try {
      done = replaceSchema(db, plan, now, downSqlOf);
    } catch (e) {
      rollback(db);
      throw e;
    }
    if (!done.ok) {
      rollback(db);
      return done;
    }
    db.exec('COMMIT');
    return ok([...done.value, ...compact(db)]);
  } finally {
    if (keysOn) db.exec('PRAGMA foreign_keys = ON');
  }
}

function replaceSchema(db: Connection, plan: ResetPlan, now: Date, downSqlOf: (m: Migration) => string | null): Result<Problem[]> {
  dropUserObjects(db);
  const { file } = plan.source;
  for (const s of plan.statements) {
    let single: boolean;
    try {
      single = db.runSingle(s.text);
    } catch (e) {
      if (isBusy(e)) throw e;
      return fail(schemaUnusable(file, s.line, errorMessage(e)));
    }
    if (!single) return fail(schemaUnusable(file, s.line, 'SQLite reads more than one statement here'));
  }
  const recorded = recordBaselineRows(db, plan.baseline, now, downSqlOf);
  if (!recorded.ok) return recorded;
  const last = plan.baseline[plan.baseline.length - 1];
  const message = `Recreated the database from ${file} and recorded ${plan.baseline.length === 1 ? 'its one migration' : `its ${plan.baseline.length} migrations`} up to ${last.name} as applied.`;
  return ok([problem('reset-done', message, { severity: 'info', file })]);
}

/** Views first, then virtual tables (which take their shadow tables with them), then the rest with their indexes and triggers. */
function dropUserObjects(db: Connection): void {
  const rows = db.all("SELECT type, name, sql FROM main.sqlite_master WHERE type IN ('table', 'view')");
  const objects = rows
    .map((r) => ({ type: String(r[0]), name: String(r[1]), virtual: /^CREATE\s+VIRTUAL\s+TABLE/i.test(String(r[2] ?? '')) }))
    .filter((o) => !/^(sqlite_|_litestream_)/i.test(o.name));
  const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
  for (const v of objects.filter((o) => o.type === 'view')) db.exec(`DROP VIEW IF EXISTS ${quoted(v.name)}`);
  for (const t of objects.filter((o) => o.type === 'table' && o.virtual)) db.exec(`DROP TABLE IF EXISTS ${quoted(t.name)}`);
  for (const t of objects.filter((o) => o.type === 'table' && !o.virtual)) db.exec(`DROP TABLE IF EXISTS ${quoted(t.name)}`);
}

/** The old rows would otherwise stay readable in the file's free pages; a failed VACUUM only leaves them there. */
function compact(db: Connection): Problem[] {
  try {
    db.exec('VACUUM');
    return [];
  } catch (e) {
    return [problem('reset-done', `VACUUM after the reset failed (${errorMessage(e)}): the old rows' pages stay in the file as free space until "VACUUM" runs.`, { severity: 'warning' })];
  }
}

/** After a failed statement SQLite may already have rolled back; a second ROLLBACK then has no transaction to end. */
function rollback(db: Connection): void {
  try {
    db.exec('ROLLBACK');
  } catch {
    // nothing open: already rolled back
  }
}

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  return at < 0 ? 1 : text.slice(0, at).split('\n').length;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 60 ? line.slice(0, 57) + '...' : line;
}
