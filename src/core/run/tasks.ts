import { isBusy, type Connection } from '../engine/connection';
import { describeSqlite } from '../engine/facts';
import { migrationTestFailure } from '../testing/gate';
import { dryRun } from './dryrun';
import { moduleRefusal } from './modules';
import { foreignKeyRows, integrityCheck, violationCounts, type Violation } from './integrity';
import { acceptChecksum, inspectLedger, readAppliedNames, readAppliedSql, readLedger } from '../ledger/ledger';
import { findForeignLedger, foreignPoint, type ForeignLedger } from '../ledger/foreign';
import { fail, ok, type Migration, type Problem, type Result } from '../model';
import { planDown, planUp, type PlanStep } from './plan';
import type { DownOptions, Ledger, TaskReply, TaskRequest, TaskResponse, UpOptions } from './protocol';
import { runPlan, vetPlan, type RunContext } from './runner';
import { rowsOfDropped, tablesGone } from './droppedRows';
import { statesFromLedger, toApply, type MigrationState } from '../ledger/status';
import { verifyDatabase } from './verify';
import { baselinedNote, planBaseline, recordBaseline, recordPending, unmanagedProblem, unmanagedTables } from './adopt';
import { problem } from '../problems';
import { allMigrationsSchema, appliedSchema, prefixSchemas } from '../schema/applied';
import { dumpSchema } from '../schema/dump';
import { schemaDrift } from '../schema/drift';
import type { CheckResult } from './integrity';
import { readDownSql, scratchDatabase, type OpenScratch } from './replay';
import { ledgerMismatch, planReset, rebuildFromSchema, type SchemaSource } from '../schema/reset';
import { runSuite } from '../testing/suite';
import { breakingFindings, reviewMigrations } from '../semver/breaking';

/**
 * What differs between the engines around a task: where a scratch copy comes from, when the backup is
 * taken and how a changed database is checked. The task logic below is the same for both.
 */
export interface TaskEngine {
  readonly conn: Connection;
  /** False when the database file did not exist: nothing to check before writing, nothing to back up. */
  readonly existed: boolean;
  /** A scratch copy of the database for a dry run, never the file itself; the caller closes it. */
  scratchCopy(): Promise<Connection>;
  /** Before the first change is committed (native: back up through SQLite here). */
  beforeWrite(): Promise<Result<Partial<TaskResponse>>>;
  /**
   * After changes were committed: check the database (sql.js: export and verify the new bytes). Foreign key
   * violations count only beyond `keysBefore`, those the database had before the task.
   */
  afterWrite(keysBefore: readonly Violation[]): Promise<Result<Partial<TaskResponse>>>;
  /** After `beforeWrite` when nothing was committed after all (a refusal, a failed rollback): undo its preparations. */
  unchanged(): Promise<void>;
  /** An empty in-memory database to replay migrations on (native: node:sqlite, which has FTS5); sql.js when absent. */
  readonly emptyScratch?: OpenScratch;
}

/** Tasks that may write: a corrupt file or one with broken foreign keys is refused before them. */
const WRITING = new Set(['up', 'down', 'dry-run', 'accept-checksum', 'baseline', 'reset']);

/** Runs one task over an open database. Expected failures come back as values; a lock held too long too. */
export async function runTask(engine: TaskEngine, req: TaskRequest, onOutcome?: RunContext['onOutcome']): Promise<TaskReply> {
  try {
    let keysBefore: Violation[] = [];
    if (engine.existed && WRITING.has(req.task.kind)) {
      const precheck = checkBeforeUse(engine.conn, req.task.kind);
      if (!precheck.ok) return precheck;
      keysBefore = precheck.value;
    }
    const reply = await dispatch(engine, req, { keysBefore, onOutcome });
    if (!reply.ok || keysBefore.length === 0) return reply;
    return ok({ ...reply.value, notes: [olderViolations(keysBefore), ...reply.value.notes] });
  } catch (e) {
    if (isBusy(e)) return fail(problem('db-busy', busyMessage()));
    throw e;
  }
}

/** What a task run carries besides the request: the foreign key violations found before it, and who hears each outcome. */
interface TaskRun {
  readonly keysBefore: readonly Violation[];
  readonly onOutcome?: RunContext['onOutcome'];
}

