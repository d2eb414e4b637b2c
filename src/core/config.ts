import * as fs from 'fs/promises';
import * as path from 'path';
import { parseJsonc } from './jsonc';
import { fail, ok, type Result } from './model';
import { LAYOUTS, type LayoutSetting } from './migrations/layouts';

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
  /** Which engine runs the SQL: `auto` picks native where the probe finds node:sqlite, else sql.js. */
  readonly engine: EngineSetting;
  /** How long the native engine waits for another program's lock before giving up. */
  readonly busyTimeoutMs: number;
  /** Whose file layout the migrations folder uses; `auto` reads it from the names. */
  readonly layout: LayoutSetting;
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
  engine?: EngineSetting;
  busyTimeoutSeconds?: number;
  layout?: LayoutSetting;
}

export const DEFAULTS: Required<Omit<UserSettings, 'backupsFolder'>> = {
  databaseFile: 'data/app.db',
  migrationsFolder: 'migrations',
  backupRetention: 5,
  maxDatabaseSizeMB: 1024,
  timeLimitSeconds: 60,
  engine: 'auto',
  busyTimeoutSeconds: 5,
  layout: 'auto',
};

const SECTION = 'sqliteMigrations.';

/** Builds the config; relative paths resolve against root, the backups folder defaults to `backups/` beside the database. */
export function resolveConfig(root: string, settings: UserSettings): EngineConfig {
  const databaseFile = path.resolve(root, settings.databaseFile || DEFAULTS.databaseFile);
  const backupsFolder = settings.backupsFolder
    ? path.resolve(root, settings.backupsFolder)
    : path.join(path.dirname(databaseFile), 'backups');
  return {
    root,
    databaseFile,
    migrationsFolder: path.resolve(root, settings.migrationsFolder || DEFAULTS.migrationsFolder),
    backupsFolder,
    backupRetention: settings.backupRetention ?? DEFAULTS.backupRetention,
    maxDatabaseBytes: Math.round((settings.maxDatabaseSizeMB ?? DEFAULTS.maxDatabaseSizeMB) * 1024 * 1024),
    timeLimitMs: Math.round((settings.timeLimitSeconds ?? DEFAULTS.timeLimitSeconds) * 1000),
    engine: settings.engine ?? DEFAULTS.engine,
    busyTimeoutMs: Math.round((settings.busyTimeoutSeconds ?? DEFAULTS.busyTimeoutSeconds) * 1000),
    layout: settings.layout ?? DEFAULTS.layout,
  };
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
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = parseJsonc(text);
  } catch (e) {
    return fail({ code: 'bad-settings', severity: 'error', file, message: `${file}: not valid JSON: ${(e as Error).message}` });
  }
  return settingsFromObject(parsed, file);
}

const STRING_KEYS = ['databaseFile', 'migrationsFolder', 'backupsFolder', 'engine', 'layout'] as const;
/** Settings that take one of a few words. */
const CHOICES: Partial<Record<(typeof STRING_KEYS)[number], readonly string[]>> = { engine: ENGINE_SETTINGS, layout: LAYOUT_SETTINGS };
const NUMBER_KEYS = ['backupRetention', 'maxDatabaseSizeMB', 'timeLimitSeconds', 'busyTimeoutSeconds'] as const;

function settingsFromObject(parsed: unknown, file: string): Result<UserSettings> {
  const settings: UserSettings = {};
  if (typeof parsed !== 'object' || parsed === null) {
    return ok(settings);
  }
  const values = parsed as Record<string, unknown>;
  for (const key of [...STRING_KEYS, ...NUMBER_KEYS]) {
    const value = values[SECTION + key];
    if (value === undefined) continue;
    const wanted = (STRING_KEYS as readonly string[]).includes(key) ? 'string' : 'number';
    if (typeof value !== wanted || (wanted === 'number' && !(Number(value) >= 0))) {
      const message = `${file}: "${SECTION}${key}" must be a ${wanted === 'number' ? 'non-negative number' : 'string'}`;
      return fail({ code: 'bad-settings', severity: 'error', file, message });
    }
    const choices = CHOICES[key as keyof typeof CHOICES];
    if (choices && !choices.includes(value as string)) {
      const message = `${file}: "${SECTION}${key}" must be one of ${choices.join(', ')}, not ${JSON.stringify(value)}`;
      return fail({ code: 'bad-settings', severity: 'error', file, message });
    }
    (settings as Record<string, unknown>)[key] = value;
  }
  return ok(settings);
}
