// The editor's side of named environments: typing the name before a write to one with `confirm`, the Select
// Environment command, and the label the status bar and the view show. The rules are core/environments.ts's.
import * as vscode from 'vscode';
import { confirmationProblem } from '../core/environments';
import type { MigrationsModel } from './model';
import { pickFolder } from './pick';
import { folderConfig, SECTION } from './settings';

/**
 * True when the write may go on: the folder's environment has no `confirm`, or the person typed its name
 * (`typed`: what a test or another extension passes instead of typing). Anything else says nothing changed.
 */
export async function confirmEnvironment(folder: vscode.WorkspaceFolder, action: string, typed?: string): Promise<boolean> {
  const config = folderConfig(folder);
  const env = config.ok ? config.value.environment : null;
  if (!config.ok || !env?.confirm) return true;
  const db = vscode.workspace.asRelativePath(config.value.databaseFile);
  const answer = typed ?? (await vscode.window.showInputBox({
    title: `${action} in the "${env.name}" environment`,
    prompt: `This writes to ${db}. Type "${env.name}" to go ahead.`,
    placeHolder: env.name,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === env.name || value === '' ? undefined : `Type "${env.name}" exactly, or press Escape to cancel.`),
  }));
  // Escape: the person changed their mind, which needs no message.
  if (answer === undefined) return false;
  const refused = confirmationProblem(env, action, answer);
  if (refused) void vscode.window.showWarningMessage(refused.message);
  return !refused;
}

/** "production" for the status bar and the view; undefined without environments. */
export function environmentLabel(config: { environment: { name: string } | null } | undefined): string | undefined {
  return config?.environment?.name;
}

/** Select Environment: the folder's configured names, written to `sqliteMigrations.environment` for that folder. */
export function registerSelectEnvironment(model: MigrationsModel): vscode.Disposable {
  return vscode.commands.registerCommand('sqliteMigrations.selectEnvironment', async (arg?: unknown, name?: string) => {
    const folder = await pickFolder(arg);
    if (!folder) return false;
    const config = folderConfig(folder);
    if (!config.ok) {
      void vscode.window.showErrorMessage(config.error.message);
      return false;
    }
    const env = config.value.environment;
    if (!env) {
      void vscode.window.showInformationMessage('No environments are configured: add "sqliteMigrations.environments" (name -> databaseFile, backupsFolder, retention, confirm) to .vscode/settings.json.');
      return false;
    }
    const chosen = name ?? (await vscode.window.showQuickPick(
      env.names.map((n) => ({ label: n, description: n === env.name ? 'selected' : undefined })),
      { placeHolder: 'Which environment do the commands use?' },
    ))?.label;
    if (!chosen) return false;
    if (!env.names.includes(chosen)) {
      void vscode.window.showErrorMessage(`There is no environment "${chosen}"; the known ones are ${env.names.join(', ')}.`);
      return false;
    }
    await vscode.workspace.getConfiguration(SECTION, folder.uri).update('environment', chosen, vscode.ConfigurationTarget.WorkspaceFolder);
    model.invalidate(folder);
    return true;
  });
}
