import * as path from 'path';
import * as vscode from 'vscode';
import { fileLabel } from '../core/migrations/label';
import { driftMigration, type DriftMigration } from '../core/schema/driftSql';
import { driftNext, recipeAdvice, type DriftNext } from '../core/schema/driftAdvice';
import type { MigrationState } from '../core/ledger/status';
import type { SchemaDriftWatch } from './drift';
import { isDriftNode } from './driftTree';
import type { NewMigrationArgs } from './fileCommands';
import { pickFolder } from './pick';
import { SchemaContentProvider } from './schemaContent';

/** New Migration itself (FileCommands.newMigration), with the statements to put in the pair. */
type NewMigration = (folder: vscode.WorkspaceFolder, args: NewMigrationArgs, body: DriftMigration) => Promise<vscode.Uri | undefined>;

export interface FromDriftArgs {
  /** The new migration's description; asked for when absent. */
  readonly description?: string;
}

/** The drift item's actions: compare the two schemas, and write the difference down as a new migration. */
export class DriftCommands {
  constructor(
    private readonly drift: SchemaDriftWatch,
    private readonly content: SchemaContentProvider,
    private readonly newMigration: NewMigration,
    /** The folder's migrations as they stand, to tell what follows for the drifted database. */
    private readonly states: (folder: vscode.WorkspaceFolder) => Promise<readonly MigrationState[]>,
  ) {}

  register(): vscode.Disposable[] {
    const r = vscode.commands.registerCommand;
    return [
      r('sqliteMigrations.showSchemaDiff', (arg?: unknown) => this.showSchemaDiff(arg)),
      r('sqliteMigrations.newMigrationFromDrift', (arg?: unknown, args?: FromDriftArgs) => this.newMigrationFromDrift(arg, args)),
    ];
  }

  /** Left: what the applied migrations produce; right: what the database has. Returns whether a diff opened. */
  async showSchemaDiff(arg?: unknown): Promise<boolean> {
    const folder = isDriftNode(arg) ? arg.folder : await pickFolder(arg);
    const drift = folder && (await this.drift.current(folder));
    if (!drift) {
      void vscode.window.showInformationMessage('No schema drift: the database has the schema its applied migrations produce.');
      return false;
    }
    const [migrations, database] = this.content.show(drift);
    const title = `Schema: applied migrations ↔ ${path.basename(drift.databaseFile)}`;
    await vscode.commands.executeCommand('vscode.diff', migrations, database, title, { preview: true });
    return true;
  }

  /** The next migration pair, holding what brings the migrations up to the database; opens its up file. */
  async newMigrationFromDrift(arg?: unknown, args: FromDriftArgs = {}): Promise<vscode.Uri | undefined> {
    if (!vscode.workspace.isTrusted) return undefined;
    const folder = isDriftNode(arg) ? arg.folder : await pickFolder(arg);
    const drift = folder && (await this.drift.current(folder));
    const body = drift && driftMigration(drift.comparison.database, drift.comparison.migrations);
    if (!folder || !body) {
      if (folder) void vscode.window.showInformationMessage('No schema drift: the database has the schema its applied migrations produce, so there is nothing to write down.');
      return undefined;
    }
    const description = args.description ?? (await vscode.window.showInputBox({
      title: 'New Migration from Drift',
      prompt: 'Describe the change the database has that the migrations lack',
      value: 'match the database schema',
    }));
    if (!description) return undefined;
    const next = driftNext(body, await this.states(folder));
    const created = await this.newMigration(folder, { description, bump: 'minor', withTest: false }, body);
    if (created) void this.advise(next, created, drift.databaseFile);
    return created;
  }

  /**
   * What follows on the database it came from: a guarded file applies there as a no-op (nothing to say); an ADD COLUMN
   * would fail there, so it is recorded instead (offered once nothing is pending before it); a recipe needs finishing.
   */
  private async advise(next: DriftNext, upFile: vscode.Uri, databaseFile: string): Promise<void> {
    const file = fileLabel(upFile.fsPath);
    const db = path.basename(databaseFile);
    if (next.kind === 'finish') {
      void vscode.window.showInformationMessage(recipeAdvice(file, db));
    } else if (next.kind === 'record' && next.pendingBefore.length > 0) {
      void vscode.window.showInformationMessage(`${db} already has the change in ${file}, and its ADD COLUMN would fail there: apply the ${next.pendingBefore.length === 1 ? 'migration' : 'migrations'} pending before it, then use Record as Applied on it.`);
    } else if (next.kind === 'record') {
      const action = 'Record as Applied';
      const message = `${db} already has the change in ${file}, and its ADD COLUMN would fail there: record it as applied instead of applying it.`;
      if ((await vscode.window.showInformationMessage(message, action)) === action) await vscode.commands.executeCommand('sqliteMigrations.recordApplied', upFile);
    }
  }
}
