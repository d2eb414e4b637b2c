// Adopting a database that had its schema before it had migrations. Applying 001 on top of such a database can
// rebuild or drop its tables; a baseline records the migrations its schema already matches, without running them.
import type { Connection } from '../engine/connection';
import { ensureLedger, findLedgerRow, inspectLedger, objectType, readLedger, recordApplied } from '../ledger/ledger';
import { foreignPoint, type ForeignLedger } from '../ledger/foreign';
import { fail, ok, type Migration, type Problem, type Result } from '../model';
import { problem } from '../problems';
import { schemaDrift } from '../schema/drift';
import { dumpSchema, isForeignObject, type SchemaObject } from '../schema/dump';
import type { PrefixSchemas } from '../schema/applied';
import { sqliteDateTime } from './runner';
import { plural } from '../ledger/summary';
import { sequenceArg } from '../schema/driftAdvice';

/** The application's own tables, when the database has no ledger yet; empty when it has one or none. */
export function unmanagedTables(db: Connection): string[] {
  const shape = inspectLedger(db);
  if (!shape.ok || shape.value !== 'absent') return [];
  return db
    .all("SELECT name FROM main.sqlite_master WHERE type = 'table' ORDER BY name")
    .map(([name]) => String(name))
    // SQLite's own and Litestream's replication tables are not the application's.
    .filter((name) => !isForeignObject(name, name));
}

/**
 * The refusal of `up`, and the warning of `status` and `dry-run`, on a database with tables but no ledger; with
 * another tool's ledger (Flyway's, sqlx's), where that one says the database stands.
 */
export function unmanagedProblem(tables: readonly string[], severity: 'error' | 'warning', foreign?: ForeignLedger): Problem {
  const shown = tables.slice(0, 3).join(', ') + (tables.length > 3 ? ', ...' : '');
  const what = `The database has ${tables.length} table${tables.length === 1 ? '' : 's'} of its own (${shown}) but no schema_migrations table`;
  const point = foreign && foreignPoint(foreign);
  const advice = foreign && point !== undefined
    ? `${foreign.owner} ${foreign.table} records the migrations up to ${point} as applied: record them here as applied with "sqlite-migrations baseline" (editor: Baseline Existing Database...), which checks first that the database has their schema`
    : 'if its schema already matches the migrations, record them as applied with "sqlite-migrations baseline" (editor: Baseline Existing Database...)';
  return severity === 'error'
    ? problem('unmanaged-database', `${what}: applying the first migration on top of them could rebuild or drop them, so nothing was run. ${capitalise(advice)}; to apply anyway, pass --allow-existing-schema.`)
    : problem('unmanaged-database', `${what}: the migrations would run on top of them; ${advice}.`, { severity });
}

/**
 * Records every migration up to `to` (all when absent) as applied without running it: its checksum, description
 * and text, status applied, execution_time_ms NULL. Refused when any of them is already in the ledger, and when the
 * database has the schema of another point in the migrations than `to` (checked inside the transaction): recording
 * a migration whose objects the database lacks would make `up` skip it. With no such point, it is recorded as asked
 * (the database's schema often grew apart from its first migrations) and the differences are said as a warning.
 */
export function recordBaseline(db: Connection, migrations: readonly Migration[], to: number | undefined, now: Date, downSqlOf: (m: Migration) => string | null, prefixes: PrefixSchemas, foreign?: ForeignLedger): Result<Problem[]> {
  const chosen = migrations.filter((m) => to === undefined || m.sequence <= to);
  const unknown = unknownSequence(migrations, to);
  if (unknown) return fail(unknown);
  if (chosen.length === 0) {
    return fail(problem('nothing-to-baseline', 'There are no migrations to record as applied.'));
  }
  return writeImmediately(db, () => {
    const checked = adoptionCheck(dumpSchema(db), migrations, chosen[chosen.length - 1], prefixes);
    if (!checked.ok) return checked;
    const moved = foreign?.renameTo ? moveAside(db, foreign, foreign.renameTo) : ok([]);
    if (!moved.ok) return moved;
    const recorded = recordBaselineRows(db, chosen, now, downSqlOf);
    return recorded.ok ? ok([baselinedNote(recorded.value), ...moved.value, ...checked.value]) : recorded;
  });
}

