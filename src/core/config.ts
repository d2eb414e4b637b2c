import * as fs from 'fs/promises';
import * as path from 'path';
import { jsonErrorLine, parseJsonc } from './jsonc';
import { fileSystemAdvice, isFileSystemError } from './fsErrors';
import { fail, ok, type Problem, type Result } from './model';
import { LAYOUTS, type LayoutSetting } from './migrations/layouts';
import { problem } from './problems';
import { parseRetention, type Retention } from './retention';
import { environmentRetention, parseEnvironments, selectEnvironment, type EnvironmentSettings, type SelectedEnvironment } from './environments';
import { DEFAULT_TARGET, parseVersion } from './lint/version';

/** Everything an operation needs to know about where things are and how careful to be. */
export interface EngineConfig {
  /** The workspace folder relative paths are resolved against. */
  readonly root: string;
  readonly databaseFile: string;
  readonly migrationsFolder: string;
  readonly backupsFolder: string;
  readonly backupRetention: Retention;
  readonly maxDatabaseBytes: number;
  readonly timeLimitMs: number;
  /** The most memory the engine's worker thread or child process may use before it is stopped. */
  readonly memoryLimitMB: number;
  /** Which engine runs the SQL: `auto` picks native where the probe finds node:sqlite, else sql.js. */
  readonly engine: EngineSetting;
  /** How long the native engine waits for another program's lock before giving up. */
  readonly busyTimeoutMs: number;
  /** Whose file layout the migrations folder uses; `auto` reads it from the names. */
  readonly layout: LayoutSetting;
  /** Where `up`, `down` and `baseline` write the schema the applied migrations produce; null: not kept. */
  readonly schemaFile: string | null;
  /** Whether `up`, its dry run and the editor's Apply run each migration's test file before its COMMIT. */
  readonly runTestsBeforeCommit: boolean;
  /** The selected named environment; null when none are configured (the top-level settings are the only one). */
  readonly environment: SelectedEnvironment | null;
  /** The oldest SQLite the application runs its migrations on: `lint` flags SQL newer than it. */
  readonly targetSqliteVersion: string;
}

export const LAYOUT_SETTINGS: readonly LayoutSetting[] = ['auto', ...LAYOUTS];

export type EngineSetting = 'auto' | 'native' | 'sqljs';
export const ENGINE_SETTINGS: readonly EngineSetting[] = ['auto', 'native', 'sqljs'];

/** The settings as a user writes them (paths relative to the workspace folder), as in package.json's contributes. */
export interface UserSettings {
  databaseFile?: string;
  migrationsFolder?: string;
  backupsFolder?: string;
  /** A count (5), an age ("30d", "12h", "2w") or "all"; see retention.ts. */
  backupRetention?: number | string;
  maxDatabaseSizeMB?: number;
  timeLimitSeconds?: number;
  memoryLimitMB?: number;
  engine?: EngineSetting;
  busyTimeoutSeconds?: number;
  layout?: LayoutSetting;
  /** Absent: `schema.sql` beside the migrations folder; empty: no schema file. */
  schemaFile?: string;
  runTestsBeforeCommit?: boolean;
  /** The selected environment's name (CLI: --env wins). */
  environment?: string;
  /** Named environments: each one's database file, backups folder, retention and `confirm`. */
  environments?: Record<string, EnvironmentSettings>;
  /** 3.Y.Z; the default is the spec's minimum. */
  targetSqliteVersion?: string;
}

const DEFAULT_RETENTION = 5;

export const DEFAULTS: Required<Omit<UserSettings, 'backupsFolder' | 'schemaFile' | 'environment' | 'environments'>> = {
  databaseFile: 'data/app.db',
  migrationsFolder: 'migrations',
  backupRetention: DEFAULT_RETENTION,
  maxDatabaseSizeMB: 1024,
  timeLimitSeconds: 60,
  memoryLimitMB: 2048,
  engine: 'auto',
  busyTimeoutSeconds: 5,
  layout: 'auto',
  runTestsBeforeCommit: true,
  targetSqliteVersion: DEFAULT_TARGET,
};

const SECTION = 'sqliteMigrations.';

/**
 * Accepted ranges. A time limit must be a real wait (0 stopped everything at once) and below what a Node
 * timer can hold (2^31 ms; more overflowed to an immediate stop); a process needs about 100 MB before SQLite allocates anything.
 */
export const LIMITS = {
  timeLimitSeconds: { min: 1, max: 24 * 60 * 60, what: 'seconds' },
  memoryLimitMB: { min: 128, max: 1024 * 1024, what: 'MB' },
} as const;

/** A problem with a limit's value in one sentence, or undefined when it is in range. */
export function limitProblem(key: keyof typeof LIMITS, value: number, name: string): string | undefined {
  const { min, max, what } = LIMITS[key];
  return Number.isFinite(value) && value >= min && value <= max ? undefined : `${name} must be between ${min} and ${max} ${what}, not ${value}`;
}

