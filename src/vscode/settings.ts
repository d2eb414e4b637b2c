import * as path from 'path';
import * as vscode from 'vscode';
import { applyEnvironment, ENGINE_SETTINGS, LAYOUT_SETTINGS, resolveConfig, retentionProblem, settingName, type EngineConfig, type UserSettings } from '../core/config';
import { parseEnvironments } from '../core/environments';
import { fail, ok, type Result } from '../core/model';
import { problem } from '../core/problems';

export const SECTION = 'sqliteMigrations';

/** Reads the folder's settings where they are used; relative paths resolve against the folder. */
export function folderConfig(folder: vscode.WorkspaceFolder): Result<EngineConfig> {
  const c = vscode.workspace.getConfiguration(SECTION, folder.uri);
  const settings: UserSettings = {
    databaseFile: c.get<string>('databaseFile'),
    migrationsFolder: c.get<string>('migrationsFolder'),
    backupsFolder: c.get<string>('backupsFolder') || undefined,
    backupRetention: c.get<number | string>('backupRetention'),
    maxDatabaseSizeMB: c.get<number>('maxDatabaseSizeMB'),
    timeLimitSeconds: c.get<number>('timeLimitSeconds'),
    memoryLimitMB: c.get<number>('memoryLimitMB'),
    engine: oneOf(ENGINE_SETTINGS, c.get<string>('engine')),
    busyTimeoutSeconds: c.get<number>('busyTimeoutSeconds'),
    layout: oneOf(LAYOUT_SETTINGS, c.get<string>('layout')),
    // null (the default): schema.sql beside the migrations folder; "": none.
    schemaFile: c.get<string | null>('schemaFile') ?? undefined,
    runTestsBeforeCommit: c.get<boolean>('runTestsBeforeCommit'),
    targetSqliteVersion: c.get<string>('targetSqliteVersion') || undefined,
  };
  const settingsFile = path.join(folder.uri.fsPath, '.vscode', 'settings.json');
  const badRetention = retentionProblem(settings.backupRetention, settingsFile, `"${SECTION}.backupRetention"`);
  if (badRetention) return fail(badRetention);
  const environments = parseEnvironments(c.get('environments'), settingsFile);
  if (!environments.ok) return environments;
  const chosen = applyEnvironment({ ...settings, environments: environments.value }, c.get<string>('environment') || undefined, settingsFile);
  if (!chosen.ok) return chosen;
  const config = resolveConfig(folder.uri.fsPath, chosen.value.settings, chosen.value.environment);
  const outside = (['databaseFile', 'migrationsFolder', 'backupsFolder', 'schemaFile'] as const).find((key) => config[key] !== null && !isInside(folder.uri.fsPath, config[key]));
  if (outside) {
    const message = `${settingName(chosen.value.settings, outside, chosen.value.environment?.name)} resolves to ${config[outside]}, outside the workspace folder ${folder.uri.fsPath}; paths must stay inside it.`;
    return fail(problem('path-outside', message));
  }
  return ok(config);
}

/** An unknown value (a typo in settings.json) falls back to the default rather than breaking every command. */
function oneOf<T extends string>(choices: readonly T[], value: string | undefined): T | undefined {
  return (choices as readonly (string | undefined)[]).includes(value) ? (value as T) : undefined;
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