/** Another tool's schema_migrations is renamed, inside the baseline's transaction, so that the spec's ledger can be made. */
function moveAside(db: Connection, foreign: ForeignLedger, renameTo: string): Result<Problem[]> {
  if (objectType(db, renameTo) !== undefined) {
    return fail(problem('ledger-foreign', `Not baselined: ${foreign.table} is ${foreign.owner} migration table, and ${renameTo}, the name it would be moved to, is taken; nothing was changed.`));
  }
  db.exec(`ALTER TABLE "${foreign.table}" RENAME TO "${renameTo}"`);
  return ok([problem('ledger-moved', `${foreign.owner} ${foreign.table} was renamed to ${renameTo}, where it is kept; this tool's ledger takes its place.`, { severity: 'info' })]);
}

/** What a baseline says it did. */
export function baselinedNote(recorded: readonly Migration[]): Problem {
  const names = recorded.map((m) => m.name);
  const range = `${names[0]}${names.length > 1 ? ` to ${names[names.length - 1]}` : ''}`;
  return problem('baselined', `Recorded ${plural(names.length, 'migration')} as applied without running ${names.length === 1 ? 'it' : 'them'}: ${range}.`, { severity: 'info' });
}

/** Refused when the database shows another point of the migrations exactly; else a warning when it shows none. */
function adoptionCheck(database: readonly SchemaObject[], migrations: readonly Migration[], last: Migration, prefixes: PrefixSchemas): Result<Problem[]> {
  // Undefined where the replay did not get that far.
  const differencesAt = (m: Migration) => {
    const objects = prefixes.after.get(m.sequence);
    return objects && schemaDrift(database, objects);
  };
  const differences = differencesAt(last);
  if (differences?.length === 0) return ok([]);
  const exact = migrations.filter((m) => differencesAt(m)?.length === 0).pop();
  if (exact) {
    const what = differences ? `: ${differences.join('; ')}` : '';
    return fail(problem('baseline-differs', `Not baselined: the database has the schema that the migrations up to ${exact.name} produce, not up to ${last.name}${what}. Run "sqlite-migrations baseline --to ${sequenceArg(exact.sequenceText)}" (editor: Baseline Existing Database..., up to ${exact.name}); "up" then applies the rest.`));
  }
  const why = differences
    ? `its schema differs from what the migrations up to ${last.name} produce: ${differences.join('; ')}. "verify" reports these as drift until a migration makes them agree`
    : `whether its schema matches cannot be checked, because the migrations do not replay on an empty database: ${(prefixes.stopped?.message ?? 'unknown').replace(/\.$/, '')}`;
  return ok([problem('baseline-unchecked', `Recorded as asked, although ${why}.`, { severity: 'warning' })]);
}

/** One transaction, taken for writing at once: all rows or none, and no other run can record one meanwhile. */
function writeImmediately<T>(db: Connection, work: () => Result<T>): Result<T> {
  db.exec('BEGIN IMMEDIATE');
  try {
    const done = work();
    db.exec(done.ok ? 'COMMIT' : 'ROLLBACK');
    return done;
  } catch (e) {
    db.exec('ROLLBACK');
    throw e;
  }
}

function unknownSequence(migrations: readonly Migration[], to: number | undefined): Problem | undefined {
  return to !== undefined && !migrations.some((m) => m.sequence === to) ? problem('unknown-sequence', `There is no migration with sequence ${to} to baseline to.`) : undefined;
}

/**
 * What a baseline records. A database without applied migrations is being adopted: every migration up to `to`.
 * On one that has applied migrations, the pending ones up to `to`, which the database must already show: a change
 * made by hand and then written down as a migration (New Migration from Drift), whose ADD COLUMN, say, would fail
 * on the database that already has the column.
 */