async function dispatch(engine: TaskEngine, req: TaskRequest, run: TaskRun): Promise<TaskReply> {
  const db = engine.conn;
  const task = req.task;
  switch (task.kind) {
    case 'status': {
      const ledger = readLedgerAndNames(db);
      if (!ledger.ok) return ledger;
      // A database with tables but no ledger is already said in one warning; drift would list each of its tables again.
      const unmanaged = unmanagedNote(db);
      const drift = task.drift && !unmanaged.length ? await driftNote(engine, req) : [];
      return ok({ outcomes: [], notes: [...unmanaged, ...drift], states: statesFromLedger(req.migrations, ledger.value), ledger: ledger.value });
    }
    case 'verify': {
      // The spec's semver rule as warnings: they do not fail verify, CI reads them with the file and line.
      const breaking = breakingFindings(await reviewMigrations(req.migrations, engine.emptyScratch));
      return withStates(db, req, { checks: [...verifyDatabase(db, req.migrations), await driftCheck(engine, req)], notes: breaking });
    }
    case 'schema': {
      // Without a database (a fresh checkout in CI), "what the migrations produce" is what all of them produce.
      const schema = engine.existed ? await appliedSchema(db, req.migrations, engine.emptyScratch) : await allMigrationsSchema(req.migrations, engine.emptyScratch);
      return schema.ok ? withStates(db, req, { schema: schema.value }) : schema;
    }
    case 'drift': {
      const replayed = await appliedSchema(db, req.migrations, engine.emptyScratch);
      if (!replayed.ok) return replayed;
      const database = dumpSchema(db);
      const { objects: migrations, head } = replayed.value;
      return withStates(db, req, { drift: { database, migrations, head, differences: schemaDrift(database, migrations) } });
    }
    case 'applied-sql':
      return withStates(db, req, { appliedSql: readAppliedSql(db, task.version) });
    case 'dry-run': {
      const steps = planSteps(db, req, task.direction, task.options);
      if (!steps.ok) return steps;
      const refused = vetPlan(steps.value.steps) ?? moduleRefusal(db, steps.value.steps);
      if (refused) return withStates(db, req, { notes: steps.value.notes, outcomes: [refused] });
      const copy = await engine.scratchCopy();
      const report = dryRun(copy, steps.value.steps, context(req, run));
      const notes = task.direction === 'up' ? [...unmanagedNote(db), ...steps.value.notes] : steps.value.notes;
      return withStates(db, req, { dryRun: report, notes, outcomes: report.outcomes });
    }
    case 'up':
    case 'down':
      return migrate(engine, req, task.kind, task.options, run);
    case 'accept-checksum':
      return acceptChecksumTask(engine, req, task.version, run);
    case 'baseline':
      return baselineTask(engine, req, task.options.to, run);
    case 'reset':
      return resetTask(engine, req, run, task.schema);
    case 'describe':
      return ok({ outcomes: [], notes: [], states: [], facts: { node: process.versions.node, ...describeSqlite(db) } });
    case 'test':
      return task.fromDb ? testFromDatabase(engine, req) : testFromEmpty(engine, req);
  }
}

async function migrate(engine: TaskEngine, req: TaskRequest, direction: 'up' | 'down', options: UpOptions | DownOptions, run: TaskRun): Promise<TaskReply> {
  const db = engine.conn;
  const unmanaged = direction === 'up' && !(options as UpOptions).allowExistingSchema ? unmanagedTables(db) : [];
  if (unmanaged.length) return fail(unmanagedProblem(unmanaged, 'error', findForeignLedger(db)));
  const plan = planSteps(db, req, direction, options);
  if (!plan.ok) return plan;
  const notes = plan.value.notes;
  const steps = plan.value.steps;
  const refused = vetPlan(steps) ?? moduleRefusal(db, steps);
  if (steps.length === 0 || refused) {
    return withStates(db, req, { notes, outcomes: refused ? [refused] : [] });
  }
  const before = JSON.stringify(readLedger(db));
  const prepared = await engine.beforeWrite();
  if (!prepared.ok) return prepared;
  const held = direction === 'down' ? rowsOfDropped(db, steps) : undefined;
  const outcomes = runPlan(db, steps, { ...context(req, run), onOutcome: run.onOutcome });
  // Every change a migration commits also changes the ledger; a refused step or a failed rollback
  // changes neither, and then there is nothing to check (nor, for sql.js, a file to rewrite).
  if (JSON.stringify(readLedger(db)) === before) {
    await engine.unchanged();
    return withStates(db, req, { outcomes, notes });
  }
  // When no migration committed, the only change is a 'failed' row: not worth a backup (or the pruning of an older one).
  if (!outcomes.some((o) => o.ok)) {
    await engine.unchanged();
    const { backup: _dropped, ...rest } = prepared.value;
    return await finishWrite(engine, req, run, { ...rest, outcomes, notes, unbackedUp: true });
  }
  const dropped = held && tablesGone(db, held);
  return await finishWrite(engine, req, run, { ...prepared.value, outcomes, notes, ...(dropped?.length ? { dropped } : {}) });
}

