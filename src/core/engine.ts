import * as fsp from 'fs/promises';
import { listBackups, type BackupInfo, type CreatedBackup } from './engine/backups';
import { noDatabase } from './engine/dbpath';
import { EngineChooser, type EngineChoice } from './engine/choose';
import type { EngineName } from './engine/connection';
import type { EngineFacts } from './engine/facts';
import { backupNative, restoreNative, runNative } from './engine/native/operation';
import type { NativeProbe } from './engine/native/probe';
import type { WriteStep } from './engine/sqljs/dbfile';
import { backupSqlJs, restoreSqlJs, runSqlJs } from './engine/sqljs/operation';
import { checkSidecars } from './engine/sqljs/sidecars';
import { noteBackupsOfMissing } from './engine/lostDatabase';
import { reviewInWorker } from './engine/sqljs/workerClient';
import type { MigrationReview } from './semver/breaking';
import { discoverMigrations, type Catalog, type ChecksumCache } from './migrations/catalog';
import type { EngineConfig } from './config';
import { statesFromLedger } from './ledger/status';
import type { LedgerCache } from './ledger/cache';
import { fail, ok, type Problem, type Result } from './model';
import { fileSystemProblem, isFileSystemError } from './fsErrors';
import { problem } from './problems';
import { writeSchemaFile } from './schema/file';
import { rowsNotRebuilt, type SchemaSource } from './schema/reset';
import { renderSchema, schemaFileVersion } from './schema/dump';
import { changesDatabase, type BaselineOptions, type DownOptions, type Task, type TaskResponse, type UpOptions } from './run/protocol';

/** What an operation did, for the CLI and the extension to show. */
export interface OperationResult extends Omit<TaskResponse, 'backup'> {
  readonly catalog: Catalog;
  /** Which engine ran the SQL. */
  readonly engine: EngineName;
  /** True when the database changed (native: in place; sql.js: the file was replaced). */
  readonly written: boolean;
  readonly backup?: BackupInfo;
}

export interface OperationOptions {
  readonly now?: () => Date;
  readonly cache?: ChecksumCache;
  /** Lets a status refresh skip reading a database file that has not changed since the last one. */
  readonly ledgerCache?: LedgerCache;
  /** Called at each step of the atomic write; the CLI's crash tests pause here. */
  readonly onWriteStep?: (step: WriteStep) => Promise<void> | void;
  /** Remembers a failed native probe between operations; one is made per call when absent. */
  readonly engines?: EngineChooser;
}

export type OperationOutcome = Result<OperationResult, Problem[]> & { readonly engine?: EngineName };

/** `drift`: also compare the database's schema with the one its applied migrations produce (skips the ledger cache). */
export function status(config: EngineConfig, options: OperationOptions = {}, drift = false): Promise<OperationOutcome> {
  return run(config, drift ? { kind: 'status', drift } : { kind: 'status' }, options);
}

/** The schema the applied migrations produce, replayed on an empty scratch database (`schema` in the result). */
export function schema(config: EngineConfig, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'schema' }, options);
}

/** The database's schema beside the one its applied migrations produce (`drift` in the result); read-only. */
export function drift(config: EngineConfig, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'drift' }, options);
}

export function verify(config: EngineConfig, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'verify' }, options);
}

export function migrateUp(config: EngineConfig, up: UpOptions, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'up', options: withTestSetting(config, up) }, options);
}

export function migrateDown(config: EngineConfig, down: DownOptions, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'down', options: down }, options);
}

export function dryRunUp(config: EngineConfig, up: UpOptions, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'dry-run', direction: 'up', options: withTestSetting(config, up) }, options);
}

/** sqliteMigrations.runTestsBeforeCommit off is --skip-tests for every apply, in the editor and the CLI alike. */
function withTestSetting(config: EngineConfig, up: UpOptions): UpOptions {
  return config.runTestsBeforeCommit ? up : { ...up, skipTests: true };
}

/**
 * The migrations' test files and reversibility checks (`suite` in the result), on the chosen engine: on an empty
 * in-memory database, or with `fromDb` on a scratch copy of the database (pending migrations only). Never writes it.
 */
export function testMigrations(config: EngineConfig, fromDb: boolean, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'test', fromDb }, options);
}

export async function dryRunDown(config: EngineConfig, down: DownOptions, options: OperationOptions = {}): Promise<OperationOutcome> {
  // Refused as "down" is: a database that does not exist has nothing to roll back, and saying so names it.
  const missing = await fsp.stat(config.databaseFile).then(() => false, (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  if (missing) return fail([noDatabase(config.databaseFile)]);
  return run(config, { kind: 'dry-run', direction: 'down', options: down }, options);
}

export function appliedSql(config: EngineConfig, version: string, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'applied-sql', version }, options);
}

/** Records migrations as applied without running them, after a backup: adopting a database that has their schema. */
export function baseline(config: EngineConfig, options: BaselineOptions, operation: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'baseline', options }, operation);
}

/**
 * Recreates the database from a schema file and records the migrations up to the version in its header as applied,
 * after a backup (the caller has the user's confirmation).
 */
