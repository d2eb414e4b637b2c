import * as fs from 'fs/promises';
import * as path from 'path';
import { parseJsonc } from './jsonc';
import { fileSystemAdvice, isFileSystemError } from './fsErrors';
import { fail, ok, type Problem, type Result } from './model';
import { LAYOUTS, type LayoutSetting } from './migrations/layouts';
import { problem } from './problems';
import { DEFAULT_TARGET, parseVersion } from './lint/version';

/** Everything an operation needs to know about where things are and how careful to be. */
export interface EngineConfig {
  /** The workspace folder relative paths are resolved against. */
  readonly root: string;
  readonly databaseFile: string;
  readonly migrationsFolder: string;
  readonly backupsFolder: string;
  readonly backupRetention: number;
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
  backupRetention?: number;
  maxDatabaseSizeMB?: number;
  timeLimitSeconds?: number;
  memoryLimitMB?: number;
  engine?: EngineSetting;
  busyTimeoutSeconds?: number;
  layout?: LayoutSetting;
  /** Absent: `schema.sql` beside the migrations folder; empty: no schema file. */
  schemaFile?: string;
  /** 3.Y.Z; the default is the spec's minimum. */
  targetSqliteVersion?: string;
}

export const DEFAULTS: Required<Omit<UserSettings, 'backupsFolder' | 'schemaFile'>> = {
  databaseFile: 'data/app.db',
  migrationsFolder: 'migrations',
  backupRetention: 5,
  maxDatabaseSizeMB: 1024,
  timeLimitSeconds: 60,
  memoryLimitMB: 2048,
  engine: 'auto',
  busyTimeoutSeconds: 5,
  layout: 'auto',
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
export function resolveConfig(root: string, settings: UserSettings): EngineConfig {
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
    backupRetention: settings.backupRetention ?? DEFAULTS.backupRetention,
    maxDatabaseBytes: Math.round((settings.maxDatabaseSizeMB ?? DEFAULTS.maxDatabaseSizeMB) * 1024 * 1024),
    // Clamped here too, for values that reach this without the CLI's or settings.json's check (the editor's settings).
    timeLimitMs: Math.round(clamp('timeLimitSeconds', settings.timeLimitSeconds ?? DEFAULTS.timeLimitSeconds) * 1000),
    memoryLimitMB: Math.round(clamp('memoryLimitMB', settings.memoryLimitMB ?? DEFAULTS.memoryLimitMB)),
    engine: settings.engine ?? DEFAULTS.engine,
    busyTimeoutMs: Math.round((settings.busyTimeoutSeconds ?? DEFAULTS.busyTimeoutSeconds) * 1000),
    layout: settings.layout ?? DEFAULTS.layout,
    targetSqliteVersion: settings.targetSqliteVersion ?? DEFAULTS.targetSqliteVersion,
  };
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
export function settingsPathOutside(root: string, settings: UserSettings, file: string): Problem | undefined {
  const config = resolveConfig(root, settings);
  const key = PATH_KEYS.find((k) => settings[k] !== undefined && config[k] !== null && !isInside(root, config[k]));
  if (!key) return undefined;
  return problem('path-outside', `${file}: "${SECTION}${key}" resolves to ${config[key]}, outside the workspace folder ${root}; paths in settings must stay inside it (pass a flag to use another place).`, { file });
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
    return fail(problem('bad-settings', `${file}: not valid JSON: ${(e as Error).message}`, { file }));
  }
  return settingsFromObject(parsed, file);
}

const STRING_KEYS = ['databaseFile', 'migrationsFolder', 'backupsFolder', 'engine', 'layout', 'schemaFile', 'targetSqliteVersion'] as const;
/** Settings that take one of a few words. */
const CHOICES: Partial<Record<(typeof STRING_KEYS)[number], readonly string[]>> = { engine: ENGINE_SETTINGS, layout: LAYOUT_SETTINGS };
const NUMBER_KEYS = ['backupRetention', 'maxDatabaseSizeMB', 'timeLimitSeconds', 'memoryLimitMB', 'busyTimeoutSeconds'] as const;

function settingsFromObject(parsed: unknown, file: string): Result<UserSettings> {
  const settings: UserSettings = {};
  if (typeof parsed !== 'object' || parsed === null) {
    return ok(settings);
  }
  const values = parsed as Record<string, unknown>;
  for (const key of [...STRING_KEYS, ...NUMBER_KEYS]) {
    const value = values[SECTION + key];
    // A null schemaFile is the editor's default: schema.sql beside the migrations folder.
    if (value === undefined || (value === null && key === 'schemaFile')) continue;
    const wanted = (STRING_KEYS as readonly string[]).includes(key) ? 'string' : 'number';
    if (typeof value !== wanted || (wanted === 'number' && !(Number(value) >= 0))) {
      const message = `${file}: "${SECTION}${key}" must be a ${wanted === 'number' ? 'non-negative number' : 'string'}`;
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
  return ok(settings);
}