/** Every migration from empty on an in-memory database (native: node:sqlite's, with FTS5): the database file is never opened. */
async function testFromEmpty(engine: TaskEngine, req: TaskRequest): Promise<TaskReply> {
  const db = await (engine.emptyScratch ?? scratchDatabase)();
  try {
    return ok({ outcomes: [], notes: [], states: [], suite: runSuite(db, req.migrations, suiteContext(req, true)) });
  } finally {
    db.close();
  }
}

/** The pending migrations on a scratch copy of the database as it is now: what the next "up" would meet. The file is only read. */
async function testFromDatabase(engine: TaskEngine, req: TaskRequest): Promise<TaskReply> {
  const states = readStates(engine.conn, req);
  if (!states.ok) return states;
  const pending = toApply(states.value).flatMap((s) => (s.migration ? [s.migration] : []));
  const copy = await engine.scratchCopy();
  try {
    const suite = runSuite(copy, pending, suiteContext(req, foreignKeyRows(copy).length === 0));
    return ok({ outcomes: [], notes: [], states: states.value, suite });
  } finally {
    copy.close();
  }
}

function suiteContext(req: TaskRequest, keysClean: boolean): RunContext {
  const started = Date.now();
  return { now: () => new Date(req.nowMs + (Date.now() - started)), keysClean };
}

function acceptChecksumTask(engine: TaskEngine, req: TaskRequest, version: string, run: TaskRun): Promise<TaskReply> {
  return ledgerWrite(engine, req, run, () => {
    const changed = acceptChecksum(engine.conn, version, req.migrations);
    return changed.ok ? ok([]) : changed;
  });
}

async function baselineTask(engine: TaskEngine, req: TaskRequest, to: number | undefined, run: TaskRun): Promise<TaskReply> {
  const plan = planBaseline(engine.conn, req.migrations, to);
  if (!plan.ok) return plan;
  const now = new Date(req.nowMs);
  if (plan.value.kind === 'adopt') {
    const foreign = findForeignLedger(engine.conn);
    if (foreign?.dirty) return fail(dirtyForeignLedger(foreign));
    const prefixes = await prefixSchemas(req.migrations, engine.emptyScratch);
    // Without --to, where the other tool's ledger says the database stands; the schema check still decides.
    const target = to ?? (foreign && foreignPoint(foreign));
    return ledgerWrite(engine, req, run, () => recordBaseline(engine.conn, req.migrations, target, now, readDownSql, prefixes, foreign));
  }
  const { chosen } = plan.value;
  const expected = await appliedSchema(engine.conn, req.migrations, engine.emptyScratch, chosen);
  if (!expected.ok) return fail(uncheckedBaseline(chosen, expected.error));
  const recorded = (): Result<Problem[]> => {
    const done = recordPending(engine.conn, chosen, expected.value.objects, now, readDownSql);
    return done.ok ? ok([baselinedNote(done.value)]) : done;
  };
  return ledgerWrite(engine, req, run, recorded);
}

/** golang-migrate's dirty flag: its last migration stopped partway, so the schema is at no version a baseline could name. */
function dirtyForeignLedger(foreign: ForeignLedger): Problem {
  const at = foreignPoint(foreign);
  return problem('ledger-foreign', `Not baselined: ${foreign.table} is ${foreign.owner} migration table and marks version ${at} dirty: that migration stopped partway, so the schema is at no version. Repair the database and clear the flag with that tool ("migrate force ${at}" once the schema is that of ${at}), then baseline; nothing was changed.`);
}

/** Without what the migrations produce there is nothing to check the database against, and no baseline without the check. */
function uncheckedBaseline(chosen: readonly Migration[], why: Problem): Problem {
  const names = chosen.map((m) => m.name).join(', ');
  return problem('baseline-unchecked', `Not recorded: whether the database has the schema that ${names} would produce cannot be checked, because replaying the migrations failed: ${why.message.replace(/\.$/, '')}.`, { file: why.file, line: why.line });
}