export async function resetFromSchema(config: EngineConfig, schema: SchemaSource, options: OperationOptions = {}): Promise<OperationOutcome> {
  const result = await run(config, { kind: 'reset', schema }, options);
  if (!result.ok || !result.value.written) return result;
  // The baseline as planReset chose it: every migration up to the header's version.
  const head = result.value.catalog.migrations.find((m) => m.version === schemaFileVersion(schema.text));
  const baseline = head ? result.value.catalog.migrations.filter((m) => m.sequence <= head.sequence) : [];
  const rows = rowsNotRebuilt(baseline, result.value.backup?.path);
  return rows ? ok({ ...result.value, notes: [...result.value.notes, rows] }) : result;
}

/** Like Flyway's repair: the ledger takes the applied file's current checksum and text. */
export function acceptChecksum(config: EngineConfig, version: string, options: OperationOptions = {}): Promise<OperationOutcome> {
  return run(config, { kind: 'accept-checksum', version }, options);
}

/**
 * The breaking-change review of the folder's migrations (semver/breaking.ts), in a sql.js worker on a scratch
 * database: the database file is never opened. The catalog comes with it, for where each migration is.
 */
export async function reviewSemver(config: EngineConfig, options: OperationOptions = {}): Promise<Result<{ catalog: Catalog; reviews: MigrationReview[] }, Problem[]>> {
  const catalog = await discoverMigrations(config.migrationsFolder, options.cache, config.layout);
  const usable = catalog.migrations;
  if (!usable.length) return ok({ catalog, reviews: [] });
  const reviews = await reviewInWorker(usable, config.timeLimitMs);
  return reviews.ok ? ok({ catalog, reviews: reviews.value }) : fail([reviews.error]);
}

/** The one path every operation takes: discover the migrations, choose the engine, hand it the task. */
async function run(config: EngineConfig, task: Task, options: OperationOptions): Promise<OperationOutcome> {
  const result = await orFileProblem(() => runUnguarded(config, task, options));
  if (!result.ok || !result.value.written || !config.schemaFile || !REWRITES_SCHEMA.has(task.kind)) return result;
  const kept = await keepSchemaFile(config, config.schemaFile, options);
  return kept ? ok({ ...result.value, notes: [...result.value.notes, kept] }) : result;
}

/**
 * The operations after which the schema file is rewritten, when they changed the database. An accepted checksum
 * also takes the edited text as the applied one, which the schema replays.
 */
const REWRITES_SCHEMA: ReadonlySet<Task['kind']> = new Set(['up', 'down', 'baseline', 'accept-checksum']);

/**
 * Rewrites the schema file from the migrations now applied. Done after the write, as its own read-only task,
 * so the engines never touch it; a failure here is a warning, as the database itself is fine.
 */
async function keepSchemaFile(config: EngineConfig, file: string, options: OperationOptions): Promise<Problem | undefined> {
  const dumped = await orFileProblem(() => runUnguarded(config, { kind: 'schema' }, options));
  const why = (p: Problem) => problem('schema-write-failed', `${file} was not updated: ${p.message}`, { severity: 'warning', file });
  if (!dumped.ok) return why(dumped.error[0]);
  const s = dumped.value.schema;
  if (!s) return undefined;
  // A failed write says what it is itself (the path, why, that the file is as it was or was not created).
  const written = await writeSchemaFile(file, renderSchema(s.objects, s.head), true);
  return written.ok ? undefined : written.error;
}

/** An I/O error nobody expected (a folder that cannot be read, a link that loops) ends as a problem, not a throw. */
async function orFileProblem<T>(work: () => Promise<Result<T, Problem[]>>): Promise<Result<T, Problem[]>> {
  try {
    return await work();
  } catch (e) {
    if (isFileSystemError(e)) return fail([fileSystemProblem(e)]);
    throw e;
  }
}

async function runUnguarded(config: EngineConfig, task: Task, options: OperationOptions): Promise<OperationOutcome> {
  const catalog = await discoverMigrations(config.migrationsFolder, options.cache, config.layout);
  const blocking = catalog.problems.filter((p) => p.severity === 'error');
  if (changesDatabase(task) && blocking.length) {
    return fail(blocking);
  }
  // "up" without a migrations folder would create an empty database and report success: most likely a wrong path.
  const noFolder = catalog.problems.find((p) => p.code === 'folder-missing');
  if (task.kind === 'up' && noFolder) {
    return fail([{ ...noFolder, severity: 'error', message: `${noFolder.message.replace(/ yet\.$/, '.')} Nothing to apply; check sqliteMigrations.migrationsFolder or --dir.` }]);
  }
  const engines = chooser(options);
  const known = engines.known(config.engine);
  if (task.kind === 'status' && options.ledgerCache && known) {
    const cached = await cachedStatus(catalog, options.ledgerCache, config.databaseFile, known);
    if (cached) return cached;
  }
  const chosen = await engines.choose(config.engine);
  if (!chosen.ok) return chosen;
  const choice = chosen.value;
  const result = await runOn(choice, config, task, catalog.migrations, options);
  if (!result.ok) return { ...result, engine: choice.engine };
  const notes = await noteBackupsOfMissing(choice.note ? [choice.note, ...result.value.notes] : result.value.notes, config);
  return ok({ ...result.value, notes, catalog, engine: choice.engine });
}