function clamp(key: keyof typeof LIMITS, value: number): number {
  return Number.isFinite(value) ? Math.min(LIMITS[key].max, Math.max(LIMITS[key].min, value)) : DEFAULTS[key];
}

/** Builds the config; relative paths resolve against root, the backups folder defaults to `backups/` beside the database. */
export function resolveConfig(root: string, settings: UserSettings, environment?: SelectedEnvironment): EngineConfig {
  const databaseFile = path.resolve(root, settings.databaseFile || DEFAULTS.databaseFile);
  const backupsFolder = settings.backupsFolder
    ? path.resolve(root, settings.backupsFolder)
    : path.join(path.dirname(databaseFile), 'backups');
  const migrationsFolder = path.resolve(root, settings.migrationsFolder || DEFAULTS.migrationsFolder);
  // The spec's layout keeps schema.sql beside the migrations folder.
  const schemaFile = settings.schemaFile === undefined ? defaultSchemaFile(root, migrationsFolder) : settings.schemaFile ? path.resolve(root, settings.schemaFile) : null;
  return {
    root,
    databaseFile,
    migrationsFolder,
    schemaFile,
    backupsFolder,
    backupRetention: retentionOf(settings.backupRetention),
    maxDatabaseBytes: Math.round((settings.maxDatabaseSizeMB ?? DEFAULTS.maxDatabaseSizeMB) * 1024 * 1024),
    // Clamped here too, for values that reach this without the CLI's or settings.json's check (the editor's settings).
    timeLimitMs: Math.round(clamp('timeLimitSeconds', settings.timeLimitSeconds ?? DEFAULTS.timeLimitSeconds) * 1000),
    memoryLimitMB: Math.round(clamp('memoryLimitMB', settings.memoryLimitMB ?? DEFAULTS.memoryLimitMB)),
    engine: settings.engine ?? DEFAULTS.engine,
    busyTimeoutMs: Math.round((settings.busyTimeoutSeconds ?? DEFAULTS.busyTimeoutSeconds) * 1000),
    layout: settings.layout ?? DEFAULTS.layout,
    runTestsBeforeCommit: settings.runTestsBeforeCommit ?? DEFAULTS.runTestsBeforeCommit,
    environment: environment ?? null,
    targetSqliteVersion: settings.targetSqliteVersion ?? DEFAULTS.targetSqliteVersion,
  };
}

/**
 * The settings with the selected environment's database file, backups folder and retention in place of the
 * top-level ones (what it leaves out stays as the top level says). `wanted` is --env's value, else the
 * `environment` setting; `source` names where it came from for the message about an unknown name.
 */
export function applyEnvironment(settings: UserSettings, wanted: string | undefined, source: string): Result<{ settings: UserSettings; environment?: SelectedEnvironment }> {
  const chosen = selectEnvironment(settings.environments ?? {}, wanted ?? settings.environment, source);
  if (!chosen.ok) return chosen;
  if (!chosen.value) return ok({ settings });
  const { name, settings: env, selected } = chosen.value;
  const backupRetention = environmentRetention(name, env, settings.backupRetention);
  return ok({
    settings: { ...settings, ...(env.databaseFile ? { databaseFile: env.databaseFile } : {}), ...(env.backupsFolder ? { backupsFolder: env.backupsFolder } : {}), ...(backupRetention !== undefined ? { backupRetention } : {}) },
    environment: selected,
  });
}

/** Both readers of settings check the value first (`retentionProblem`); one that slipped past keeps the default. */
function retentionOf(value: number | string | undefined): Retention {
  const parsed = parseRetention(value ?? DEFAULTS.backupRetention);
  return parsed.ok ? parsed.value : { kind: 'count', count: DEFAULT_RETENTION };
}

/** A bad retention value as one sentence naming the file and the setting (`name`), or undefined when it is fine. */
export function retentionProblem(value: unknown, file: string, name: string): Problem | undefined {
  if (value === undefined) return undefined;
  const parsed = parseRetention(value);
  return parsed.ok ? undefined : problem('bad-settings', `${file}: ${name} ${parsed.error}.`, { file });
}

/** `schema.sql` beside the migrations folder; none when that is outside the workspace (a migrations folder at its root). */
function defaultSchemaFile(root: string, migrationsFolder: string): string | null {
  const file = path.join(path.dirname(migrationsFolder), 'schema.sql');
  return isInside(root, path.dirname(file)) && path.resolve(migrationsFolder) !== path.resolve(root) ? file : null;
}

const PATH_KEYS = ['databaseFile', 'migrationsFolder', 'backupsFolder', 'schemaFile'] as const;

/**
 * Paths from a workspace's settings must stay inside it: a cloned repository's settings.json must not
 * point the tool at a database elsewhere on the machine. (Flags may point anywhere: the person typed them.)
 */