export type BaselinePlan = { readonly kind: 'adopt' } | { readonly kind: 'pending'; readonly chosen: readonly Migration[] };

export function planBaseline(db: Connection, migrations: readonly Migration[], to: number | undefined): Result<BaselinePlan> {
  const rows = readLedger(db);
  const applied = new Set(rows.ok ? rows.value.filter((r) => r.status === 'applied').map((r) => r.version) : []);
  if (applied.size === 0) return ok({ kind: 'adopt' });
  const unknown = unknownSequence(migrations, to);
  if (unknown) return fail(unknown);
  const chosen = migrations.filter((m) => (to === undefined || m.sequence <= to) && !applied.has(m.version));
  if (chosen.length === 0) {
    return fail(problem('nothing-to-baseline', `Every migration${to === undefined ? '' : ` up to sequence ${to}`} is already applied; there is nothing to record.`));
  }
  return ok({ kind: 'pending', chosen });
}

/**
 * Records pending migrations as applied without running them, in one transaction taken for writing at once, and
 * only when the database's schema is `expected` (what its applied migrations and these produce): checked inside
 * that transaction, so no other program can change the schema between the check and the record.
 */
export function recordPending(db: Connection, chosen: readonly Migration[], expected: readonly SchemaObject[], now: Date, downSqlOf: (m: Migration) => string | null): Result<Migration[]> {
  return writeImmediately(db, () => {
    const differences = schemaDrift(dumpSchema(db), expected);
    const recorded = chosen.filter((m) => findLedgerRow(db, m.version)?.status === 'applied');
    if (recorded.length > 0) return fail(alreadyApplied(recorded));
    if (differences.length > 0) return fail(notShown(chosen, differences));
    recordRows(db, chosen, now, downSqlOf);
    return ok([...chosen]);
  });
}

function notShown(chosen: readonly Migration[], differences: readonly string[]): Problem {
  const names = chosen.map((m) => m.name).join(', ');
  const one = chosen.length === 1;
  // No advice to apply instead: a difference may be one that only the database has, which applying would not end.
  return problem(
    'baseline-differs',
    `Not recorded: the database does not have the schema that ${names} would produce, so recording ${one ? 'it' : 'them'} as applied would be untrue: ${differences.join('; ')}.`,
  );
}

function alreadyApplied(recorded: readonly Migration[]): Problem {
  const names = recorded.slice(0, 5).map((m) => m.name).join(', ');
  return problem('already-applied', `Not baselined: ${names}${recorded.length > 5 ? ', ...' : ''} ${recorded.length === 1 ? 'is' : 'are'} already in schema_migrations; a baseline only records migrations a database has never seen.`);
}

/** The baseline's rows, inside the caller's transaction (`reset --from-schema` writes its schema in the same one). */
export function recordBaselineRows(db: Connection, chosen: readonly Migration[], now: Date, downSqlOf: (m: Migration) => string | null): Result<Migration[]> {
  const ledger = ensureLedger(db);
  if (!ledger.ok) return ledger;
  const recorded = chosen.filter((m) => findLedgerRow(db, m.version) !== undefined);
  if (recorded.length > 0) return fail(alreadyApplied(recorded));
  recordRows(db, chosen, now, downSqlOf);
  return ok([...chosen]);
}

/** Each migration's ledger row, as applied without running it: its checksum, description and text, no execution time. */
function recordRows(db: Connection, chosen: readonly Migration[], now: Date, downSqlOf: (m: Migration) => string | null): void {
  const appliedAt = sqliteDateTime(now);
  for (const m of chosen) {
    const row = { version: m.version, name: m.name, description: m.description, checksum: m.checksum, executionTimeMs: null, appliedAt };
    recordApplied(db, { ...row, upSql: m.sql, downSql: downSqlOf(m) });
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