/** The caller's chooser (it remembers what the probe found), or one for this call. */
function chooser(options: OperationOptions): EngineChooser {
  return options.engines ?? new EngineChooser();
}

function clock(options: OperationOptions): () => Date {
  return options.now ?? (() => new Date());
}

function runOn(choice: EngineChoice, config: EngineConfig, task: Task, migrations: Catalog['migrations'], options: OperationOptions) {
  const now = clock(options);
  return choice.engine === 'native'
    ? runNative(config, task, migrations, { now, ledgerCache: options.ledgerCache, child: choice.child })
    : runSqlJs(config, task, migrations, { now, ledgerCache: options.ledgerCache, onWriteStep: options.onWriteStep });
}

/** Status from the remembered ledger, when the database file (and its WAL) is still as it was read. */
async function cachedStatus(catalog: Catalog, cache: LedgerCache, dbPath: string, choice: EngineChoice): Promise<OperationOutcome | undefined> {
  const hit = await cache.lookup(dbPath);
  if (!hit) return undefined;
  // sql.js cannot see what a sidecar holds, so its status refuses one even when nothing else changed.
  if (choice.engine === 'sqljs') {
    const sidecars = await checkSidecars(hit.realPath);
    if (!sidecars.ok) return fail([sidecars.error]);
  }
  const states = statesFromLedger(catalog.migrations, hit.ledger);
  return ok({ states, outcomes: [], notes: choice.note ? [choice.note] : [], catalog, written: false, engine: choice.engine });
}

export interface EngineReport {
  readonly engine: EngineName;
  readonly setting: EngineConfig['engine'];
  /** SQLite's version, modules and compile options as the chosen engine reports them. */
  readonly facts?: EngineFacts;
  /** What the native probe found, also when sql.js was chosen. */
  readonly probe?: NativeProbe;
  readonly note?: Problem;
}

/** "Show Engine": which engine the settings choose here, and what it and the native probe found. */
export async function describeEngine(config: EngineConfig, options: OperationOptions = {}): Promise<Result<EngineReport, Problem[]>> {
  const chosen = await chooser(options).choose(config.engine);
  if (!chosen.ok) return chosen;
  const { engine, probe, note } = chosen.value;
  const reply = await runOn(chosen.value, config, { kind: 'describe' }, [], options);
  if (!reply.ok) return reply;
  return ok({ engine, setting: config.engine, facts: reply.value.facts, probe, note });
}

export type BackupOutcome = Result<{ readonly engine: EngineName; readonly backup: CreatedBackup; readonly notes: Problem[] }, Problem[]>;

/** "Back up now": native copies through SQLite's backup API, sql.js copies the bytes it read. */
export function backupNow(config: EngineConfig, options: OperationOptions = {}): Promise<BackupOutcome> {
  return orFileProblem(() => backupNowUnguarded(config, options));
}

async function backupNowUnguarded(config: EngineConfig, options: OperationOptions): Promise<BackupOutcome> {
  const chosen = await chooser(options).choose(config.engine);
  if (!chosen.ok) return chosen;
  const { engine, child, note } = chosen.value;
  const now = clock(options);
  const made = engine === 'native' ? await backupNative(config, { now, child }) : await backupSqlJs(config, now).then((r) => (r.ok ? r : fail([r.error])));
  return made.ok ? ok({ engine, backup: made.value, notes: note ? [note] : [] }) : made;
}

export type RestoreOutcome = Result<{
  readonly engine: EngineName;
  readonly safetyBackup: BackupInfo | null;
  readonly notes: string[];
  /** The schema file could not be rewritten for the restored state (the database itself is restored). */
  readonly warnings: Problem[];
}, Problem[]>;

/** Puts a backup back; the current state is backed up first. The schema file then follows, as after `up`. */
export function restore(config: EngineConfig, backupFile: string, options: OperationOptions = {}): Promise<RestoreOutcome> {
  return orFileProblem(() => restoreUnguarded(config, backupFile, options));
}

async function restoreUnguarded(config: EngineConfig, backupFile: string, options: OperationOptions): Promise<RestoreOutcome> {
  const chosen = await chooser(options).choose(config.engine);
  if (!chosen.ok) return chosen;
  const { engine, child } = chosen.value;
  const now = clock(options);
  const restored = engine === 'native' ? await restoreNative(config, backupFile, { now, child }) : await restoreSqlJs(config, backupFile, now);
  if (!restored.ok) return restored;
  const kept = config.schemaFile ? await keepSchemaFile(config, config.schemaFile, options) : undefined;
  return ok({ engine, ...restored.value, warnings: kept ? [kept] : [] });
}

/** This database's backups, newest first. */
export function backups(config: EngineConfig): Promise<BackupInfo[]> {
  return listBackups(config.databaseFile, config.backupsFolder);
}