export function settingsPathOutside(root: string, settings: UserSettings, file: string, environment?: string): Problem | undefined {
  const config = resolveConfig(root, settings);
  const key = PATH_KEYS.find((k) => settings[k] !== undefined && config[k] !== null && !isInside(root, config[k]));
  if (!key) return undefined;
  return problem('path-outside', `${file}: "${settingName(settings, key, environment)}" resolves to ${config[key]}, outside the workspace folder ${root}; paths in settings must stay inside it (pass a flag to use another place).`, { file });
}

/** Where a path came from: the selected environment's entry when it set it, else the top-level setting. */
export function settingName(settings: UserSettings, key: (typeof PATH_KEYS)[number], environment?: string): string {
  const fromEnv = environment !== undefined && (key === 'databaseFile' || key === 'backupsFolder') && settings.environments?.[environment]?.[key] !== undefined;
  return fromEnv ? `${SECTION}environments.${environment}.${key}` : `${SECTION}${key}`;
}

export function isInside(root: string, target: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(target));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Reads the `sqliteMigrations.*` values from `<root>/.vscode/settings.json`, so the CLI applies what the editor applies. */
export async function readWorkspaceSettings(root: string): Promise<Result<UserSettings>> {
  const file = path.join(root, '.vscode', 'settings.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return ok({});
    }
    if (isFileSystemError(e)) {
      return fail(problem('bad-settings', `${file} cannot be read: ${fileSystemAdvice(e, file)}.`, { file }));
    }
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = parseJsonc(text);
  } catch (e) {
    const line = jsonErrorLine(text, e);
    return fail(problem('bad-settings', `${file}${line ? `:${line}` : ''}: not valid JSON: ${(e as Error).message}`, { file, ...(line ? { line } : {}) }));
  }
  return settingsFromObject(parsed, file);
}

const STRING_KEYS = ['databaseFile', 'migrationsFolder', 'backupsFolder', 'engine', 'layout', 'schemaFile', 'targetSqliteVersion'] as const;
/** Settings that take one of a few words. */
const CHOICES: Partial<Record<(typeof STRING_KEYS)[number], readonly string[]>> = { engine: ENGINE_SETTINGS, layout: LAYOUT_SETTINGS };
const NUMBER_KEYS = ['maxDatabaseSizeMB', 'timeLimitSeconds', 'memoryLimitMB', 'busyTimeoutSeconds'] as const;
const BOOLEAN_KEYS = ['runTestsBeforeCommit'] as const;

function settingsFromObject(parsed: unknown, file: string): Result<UserSettings> {
  const settings: UserSettings = {};
  if (typeof parsed !== 'object' || parsed === null) {
    return ok(settings);
  }
  const values = parsed as Record<string, unknown>;
  for (const key of [...STRING_KEYS, ...NUMBER_KEYS, ...BOOLEAN_KEYS]) {
    const value = values[SECTION + key];
    // A null schemaFile is the editor's default: schema.sql beside the migrations folder.
    if (value === undefined || (value === null && key === 'schemaFile')) continue;
    const wanted = (STRING_KEYS as readonly string[]).includes(key) ? 'string' : (BOOLEAN_KEYS as readonly string[]).includes(key) ? 'boolean' : 'number';
    if (typeof value !== wanted || (wanted === 'number' && !(Number(value) >= 0))) {
      const message = `${file}: "${SECTION}${key}" must be ${{ number: 'a non-negative number', string: 'a string', boolean: 'true or false' }[wanted]}`;
      return fail(problem('bad-settings', message, { file }));
    }
    const outOfRange = (key === 'timeLimitSeconds' || key === 'memoryLimitMB') && limitProblem(key, Number(value), `"${SECTION}${key}"`);
    if (outOfRange) {
      return fail(problem('bad-settings', `${file}: ${outOfRange}`, { file }));
    }
    const version = key === 'targetSqliteVersion' ? parseVersion(value as string) : undefined;
    if (version && !version.ok) {
      return fail(problem('bad-settings', `${file}: "${SECTION}${key}": ${version.error}`, { file }));
    }
    const choices = CHOICES[key as keyof typeof CHOICES];
    if (choices && !choices.includes(value as string)) {
      const message = `${file}: "${SECTION}${key}" must be one of ${choices.join(', ')}, not ${JSON.stringify(value)}`;
      return fail(problem('bad-settings', message, { file }));
    }
    (settings as Record<string, unknown>)[key] = value;
  }
  const retention = values[SECTION + 'backupRetention'];
  const badRetention = retentionProblem(retention, file, `"${SECTION}backupRetention"`);
  if (badRetention) return fail(badRetention);
  if (retention !== undefined) settings.backupRetention = retention as number | string;
  const environments = parseEnvironments(values[SECTION + 'environments'], file);
  if (!environments.ok) return environments;
  if (Object.keys(environments.value).length) settings.environments = environments.value;
  const selected = values[SECTION + 'environment'];
  if (selected !== undefined && selected !== null && typeof selected !== 'string') {
    return fail(problem('bad-settings', `${file}: "${SECTION}environment" must be the name of one of "${SECTION}environments".`, { file }));
  }
  if (selected) settings.environment = selected;
  return ok(settings);
}
