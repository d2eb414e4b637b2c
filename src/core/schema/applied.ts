import type { Connection } from '../engine/connection';
import { readAppliedNames, readAppliedSql, readLedger } from '../ledger/ledger';
import { statesFromLedger } from '../ledger/status';
import { fail, ok, type Migration, type Problem, type Result } from '../model';
import { problem } from '../problems';
import { replay, replayMigrations, SCRATCH_RUN, scratchDatabase, type OpenScratch } from '../run/replay';
import { dumpSchema, type SchemaHead, type SchemaObject } from './dump';

export interface SchemaDump {
  readonly objects: SchemaObject[];
  /** The applied migration with the highest sequence, or null when none is applied. */
  readonly head: SchemaHead | null;
  /** `all`: there is no database yet, so this is what every migration produces (what `up` would make). */
  readonly source?: 'applied' | 'all';
}

/** The `drift` task's answer: what the database has, what its applied migrations produce, and the differences in words. */
export interface SchemaComparison {
  readonly database: SchemaObject[];
  readonly migrations: SchemaObject[];
  readonly head: SchemaHead | null;
  readonly differences: string[];
}

/**
 * The schema the database's applied migrations produce: their files (or, for an applied migration whose
 * file is gone or was edited since, the text the ledger kept) applied in sequence order to an empty scratch database, dumped; with
 * `pending`, those too, after them (what the database would have once they are applied).
 */
export async function appliedSchema(db: Connection, migrations: readonly Migration[], open?: OpenScratch, pending: readonly Migration[] = []): Promise<Result<SchemaDump, Problem>> {
  const rows = readLedger(db);
  if (!rows.ok) return rows;
  const states = statesFromLedger(migrations, { rows: rows.value, names: [...readAppliedNames(db)] }).filter((s) => s.row?.status === 'applied');
  const toReplay: Migration[] = [];
  for (const s of states) {
    // A file edited since it was applied did not make the database's schema; the text that ran did, when kept.
    const edited = s.migration !== undefined && s.row !== undefined && s.migration.checksum !== s.row.checksum;
    const recorded = !s.migration || edited ? readAppliedSql(db, s.version)?.upSql : undefined;
    const sql = recorded ?? s.migration?.sql;
    if (sql === undefined) {
      return fail(problem('replay-failed', `${s.name} is applied but neither its file nor its text in schema_migrations_sql remains, so the schema it produced is unknown.`, { severity: 'warning' }));
    }
    toReplay.push(s.migration ? { ...s.migration, sql } : standIn(s.name, s.version, s.description, sql));
  }
  // Pending ones go after the applied ones, in sequence order, as `up` would apply them.
  return replayAndDump([...toReplay, ...[...pending].sort((a, b) => a.sequence - b.sequence)], open, 'applied');
}

/** With no database yet: the schema every migration produces, in sequence order (what `up` from empty makes). */
export function allMigrationsSchema(migrations: readonly Migration[], open?: OpenScratch): Promise<Result<SchemaDump, Problem>> {
  return replayAndDump([...migrations].sort((a, b) => a.sequence - b.sequence), open, 'all');
}

/**
 * What the migrations produce after each one, replayed in order on an empty database: by sequence, as far as the
 * replay went (a migration written for a database that already had tables may not run on an empty one).
 */
export interface PrefixSchemas {
  readonly after: ReadonlyMap<number, readonly SchemaObject[]>;
  /** Why the replay stopped early, if it did. */
  readonly stopped?: Problem;
}

/**
 * The schema after each migration, replayed in sequence order from empty, as far as the replay goes: where a
 * database being adopted stands among its migrations.
 */
export async function prefixSchemas(migrations: readonly Migration[], open: OpenScratch = scratchDatabase): Promise<PrefixSchemas> {
  const db = await open();
  try {
    const after = new Map<number, SchemaObject[]>();
    const ordered = [...migrations].sort((a, b) => a.sequence - b.sequence);
    const outcomes = replay(db, ordered, SCRATCH_RUN, (m) => void after.set(m.sequence, dumpSchema(db)));
    const failed = outcomes.find((o) => !o.ok)?.error;
    return { after, ...(failed ? { stopped: failed } : {}) };
  } finally {
    db.close();
  }
}

async function replayAndDump(toReplay: readonly Migration[], open: OpenScratch | undefined, source: 'applied' | 'all'): Promise<Result<SchemaDump, Problem>> {
  const replayed = await replayMigrations(toReplay, open);
  if (!replayed.ok) return replayed;
  try {
    const last = toReplay[toReplay.length - 1];
    return ok({ objects: dumpSchema(replayed.value), head: last ? { version: last.version, name: last.name } : null, source });
  } finally {
    replayed.value.close();
  }
}

/** An applied migration whose file is gone, rebuilt from what the ledger kept so it can be replayed. */
function standIn(name: string, version: string, description: string, sql: string): Migration {
  return { sequence: 0, sequenceText: '', slug: name, name, version, description, upPath: `${name}.sql`, sql, checksum: '' };
}