/** A change to the ledger alone (no migration runs): prepared and checked like one, undone preparations when refused. */
async function ledgerWrite(engine: TaskEngine, req: TaskRequest, run: TaskRun, change: () => Result<Problem[]>): Promise<TaskReply> {
  const prepared = await engine.beforeWrite();
  if (!prepared.ok) return prepared;
  const notes = change();
  if (!notes.ok) {
    await engine.unchanged();
    return notes;
  }
  return await finishWrite(engine, req, run, { ...prepared.value, outcomes: [], notes: notes.value });
}

/**
 * The schema file is read and vetted before the backup; the drop, the schema and the baseline then go in one
 * transaction. A schema file that no longer matches the migrations is said after, while the database is still open.
 */
async function resetTask(engine: TaskEngine, req: TaskRequest, run: TaskRun, source: SchemaSource): Promise<TaskReply> {
  const plan = planReset(source, req.migrations);
  if (!plan.ok) return plan;
  const ledger = readLedger(engine.conn);
  const mismatch = ledger.ok ? ledgerMismatch(plan.value, ledger.value) : undefined;
  if (mismatch) return fail(mismatch);
  const prepared = await engine.beforeWrite();
  if (!prepared.ok) return prepared;
  const rebuilt = rebuildFromSchema(engine.conn, plan.value, new Date(req.nowMs), readDownSql);
  if (!rebuilt.ok) {
    await engine.unchanged();
    return rebuilt;
  }
  const replayed = await appliedSchema(engine.conn, req.migrations, engine.emptyScratch);
  const drift = replayed.ok ? schemaDrift(dumpSchema(engine.conn), replayed.value.objects) : [];
  const stale = drift.length
    ? [problem('schema-drift', `${source.file} differs from what the migrations it names produce: ${drift.join('; ')}.`, { severity: 'warning', file: source.file })]
    : [];
  return await finishWrite(engine, req, run, { ...prepared.value, outcomes: [], notes: [...rebuilt.value, ...stale] });
}

/**
 * The database's schema against the one its applied migrations produce on an empty scratch database. A database
 * that does not exist has nothing to compare; a replay that cannot run says why instead of failing verify.
 */
async function schemaDifferences(engine: TaskEngine, req: TaskRequest): Promise<Result<string[], Problem>> {
  if (!engine.existed) return ok([]);
  const replayed = await appliedSchema(engine.conn, req.migrations, engine.emptyScratch);
  if (!replayed.ok) return replayed;
  return ok(schemaDrift(dumpSchema(engine.conn), replayed.value.objects));
}

/** Where to go from a failed drift check: the migration that records the differences, written for you. */
const DRIFT_POINTER = 'To keep these changes, write them into a new migration with "sqlite-migrations new NAME --from-drift".';

async function driftCheck(engine: TaskEngine, req: TaskRequest): Promise<CheckResult> {
  const found = await schemaDifferences(engine, req);
  if (!found.ok) return { name: 'schema_drift', ok: true, skipped: true, detail: `not compared: ${found.error.message}` };
  const d = found.value;
  return d.length
    ? { name: 'schema_drift', ok: false, detail: `the database's schema differs from what its applied migrations produce: ${d.join('; ')}. ${DRIFT_POINTER}` }
    : { name: 'schema_drift', ok: true, detail: 'the schema is what the applied migrations produce' };
}

async function driftNote(engine: TaskEngine, req: TaskRequest): Promise<Problem[]> {
  const found = await schemaDifferences(engine, req);
  if (!found.ok) return [found.error];
  const d = found.value;
  if (!d.length) return [];
  return [problem('schema-drift', `The database's schema differs from what its applied migrations produce (changed outside them?): ${d.join('; ')}.`, { severity: 'warning' })];
}

/** A database with tables of its own and no ledger yet: said as a warning by status and dry runs. */
function unmanagedNote(db: Connection): Problem[] {
  const tables = unmanagedTables(db);
  return tables.length ? [unmanagedProblem(tables, 'warning', findForeignLedger(db))] : [];
}

