import * as fs from 'fs';
import * as path from 'path';
import { applyEnvironment, readWorkspaceSettings, resolveConfig, settingsPathOutside, type EngineConfig } from '../core/config';
import { confirmationProblem } from '../core/environments';
import type { WriteStep } from '../core/engine/sqljs/dbfile';
import * as engine from '../core/engine';
import { EngineChooser } from '../core/engine/choose';
import { fileSystemAdvice, fileSystemProblem, isFileSystemError } from '../core/fsErrors';
import { fail, ok, type Migration, type Problem, type Result } from '../core/model';
import { driftMigration, type DriftMigration } from '../core/schema/driftSql';
import { driftAdviceText, driftNext, sequenceArg } from '../core/schema/driftAdvice';
import { fileLabel } from '../core/migrations/label';
import type { MigrationState } from '../core/ledger/status';
import type { CreatedBackup } from '../core/engine/backups';
import { plural } from '../core/ledger/summary';
import { problem } from '../core/problems';
import { createMigration, usesSemver } from '../core/migrations/scaffold';
import { discoverMigrations } from '../core/migrations/catalog';
import { decodeSqlText } from '../core/migrations/checksum';
import { BUMPS, type Bump } from '../core/migrations/semver';
import { suggestBump } from '../core/semver/breaking';
import { renderSchema } from '../core/schema/dump';
import { firstDifference, readSchemaFile, writeSchemaFile } from '../core/schema/file';
import { WRITES, type CliArgs } from './args';
import { checkLine, lossTable, outcomeLine, painter, problemLine, statusTable, type Paint } from './format';
import { statusJson } from './json';
import { prepareReset, type Ask } from './reset';
import { testCommand } from './test';
import { lintCommand } from './lint';
import { acceptChecksumCommand } from './acceptChecksum';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, engineLine, reportProblems } from './output';

export interface CliIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly color: boolean;
  readonly now: () => Date;
  readonly cwd: string;
  readonly onWriteStep?: (step: WriteStep) => Promise<void> | void;
  /** Asks on the terminal (reset's typed confirmation, an environment's name); absent without one. */
  readonly ask?: Ask;
}

export { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './output';

export async function runCommand(args: CliArgs, io: CliIO): Promise<number> {
  try {
    return await runChecked(args, io);
  } catch (e) {
    // The last boundary: an I/O fault no operation turned into a message still ends in one sentence.
    if (!isFileSystemError(e)) throw e;
    if (args.verbose) io.err(`${e.stack ?? e.message}\n`);
    return reportProblems([fileSystemProblem(e)], args, io);
  }
}

async function runChecked(args: CliArgs, io: CliIO): Promise<number> {
  const config = await loadConfig(args, io);
  if (!config.ok) return reportProblems([config.error], args, io);
  const cfg = config.value;
  if (cfg.environment && !args.json) io.err(`environment: ${cfg.environment.name} (${cfg.databaseFile})\n`);
  const refused = await confirmWrite(cfg, args, io);
  if (refused) return reportProblems([refused], args, io);
  const options: engine.OperationOptions = { now: io.now, onWriteStep: io.onWriteStep, engines: new EngineChooser() };
  switch (args.command) {
    case 'status':
      return report(await engine.status(cfg, options, true), args, io, 'status');
    case 'verify':
      return report(await engine.verify(cfg, options), args, io, 'verify');
    case 'up':
      return report(await engine.migrateUp(cfg, upOptions(args), options), args, io, 'migrate');
    case 'down':
      return report(await engine.migrateDown(cfg, downOptions(args), options), args, io, 'rollback');
    case 'dry-run': {
      const result = args.down
        ? await engine.dryRunDown(cfg, downOptions(args), options)
        : await engine.dryRunUp(cfg, upOptions(args), options);
      return report(result, args, io, 'dry-run');
    }
    case 'baseline':
      return report(await engine.baseline(cfg, { to: args.to }, options), args, io, 'baseline');
    case 'reset': {
      const source = await prepareReset(cfg, args, io.cwd, io.ask);
      if (!source.ok) return reportProblems([source.error], args, io);
      return report(await engine.resetFromSchema(cfg, source.value, options), args, io, 'reset');
    }
    case 'new':
      return newMigration(cfg, args, io, options);
    case 'schema':
      return schemaCommand(cfg, args, io, options);
    case 'backup':
      return backupNow(cfg, args, io, options);
    case 'backups':
      return showBackups(cfg, args, io);
    case 'restore':
      return restore(cfg, args, io, options);
    case 'test':
      return testCommand(cfg, args, io, options);
    case 'lint':
      return lintCommand(cfg, args, io, options);
    case 'accept-checksum':
      return acceptChecksumCommand(cfg, args, io, options);
  }
}

/** A write to an environment with `confirm` goes ahead with --yes or its name typed at the prompt, never otherwise. */
async function confirmWrite(cfg: EngineConfig, args: CliArgs, io: CliIO): Promise<Problem | undefined> {
  const env = cfg.environment;
  if (!env?.confirm || args.yes || !WRITES.has(args.command)) return undefined;
  const action = `"${args.command}" on ${cfg.databaseFile}`;
  const typed = io.ask ? await io.ask(`${args.command} writes to the "${env.name}" environment (${cfg.databaseFile}). Type its name to go ahead: `) : undefined;
  return confirmationProblem(env, action, typed);
}

function upOptions(args: CliArgs) {
  return { to: args.to, only: args.only, allowModified: args.allowModified, allowExistingSchema: args.allowExistingSchema, skipTests: args.skipTests };
}

function downOptions(args: CliArgs) {
  const none = args.to === undefined && args.only === undefined && args.steps === undefined;
  return { to: args.to, only: args.only, steps: none ? 1 : args.steps };
}

async function loadConfig(args: CliArgs, io: CliIO) {
  const root = path.resolve(io.cwd, args.root);
  const read = await readWorkspaceSettings(root);
  if (!read.ok) return read;
  const settingsFile = path.join(root, '.vscode', 'settings.json');
  const chosen = applyEnvironment(read.value, args.env, args.env !== undefined ? '--env' : settingsFile);
  if (!chosen.ok) return chosen;
  const settings = { ok: true as const, value: chosen.value.settings };
  // Only the paths settings.json decides: a flag given for the same value replaces it.
  const fromSettings = { ...settings.value, ...(args.db ? { databaseFile: undefined } : {}), ...(args.dir ? { migrationsFolder: undefined } : {}), ...(args.backups ? { backupsFolder: undefined } : {}) };
  const outside = settingsPathOutside(root, fromSettings, settingsFile, chosen.value.environment?.name);
  if (outside) return fail(outside);
  const flag = (value: string | undefined) => (value === undefined ? undefined : path.resolve(io.cwd, value));
  const merged = {
    ...settings.value,
    ...defined({
      databaseFile: flag(args.db),
      migrationsFolder: flag(args.dir),
      backupsFolder: flag(args.backups),
      backupRetention: args.retention,
      timeLimitSeconds: args.timeLimitSeconds,
      memoryLimitMB: args.memoryLimitMB,
      engine: args.engine,
      busyTimeoutSeconds: args.busyTimeoutSeconds,
      layout: args.layout,
      targetSqliteVersion: args.target,
    }),
  };
  return { ok: true as const, value: resolveConfig(root, merged, chosen.value.environment) };
}

function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

type ReportKind = 'status' | 'verify' | 'migrate' | 'rollback' | 'dry-run' | 'baseline' | 'reset';

/** Notes that are the result itself: printed with the report, not as problems. */
const RESULT_NOTES = new Set(['baselined', 'reset-done']);

function report(result: engine.OperationOutcome, args: CliArgs, io: CliIO, kind: ReportKind): number {
  if (!result.ok) return reportProblems(result.error, args, io, result.engine);
  const unusable = unusableInput(result.value, args);
  // Checks of a database that does not exist ran on an empty one: passed, and meaningless. Only the error is said.
  const noDatabase = unusable.some((p) => p.code === 'no-database');
  const r = noDatabase ? { ...result.value, checks: [], notes: result.value.notes.filter((n) => n.code !== 'no-database') } : result.value;
  const failedChecks = (r.checks ?? []).filter((c) => !c.ok).length;
  const failedOutcomes = r.outcomes.filter((o) => !o.ok).length;
  const code = unusable.length ? EXIT_USAGE : failedChecks || failedOutcomes ? EXIT_FAILED : EXIT_OK;
  // A missing folder is only "info" to the editor (a new project); here it is what makes the exit code 2.
  const catalogProblems = r.catalog.problems.map((p) => (unusable.includes(p) ? { ...p, severity: 'error' as const } : p));
  const extra = unusable.filter((p) => !r.catalog.problems.includes(p));
  if (args.json) {
    const failed = unusable.length ? { ok: false, problems: [...catalogProblems, ...extra] } : {};
    // Warnings (drift, an unmanaged database, ...) in status too: a script reading the JSON sees what a person reads.
    const body = kind === 'status' ? { ...statusJson(r), warnings: r.notes.filter((n) => n.severity === 'warning'), ...failed } : { ok: code === EXIT_OK, ...operationJson(r), problems: [...catalogProblems, ...extra] };
    io.out(JSON.stringify({ engine: r.engine, ...body }, null, 2) + '\n');
    return code;
  }
  const paint = painter(io.color);
  // A baseline's or a reset's own note is its result, printed with the report; so is why a rollback has nothing to do.
  const notes = r.notes.filter((n) => !((RESULT_NOTES.has(n.code) || (kind === 'rollback' && n.code === 'nothing-applied')) && n.severity === 'info'));
  const problems = [...catalogProblems, ...extra, ...notes, ...r.outcomes.flatMap((o) => [...o.warnings, ...(o.error ? [o.error] : [])])];
  for (const p of problems) io.err(problemLine(p, paint) + '\n');
  io.out(humanReport(r, kind, paint));
  return code;
}

/** Commands that, as CI gates, exit 2 on a migrations folder they cannot read or that has naming errors. */
const GATES: ReadonlySet<CliArgs['command']> = new Set(['status', 'up', 'verify', 'dry-run']);

/**
 * Input CI must not take for success: no migrations folder (or a file in its place), migration files
 * `up` would refuse, and for `verify` a database file that does not exist (there is nothing to verify).
 */
function unusableInput(r: engine.OperationResult, args: CliArgs): Problem[] {
  if (!GATES.has(args.command)) return [];
  const out = r.catalog.problems.filter((p) => p.code === 'folder-missing' || p.severity === 'error');
  const missingDb = r.notes.find((n) => n.code === 'no-database');
  if (args.command === 'verify' && missingDb?.file) {
    out.push(problem('no-database', `${missingDb.file} does not exist: there is nothing to verify.`, { file: missingDb.file }));
  }
  return out;
}

function humanReport(r: engine.OperationResult, kind: ReportKind, paint: Paint): string {
  const lines: string[] = [];
  if (kind === 'status') lines.push(statusTable(r.states, paint).trimEnd());
  for (const o of r.outcomes) lines.push(outcomeLine(o, paint, kind === 'dry-run'));
  for (const c of r.checks ?? []) lines.push(checkLine(c, paint));
  if (r.dryRun) lines.push(...dryRunLines(r.dryRun), '', lossTable(r.dryRun.loss, paint).trimEnd());
  if (kind === 'migrate' && r.outcomes.length === 0) lines.push('Nothing to do: the database is up to date.');
  if (kind === 'rollback' && r.outcomes.length === 0) lines.push(r.notes.find((n) => n.code === 'nothing-applied')?.message ?? 'Nothing to roll back.');
  // What the rollback removed, as dry-run --down says it before: never silently.
  for (const t of r.dropped ?? []) lines.push(`Dropped table ${t.table} (${plural(t.rows, 'row')})${r.backup ? '; the backup keeps its rows' : ''}.`);
  if (kind === 'baseline' || kind === 'reset') lines.push(...r.notes.filter((n) => RESULT_NOTES.has(n.code) && n.severity === 'info').map((n) => n.message));
  if (kind === 'dry-run') lines.push(paint.dim('Dry run: the database file was not changed.'));
  if (r.backup) lines.push(paint.dim(`Backup: ${r.backup.path}${'reused' in r.backup && r.backup.reused ? ' (already held these exact bytes)' : ''}`));
  // Retention deletes files: never silently.
  const pruned = r.backup && 'pruned' in r.backup ? (r.backup as CreatedBackup).pruned : [];
  if (pruned.length) lines.push(paint.dim(`Removed ${plural(pruned.length, 'older backup')} by the retention setting: ${pruned.map((f) => path.basename(f)).join(', ')}`));
  lines.push(engineLine(r.engine, paint));
  return lines.length ? lines.join('\n') + '\n' : '';
}

function dryRunLines(d: NonNullable<engine.OperationResult['dryRun']>): string[] {
  const lines: string[] = [];
  if (d.tablesCreated.length) lines.push(`Tables created: ${d.tablesCreated.join(', ')}`);
  if (d.tablesDropped.length) lines.push(`Tables dropped: ${d.tablesDropped.join(', ')}`);
  for (const c of d.columnChanges) {
    if (c.added.length) lines.push(`Columns added to ${c.table}: ${c.added.join(', ')}`);
    if (c.removed.length) lines.push(`Columns removed from ${c.table}: ${c.removed.join(', ')}`);
  }
  for (const c of d.rowCounts) {
    if (c.before !== c.after) lines.push(`Rows in ${c.table}: ${c.before} -> ${c.after}`);
  }
  return lines;
}

function operationJson(r: engine.OperationResult) {
  return {
    written: r.written,
    backup: r.backup?.path ?? null,
    outcomes: r.outcomes,
    checks: r.checks,
    dryRun: r.dryRun,
    ...(r.dropped ? { dropped: r.dropped } : {}),
    notes: r.notes,
    ...statusJson(r),
  };
}

async function newMigration(cfg: EngineConfig, args: CliArgs, io: CliIO, options: engine.OperationOptions): Promise<number> {
  let body: DriftMigration | undefined;
  let states: readonly MigrationState[] = [];
  let bump = args.bump;
  if (args.fromDrift) {
    const found = await driftBody(cfg, options);
    if (!found.ok) return reportProblems(found.error, args, io);
    ({ body, states } = found.value);
  }
  if (args.from !== undefined) {
    const read = await readBody(path.resolve(io.cwd, args.from), cfg);
    if (!read.ok) return reportProblems([read.error], args, io);
    bump = await bumpFor(read.value.sql, path.resolve(io.cwd, args.from), read.value.migrations, args, io, usesSemver(read.value.migrations));
    body = { up: `${read.value.sql.trimEnd()}\n`, down: '' };
  }
  const created = await createMigration({
    body,
    folder: cfg.migrationsFolder,
    templateDir: templateDir(cfg.root),
    description: args.positionals.join(' '),
    bump,
    now: io.now,
    layout: cfg.layout,
    ...(args.withTest ? { testTemplate: path.join(templateDir(cfg.root, 'test.sql'), 'test.sql') } : {}),
  });
  if (!created.ok) return reportProblems([created.error], args, io);
  const m = created.value;
  // Versions that are sequences (no `-- version:` headers) have no level to bump.
  if (args.bumpGiven && m.version === m.sequenceText) io.err(`note: --bump ${args.bump} has no effect here: these migrations are versioned by their sequence numbers (no "-- version:" headers).\n`);
  // After --from-drift, what to do on the database it came from, which already has the change.
  const advice = body && args.fromDrift ? driftAdviceText(driftNext(body, states), fileLabel(m.upPath), path.basename(cfg.databaseFile), sequenceArg(m.sequenceText)) : undefined;
  if (args.json) io.out(JSON.stringify(advice ? { ...m, advice } : m, null, 2) + '\n');
  else {
    const files = [...new Set([m.upPath, m.downPath]), ...(m.testPath ? [m.testPath] : [])];
    io.out(`Created ${files.join('\n        ')}\n(version ${m.version})\n${advice ? `${advice}\n` : ''}`);
  }
  return EXIT_OK;
}

/** `new --from-drift`: the statements for the drift; refused when there is none (or it cannot be computed). */
async function driftBody(cfg: EngineConfig, options: engine.OperationOptions): Promise<Result<{ body: DriftMigration; states: readonly MigrationState[] }, Problem[]>> {
  // No database is no drift either, but "has the schema its applied migrations produce" would be untrue (and the
  // engines differ in what they note for a missing file), so it is looked at first.
  if (!fs.existsSync(cfg.databaseFile)) {
    return fail([problem('no-database', `${cfg.databaseFile} does not exist: there is no drift to make a migration of, so nothing was created.`, { file: cfg.databaseFile })]);
  }
  const result = await engine.drift(cfg, options);
  if (!result.ok) return result;
  const d = result.value.drift;
  const body = d && driftMigration(d.database, d.migrations);
  if (!body) return fail([problem('no-drift', `${cfg.databaseFile} has the schema its applied migrations produce: there is no drift to make a migration of, so nothing was created.`, { file: cfg.databaseFile })]);
  return ok({ body, states: result.value.states });
}

/** new --from: the SQL to put in the up file, and the migrations it follows (for its level). */
async function readBody(file: string, cfg: EngineConfig): Promise<Result<{ sql: string; migrations: readonly Migration[] }>> {
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (e) {
    return fail(problem('unreadable', `--from: ${file} cannot be read: ${isFileSystemError(e) ? fileSystemAdvice(e, file) : (e as Error).message}.`, { file }));
  }
  const text = decodeSqlText(bytes, file);
  if (!text.ok) return text;
  const catalog = await discoverMigrations(cfg.migrationsFolder, undefined, cfg.layout);
  return ok({ sql: text.value, migrations: catalog.migrations });
}

/**
 * The content's level without --bump; with --bump, a warning when the content calls for more. Where versions are
 * sequences (`semver` false) there is no level to say: only SQL that fails on the scratch database is reported.
 */
async function bumpFor(sql: string, file: string, migrations: readonly Migration[], args: CliArgs, io: CliIO, semver: boolean): Promise<Bump> {
  const result = await suggestBump(migrations, sql, file);
  if (!result.ok) {
    // The files are still created (the user may fix the SQL in them), but SQLite's reason is said, with or without --bump.
    const p = result.error;
    io.err(problemLine({ ...p, message: `${p.message}, on a scratch database after the existing migrations; the files are created with the SQL as it is.` }, painter(io.color)) + '\n');
    if (!args.bumpGiven && semver) io.err(`note: so its level is unknown; using --bump ${args.bump}.\n`);
    return args.bump;
  }
  if (!semver) return args.bump;
  const suggested = result.value;
  const rank = (b: Bump) => BUMPS.length - BUMPS.indexOf(b);
  const why = suggested.changes.find((c) => c.class === (suggested.bump === 'major' ? 'breaking' : 'additive'))?.what;
  if (!args.bumpGiven) {
    io.err(`note: ${suggested.bump} bump${why ? `: it ${why}` : ': it changes no table, column, index, view or trigger'}.\n`);
    return suggested.bump;
  }
  if (rank(args.bump) < rank(suggested.bump)) io.err(`warning: --bump ${args.bump}, but it ${why}, which calls for a ${suggested.bump} bump.\n`);
  return args.bump;
}

/**
 * The workspace's own `migrations-template/` wins; else the one shipped beside the bundle (dist/..) or the sources.
 * `file`: the template looked for (a workspace's own folder may hold up.sql and down.sql but no test.sql).
 */
export function templateDir(root: string, file = 'up.sql'): string {
  const candidates = [
    path.join(root, 'migrations-template'),
    path.join(__dirname, '..', 'migrations-template'),
    path.join(__dirname, '..', '..', '..', 'migrations-template'),
  ];
  return candidates.find((dir) => fs.existsSync(path.join(dir, file))) ?? candidates[1];
}

/** `schema`: print it, write it (--out), or compare it with the schema file (--check). */
async function schemaCommand(cfg: EngineConfig, args: CliArgs, io: CliIO, options: engine.OperationOptions): Promise<number> {
  const file = args.out === undefined ? cfg.schemaFile : path.resolve(io.cwd, args.out);
  if (args.check && !file) {
    return reportProblems([problem('bad-options', 'sqliteMigrations.schemaFile is empty (no schema file is kept), so there is nothing to check; pass --out FILE to name one.')], args, io);
  }
  const result = await engine.schema(cfg, options);
  if (!result.ok) return reportProblems(result.error, args, io, result.engine);
  const r = result.value;
  const unusable = r.catalog.problems.filter((p) => p.code === 'folder-missing' || p.severity === 'error');
  if (unusable.length) return reportProblems(unusable.map((p) => ({ ...p, severity: 'error' as const })), args, io, r.engine);
  const text = renderSchema(r.schema?.objects ?? [], r.schema?.head ?? null);
  const paint = painter(io.color);
  const produced = r.schema?.source === 'all' ? 'every migration produces (there is no database yet)' : 'the applied migrations produce';
  if (args.check && file) {
    const current = await readSchemaFile(file);
    if (!current.ok) return reportProblems([current.error], args, io, r.engine);
    const found = current.value === null ? undefined : firstDifference(current.value, text);
    const difference = current.value === null
      ? problem('schema-differs', `${file} does not exist; "sqlite-migrations schema --out ${file}" writes it.`, { file })
      : found && problem('schema-differs', `differs from the schema ${produced} at line ${found.line}: ${found.detail}. Run "sqlite-migrations schema --out ${file}" to rewrite it.`, { file, line: found.line });
    if (args.json) io.out(JSON.stringify({ engine: r.engine, ok: !difference, file, difference: difference ?? null }, null, 2) + '\n');
    else if (difference) io.err(problemLine(difference, paint) + '\n');
    else io.out(`${file} matches the schema ${produced}.\n${engineLine(r.engine, paint)}\n`);
    return difference ? EXIT_FAILED : EXIT_OK;
  }
  if (args.out !== undefined && file) {
    const written = await writeSchemaFile(file, text);
    if (!written.ok) return reportProblems([{ ...written.error, severity: 'error' }], args, io, r.engine);
    if (args.json) io.out(JSON.stringify({ engine: r.engine, ok: true, file, written: written.value }, null, 2) + '\n');
    else io.out(`${written.value ? 'Wrote' : 'Unchanged:'} ${file}\n${engineLine(r.engine, paint)}\n`);
    return EXIT_OK;
  }
  if (args.json) io.out(JSON.stringify({ engine: r.engine, ok: true, head: r.schema?.head ?? null, schema: text }, null, 2) + '\n');
  else io.out(text);
  return EXIT_OK;
}

async function backupNow(cfg: EngineConfig, args: CliArgs, io: CliIO, options: engine.OperationOptions): Promise<number> {
  const made = await engine.backupNow(cfg, options);
  if (!made.ok) return reportProblems(made.error, args, io);
  const { backup, notes } = made.value;
  if (args.json) {
    io.out(JSON.stringify({ engine: made.value.engine, ...backup }, null, 2) + '\n');
  } else {
    for (const p of notes) io.err(problemLine(p, painter(io.color)) + '\n');
    io.out(`${backup.reused ? 'Already backed up (same bytes) in' : 'Backed up to'} ${backup.path}\n${engineLine(made.value.engine, painter(io.color))}\n`);
  }
  return EXIT_OK;
}

async function showBackups(cfg: EngineConfig, args: CliArgs, io: CliIO): Promise<number> {
  const backups = await engine.backups(cfg);
  if (args.json) {
    io.out(JSON.stringify({ backups }, null, 2) + '\n');
  } else if (backups.length === 0) {
    io.out(`No backups in ${cfg.backupsFolder}\n`);
  } else {
    for (const b of backups) io.out(`${b.path}  ${b.size} bytes  ${b.createdAt.toISOString()}\n`);
  }
  return EXIT_OK;
}

/**
 * A path as given, else a bare name (as `backups` lists it) in the backups folder; whatever the backups
 * are named, the file only has to be there.
 */
export function resolveBackup(given: string, cwd: string, backupsFolder: string): string | Problem {
  const asGiven = path.resolve(cwd, given);
  if (fs.existsSync(asGiven)) return asGiven;
  const inFolder = path.join(backupsFolder, given);
  if (path.basename(given) === given && fs.existsSync(inFolder)) return inFolder;
  const what = path.basename(given) === given ? `named ${given} here or in the backups folder ${backupsFolder}` : `at ${asGiven}`;
  return problem('backup-missing', `No backup ${what}; "sqlite-migrations backups" lists them.`);
}

async function restore(cfg: EngineConfig, args: CliArgs, io: CliIO, options: engine.OperationOptions): Promise<number> {
  const file = resolveBackup(args.positionals[0], io.cwd, cfg.backupsFolder);
  if (typeof file !== 'string') return reportProblems([file], args, io);
  const restored = await engine.restore(cfg, file, options);
  if (!restored.ok) return reportProblems(restored.error, args, io);
  const { safetyBackup: safety, warnings, engine: engineName } = restored.value;
  if (args.json) {
    io.out(JSON.stringify({ engine: engineName, restored: file, safetyBackup: safety?.path ?? null, warnings }, null, 2) + '\n');
    return EXIT_OK;
  }
  const paint = painter(io.color);
  for (const p of warnings) io.err(problemLine(p, paint) + '\n');
  io.out(`Restored ${cfg.databaseFile} from ${file}${safety ? `\n(the previous file was backed up to ${safety.path})` : ''}\n${engineLine(engineName, paint)}\n`);
  return EXIT_OK;
}