/** States are read before the engine's check, which for sql.js frees the connection to make room for the export. */
async function finishWrite(engine: TaskEngine, req: TaskRequest, run: TaskRun, partial: Partial<TaskResponse>): Promise<TaskReply> {
  const states = readStates(engine.conn, req);
  if (!states.ok) return states;
  const checked = await engine.afterWrite(run.keysBefore);
  if (!checked.ok) return checked;
  const notes = [...(partial.notes ?? []), ...(checked.value.notes ?? [])];
  return ok({ outcomes: [], ...partial, ...checked.value, notes, changed: true, states: states.value });
}

function withStates(db: Connection, req: TaskRequest, partial: Partial<TaskResponse>): TaskReply {
  const states = readStates(db, req);
  if (!states.ok) return states;
  return ok({ outcomes: [], notes: [], ...partial, states: states.value });
}

function readLedgerAndNames(db: Connection): Result<Ledger> {
  const rows = readLedger(db);
  return rows.ok ? ok({ rows: rows.value, names: [...readAppliedNames(db)] }) : rows;
}

function readStates(db: Connection, req: TaskRequest): Result<MigrationState[]> {
  const ledger = readLedgerAndNames(db);
  return ledger.ok ? ok(statesFromLedger(req.migrations, ledger.value)) : ledger;
}

function planSteps(db: Connection, req: TaskRequest, direction: 'up' | 'down', options: UpOptions | DownOptions): Result<{ steps: PlanStep[]; notes: Problem[] }> {
  const states = readStates(db, req);
  if (!states.ok) return states;
  if (direction === 'up') {
    const plan = planUp(states.value, options);
    if (!plan.ok) return plan;
    const steps = plan.value.steps.map((m): PlanStep => ({ direction: 'up', migration: m, downSql: readDownSql(m) }));
    return ok({ steps, notes: plan.value.notes });
  }
  const plan = planDown(states.value, { ...options, knownDownSql: (v) => readAppliedSql(db, v)?.downSql });
  if (!plan.ok) return plan;
  const steps = plan.value.steps.map((s): PlanStep => ({
    direction: 'down',
    version: s.version,
    name: s.name,
    downPath: s.migration?.downPath,
    missingDown: s.migration?.missingDown,
    downSql: (s.migration && readDownSql(s.migration)) ?? readAppliedSql(db, s.version)?.downSql ?? null,
  }));
  return ok({ steps, notes: plan.value.notes });
}

function context(req: TaskRequest, run: TaskRun): RunContext {
  const started = Date.now();
  // Without a check before the run (a database created by it), there is nothing older to tell apart.
  const task = req.task;
  // Applying (or its dry run) runs each migration's test file before its COMMIT, unless told not to.
  const up = (task.kind === 'up' || (task.kind === 'dry-run' && task.direction === 'up')) && !task.options.skipTests;
  return { now: () => new Date(req.nowMs + (Date.now() - started)), clock: () => performance.now(), keysClean: run.keysBefore.length === 0, ...(up ? { testMigration: migrationTestFailure } : {}) };
}

/**
 * A corrupt file is refused instead of migrated; a foreign ledger is refused before anything runs. Foreign
 * key violations already there are returned: migrations are judged only on the ones they add.
 */
function checkBeforeUse(db: Connection, kind: TaskRequest['task']['kind']): Result<Violation[]> {
  const integrity = integrityCheck(db);
  if (!integrity.ok) {
    return fail(problem('db-corrupt', `The database failed PRAGMA integrity_check (${integrity.detail}); restore it from a backup before migrating.`));
  }
  const violations = foreignKeyRows(db);
  const shape = inspectLedger(db);
  // A baseline takes over a database whose schema_migrations is another tool's it knows: it moves that table aside.
  const takeover = kind === 'baseline' && findForeignLedger(db)?.renameTo !== undefined;
  return shape.ok || takeover ? ok(violations) : shape;
}

function olderViolations(violations: readonly Violation[]): Problem {
  const message = `The database already has foreign key violations (${violations.length}: ${violationCounts(violations)}). ` +
    'Migrations fail only on violations they add; "verify" reports these until they are fixed.';
  return problem('db-foreign-keys', message, { severity: 'warning' });
}

export function busyMessage(): string {
  return 'Another program holds a lock on the database past the busy timeout; nothing more was changed. ' +
    'Try again when it has finished, or raise sqliteMigrations.busyTimeoutSeconds (CLI: --busy-timeout SECONDS).';
}

export { problem };
