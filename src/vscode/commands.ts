import * as path from 'path';
import * as vscode from 'vscode';
import { listBackups } from '../core/engine/backups';
import { discoverMigrations } from '../core/migrations/catalog';
import * as engine from '../core/engine';
import { appliedStates, lastApplied, toApply, type MigrationState } from '../core/ledger/status';
import { plural } from '../core/ledger/summary';
import type { CheckResult } from '../core/run/integrity';
import { describeDataLoss } from '../core/run/dataloss';
import { changedApplied, describeChanged } from '../core/run/plan';
import type { DownOptions, UpOptions } from '../core/run/protocol';
import type { Migration, Problem } from '../core/model';
import type { FolderStatus, MigrationsModel } from './model';
import { confirmEnvironment } from './environment';
import { folderConfig } from './settings';
import { isMigrationNode, pickFolder } from './pick';
import type { Reporter } from './report';
import { dryRunReport, verifyReport } from './reportHtml';
import type { ReportView } from './reportView';
import { problem } from '../core/problems';

/** Options tests and other extensions may pass instead of answering the prompts. */
export interface ConfirmOptions {
  readonly confirmed?: boolean;
  /** Apply although applied migrations' files were edited or removed since (the "Apply Anyway" answer). */
  readonly allowModified?: boolean;
  /** The environment's name as typed, for an environment with `confirm` (`confirmed` does not stand for it). */
  readonly environment?: string;
}

export interface BaselineArgs extends ConfirmOptions {
  /** Record migrations up to this sequence (default: all). */
  readonly to?: number;
}

export class MigrationCommands {
  constructor(
    private readonly model: MigrationsModel,
    private readonly reporter: Reporter,
    private readonly reports: ReportView,
  ) {}

  register(): vscode.Disposable[] {
    const r = vscode.commands.registerCommand;
    return [
      r('sqliteMigrations.applyPending', (arg?: unknown, opts?: ConfirmOptions) => this.applyPending(arg, opts)),
      r('sqliteMigrations.apply', (node: unknown, opts?: ConfirmOptions) => this.applyOne(node, opts)),
      r('sqliteMigrations.rollback', (node: unknown, opts?: ConfirmOptions) => this.rollbackOne(node, opts)),
      r('sqliteMigrations.rollbackLast', (arg?: unknown, opts?: ConfirmOptions) => this.rollbackLast(arg, opts)),
      r('sqliteMigrations.dryRun', (arg?: unknown) => this.dryRun(arg)),
      r('sqliteMigrations.verify', (arg?: unknown) => this.verify(arg)),
      r('sqliteMigrations.backup', (arg?: unknown) => this.backup(arg)),
      r('sqliteMigrations.restoreBackup', (arg?: unknown, backupPath?: string, opts?: ConfirmOptions) => this.restore(arg, backupPath, opts)),
      r('sqliteMigrations.baseline', (arg?: unknown, opts?: BaselineArgs) => this.baseline(arg, opts)),
      r('sqliteMigrations.recordApplied', (arg: unknown, opts?: ConfirmOptions) => this.recordApplied(arg, opts)),
      r('sqliteMigrations.refresh', () => this.model.invalidate()),
    ];
  }

  private async applyPending(arg: unknown, opts: ConfirmOptions = {}): Promise<boolean> {
    const folder = await pickFolder(arg);
    if (!folder) return false;
    const status = await this.savedStatus(folder);
    if (status.errors.length) return this.reporter.outcome('Apply', { ok: false, error: [...status.errors] });
    if (this.blockedByProblems(status)) return false;
    const pending = toApply(status.states);
    if (pending.length === 0) {
      this.reporter.info('No pending migrations: the database is up to date.');
      return true;
    }
    const db = status.config ? vscode.workspace.asRelativePath(status.config.databaseFile) : 'the database';
    const allowModified = await confirmApply(`Apply ${plural(pending.length, 'pending migration')} to ${db}?`, status.states, opts, true);
    if (allowModified === undefined || !(await confirmEnvironment(folder, 'Apply', opts.environment))) return false;
    return this.applyUp('Applying migrations', folder, { allowModified });
  }

  private async applyOne(node: unknown, opts: ConfirmOptions = {}): Promise<boolean> {
    if (!isMigrationNode(node) || node.state.sequence === undefined) return false;
    const status = await this.savedStatus(node.folder);
    if (this.blockedByProblems(status)) return false;
    const allowModified = await confirmApply(`Apply ${node.state.name}?`, status.states, opts, false);
    if (allowModified === undefined || !(await confirmEnvironment(node.folder, 'Apply', opts.environment))) return false;
    return this.applyUp(`Applying ${node.state.name}`, node.folder, { only: node.state.sequence, allowModified });
  }

  /**
   * `up`, and when the engine refuses a database that has tables of its own but no ledger, the same choice the
   * CLI offers: baseline it, or apply anyway.
   */
  private async applyUp(title: string, folder: vscode.WorkspaceFolder, up: UpOptions): Promise<boolean> {
    const result = await this.run(title, folder, (config, o) => engine.migrateUp(config, up, o));
    const unmanaged = !result.ok ? result.error.find((p) => p.code === 'unmanaged-database') : undefined;
    if (!unmanaged) return this.reporter.outcome(title, result);
    const baseline = 'Baseline...';
    const anyway = 'Apply Anyway';
    // The CLI's advice (flags, commands) is replaced by the buttons.
    const message = unmanaged.message.split(' If its schema')[0];
    const choice = await vscode.window.showWarningMessage(message, { modal: true, detail: 'Baseline records the migrations as applied without running them, when the database already has their schema. Apply Anyway runs them on top of its tables (a backup is made first).' }, baseline, anyway);
    if (choice === baseline) return this.baseline(folder);
    if (choice !== anyway) return false;
    return this.reporter.outcome(title, await this.run(title, folder, (config, o) => engine.migrateUp(config, { ...up, allowExistingSchema: true }, o)));
  }

  /** Baseline Existing Database...: which migrations the database's schema already has, then record them. */
  private async baseline(arg?: unknown, opts: BaselineArgs = {}): Promise<boolean> {
    const folder = await pickFolder(arg);
    if (!folder) return false;
    const status = await this.savedStatus(folder);
    // Another tool's schema_migrations (golang-migrate's, dbmate's) fails the status, and is what a baseline takes over.
    const takeover = status.errors.length > 0 && status.errors.every((e) => e.code === 'ledger-foreign') && status.config;
    if (status.errors.length && !takeover) return this.reporter.outcome('Baseline', { ok: false, error: [...status.errors] });
    const migrations = takeover ? (await discoverMigrations(takeover.migrationsFolder, undefined, takeover.layout)).migrations : status.states.flatMap((s) => (s.migration ? [s.migration] : []));
    if (migrations.length === 0) {
      this.reporter.info('There are no migrations to record as applied.');
      return false;
    }
    // Taking over, the other tool's ledger says how far it got (the engine reads it); the schema check still decides.
    const to = opts.to ?? (opts.confirmed || takeover ? undefined : await pickBaselineTarget(migrations));
    if (to === null) return false;
    const count = migrations.filter((m) => to === undefined || m.sequence <= to).length;
    const what = count === 1 ? '1 migration' : `${count} migrations`;
    const db = vscode.workspace.asRelativePath(status.config?.databaseFile ?? '');
    const question = takeover
      ? `Take ${db} over from the other migration tool? ${status.errors[0].message}`
      : `Record ${what} as applied in ${db} without running ${count === 1 ? 'it' : 'them'}? Do this only when the database already has their schema. A backup is made first.`;
    if (!opts.confirmed && !(await confirm(question, 'Baseline'))) return false;
    if (!(await confirmEnvironment(folder, 'Baseline', opts.environment))) return false;
    return this.withProgress('Baseline', folder, (config, o) => engine.baseline(config, { to }, o));
  }

  /**
   * Record as Applied: a pending migration whose change the database already has (made by hand, then written down
   * with New Migration from Drift) is recorded without running it. The core records it only when the database's
   * schema is what the migration would produce. `arg` is its tree item or its up file.
   */
  private async recordApplied(arg: unknown, opts: ConfirmOptions = {}): Promise<boolean> {
    const target = await this.migrationAt(arg);
    const to = target?.state.sequence;
    if (!target || to === undefined) {
      this.reporter.info('Record as Applied works on a migration: its item in the Migrations view, or its up file open in the editor.');
      return false;
    }
    const { folder, state, status } = target;
    const names = toApply(status.states).filter((s) => s.sequence !== undefined && s.sequence <= to).map((s) => s.name);
    if (names.length === 0) {
      this.reporter.info(`${state.name} is already applied.`);
      return false;
    }
    const db = status.config ? vscode.workspace.asRelativePath(status.config.databaseFile) : 'the database';
    const them = names.length === 1 ? 'it' : 'them';
    const question = `Record ${names.join(', ')} as applied in ${db} without running ${them}?`;
    const detail = `Only when the database already has the schema ${them === 'it' ? 'it produces' : 'they produce'}: that is checked first, and nothing is recorded otherwise. A backup is made first.`;
    if (!opts.confirmed && !(await confirm(question, 'Record as Applied', detail))) return false;
    if (!(await confirmEnvironment(folder, 'Record as applied', opts.environment))) return false;
    return this.withProgress(`Recording ${state.name} as applied`, folder, (config, o) => engine.baseline(config, { to }, o));
  }

  /** The migration a tree item or an up file's URI stands for, with its folder's status. */
  private async migrationAt(arg: unknown): Promise<{ folder: vscode.WorkspaceFolder; state: MigrationState; status: FolderStatus } | undefined> {
    if (isMigrationNode(arg)) return { folder: arg.folder, state: arg.state, status: await this.savedStatus(arg.folder) };
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    const folder = uri && vscode.workspace.getWorkspaceFolder(uri);
    if (!uri || !folder) return undefined;
    const status = await this.savedStatus(folder);
    const state = status.states.find((s) => s.migration?.upPath === uri.fsPath);
    return state && { folder, state, status };
  }

  private async rollbackOne(node: unknown, opts: ConfirmOptions = {}): Promise<boolean> {
    if (!isMigrationNode(node) || node.state.sequence === undefined) return false;
    await this.saveEditors(node.folder);
    const only = node.state.sequence;
    if (!opts.confirmed && !(await this.confirmRollback(node.folder, node.state, { only }))) return false;
    if (!(await confirmEnvironment(node.folder, 'Roll back', opts.environment))) return false;
    return this.withProgress(`Rolling back ${node.state.name}`, node.folder, (config, o) => engine.migrateDown(config, { only }, o));
  }

  private async rollbackLast(arg: unknown, opts: ConfirmOptions = {}): Promise<boolean> {
    const folder = await pickFolder(arg);
    if (!folder) return false;
    // The migration `down` will roll back, by the engine's own rule (an applied one whose file is gone counts).
    const last = lastApplied((await this.savedStatus(folder)).states);
    if (!last) {
      this.reporter.info('Nothing to roll back: no migration is applied.');
      return false;
    }
    if (!opts.confirmed && !(await this.confirmRollback(folder, last, { steps: 1 }))) return false;
    if (!(await confirmEnvironment(folder, 'Roll back', opts.environment))) return false;
    return this.withProgress(`Rolling back ${last.name}`, folder, (config, o) => engine.migrateDown(config, { steps: 1 }, o));
  }

  private async dryRun(arg: unknown): Promise<boolean> {
    const folder = await pickFolder(arg);
    if (!folder) return false;
    await this.saveEditors(folder);
    const result = await this.model.write(folder, (config, o) => engine.dryRunUp(config, {}, o));
    if (!(await this.reporter.outcome('Dry run', result)) || !result.ok) return false;
    this.reports.show(dryRunReport(folder.name, result.value, 'up'));
    return true;
  }

  /**
   * What runs is the files on disk, so the migration files open with unsaved changes are saved first, as VS Code
   * saves before running a task: applying otherwise ran the saved text while the editor showed another. The up file
   * of an applied migration never runs again, and saving an edit to it would make it "modified" on disk: it is left
   * to its checksum warning. The status is read after, so the questions count what will run.
   */
  private async savedStatus(folder: vscode.WorkspaceFolder): Promise<FolderStatus> {
    await this.saveEditors(folder);
    return this.model.folderStatus(folder);
  }

  private async saveEditors(folder: vscode.WorkspaceFolder): Promise<void> {
    const config = folderConfig(folder);
    const inside = config.ok ? config.value.migrationsFolder + path.sep : undefined;
    const applied = new Set(appliedStates((await this.model.folderStatus(folder)).states).flatMap((s) => (s.migration ? [s.migration.upPath] : [])));
    const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file' && inside !== undefined && d.uri.fsPath.startsWith(inside) && !applied.has(d.uri.fsPath));
    for (const doc of dirty) {
      if (await doc.save()) this.reporter.logLine(`Saved ${doc.uri.fsPath} before running the migrations.`);
    }
    if (dirty.length) this.model.invalidate(folder);
  }

  /** Files with errors are not used, so "up" would skip them: nothing is applied until they are fixed. */
  private blockedByProblems(status: FolderStatus): boolean {
    const blocking = status.problems.filter((p) => p.severity === 'error');
    if (blocking.length === 0) return false;
    const files = new Set(blocking.map((p) => p.file ?? '')).size;
    const which = `${plural(files, 'migration file')} ${files === 1 ? 'has' : 'have'} ${files === 1 && blocking.length === 1 ? 'an error' : 'errors'}`;
    this.reporter.refuse(`Cannot apply while ${which}: ${blocking[0].message}`, blocking[0]);
    return true;
  }

  /**
   * Asks with facts: the down plan runs first as a dry run on a copy, and the question says what it would
   * really remove, and which later migrations stay applied when this one is not the last.
   */
  private async confirmRollback(folder: vscode.WorkspaceFolder, target: MigrationState, down: DownOptions): Promise<boolean> {
    const preview = await this.model.write(folder, (config, o) => engine.dryRunDown(config, down, o));
    const lines: string[] = [];
    if (!preview.ok) {
      lines.push(`The preview could not run: ${this.reporter.relative(preview.error[0].message)}`);
    } else {
      const failed = preview.value.outcomes.find((o) => !o.ok);
      // The preview ran it on a copy with this engine: it would fail the same way here, so there is nothing to confirm.
      if (failed?.error) {
        this.reporter.refuse(`${target.name} cannot be rolled back: the rollback would ${failed.refused ? 'be refused' : 'fail'}: ${failed.error.message}`, failed.error);
        return false;
      }
      // A down that runs nothing while the up changed the schema (a template left as written) is said before, not after.
      lines.push(...preview.value.outcomes.flatMap((o) => o.warnings).filter((w) => w.code === 'empty-down' && w.severity === 'warning').map((w) => this.reporter.relative(w.message)));
      if (preview.value.dryRun) lines.push(...describeDataLoss(preview.value.dryRun.loss));
    }
    const states = (await this.model.folderStatus(folder)).states;
    const later = appliedStates(states).filter((s) => s.sequence !== undefined && target.sequence !== undefined && s.sequence > target.sequence);
    if (later.length) {
      lines.push(`${later.map((s) => s.name).join(', ')} ${later.length === 1 ? 'was applied after it and stays' : 'were applied after it and stay'} applied.`);
    }
    lines.push('A backup is made first.');
    return confirm(`Roll back ${target.name}?`, 'Roll Back', lines.join('\n'));
  }

  private async verify(arg: unknown): Promise<boolean> {
    const folder = await pickFolder(arg);
    if (!folder) return false;
    const result = await this.model.query(folder, (config, o) => engine.verify(config, o));
    if (!(await this.reporter.outcome('Verify', result)) || !result.ok) return false;
    const checks = result.value.checks ?? [];
    const fileProblems: Problem[] = result.value.catalog.problems.filter((p) => p.severity === 'error');
    const failed = checks.filter((c) => !c.ok);
    const failures = failed.length + (fileProblems.length ? 1 : 0);
    const summary = failures
      ? `Verify: ${plural(failures, 'check')} failed: ${[...failed.map((c) => c.detail), ...fileProblems.map((p) => p.message)].join('; ')}`
      : `Verify passed: ${plural(checks.filter((c) => !c.skipped).length + 1, 'check')}${notRun(checks)} (engine: ${result.value.engine})`;
    this.reporter.logProblem(problem('verify', summary, { severity: failures ? 'error' : 'info' }));
    this.reports.show(verifyReport(folder.name, result.value, fileProblems));
    if (failures) void vscode.window.showWarningMessage(this.reporter.relative(summary));
    return failures === 0;
  }

  private async backup(arg: unknown): Promise<string | undefined> {
    const folder = await pickFolder(arg);
    if (!folder) return undefined;
    // In the folder's queue like every operation on its database, so it never overlaps a migration.
    const made = await this.model.write(folder, (config, options) => engine.backupNow(config, options));
    if (!made.ok) {
      await this.reporter.outcome('Backup', made);
      return undefined;
    }
    this.reporter.info(`Backed up to ${vscode.workspace.asRelativePath(made.value.backup.path)} (engine: ${made.value.engine})`);
    return made.value.backup.path;
  }

  private async restore(arg: unknown, backupPath?: string, opts: ConfirmOptions = {}): Promise<boolean> {
    const folder = await pickFolder(arg);
    if (!folder) return false;
    const config = (await this.model.folderStatus(folder)).config;
    if (!config) return false;
    const chosen = backupPath ?? (await pickBackup(config.databaseFile, config.backupsFolder));
    if (!chosen) return false;
    const rel = (p: string) => vscode.workspace.asRelativePath(p);
    if (!opts.confirmed && !(await confirm(`Replace ${rel(config.databaseFile)} with ${rel(chosen)}? The current file is backed up first.`, 'Restore'))) {
      return false;
    }
    if (!(await confirmEnvironment(folder, 'Restore', opts.environment))) return false;
    const result = await this.model.write(folder, async (c, options) => {
      const restored = await engine.restore(c, chosen, options);
      if (!restored.ok) return restored;
      // A schema file that could not follow the restored state is said as after Apply.
      const status = await engine.status(c, options);
      return status.ok ? { ...status, value: { ...status.value, notes: [...restored.value.warnings, ...status.value.notes] } } : status;
    });
    const okay = await this.reporter.outcome('Restore', result);
    if (okay) this.reporter.info(`Restored ${rel(config.databaseFile)} from ${rel(chosen)}`);
    return okay;
  }

  private async withProgress(title: string, folder: vscode.WorkspaceFolder, op: Parameters<MigrationsModel['write']>[1]): Promise<boolean> {
    return this.reporter.outcome(title, await this.run(title, folder, op));
  }

  private run(title: string, folder: vscode.WorkspaceFolder, op: Parameters<MigrationsModel['write']>[1]) {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, () => this.model.write(folder, op));
  }
}

async function confirm(message: string, action: string, detail?: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
}

/**
 * Flyway's validate-on-migrate, as the CLI's --allow-modified: when applied migrations' files were edited or
 * removed, the modal names them and only "Apply Anyway" applies. Undefined: not confirmed; else allowModified.
 */
async function confirmApply(question: string, states: Parameters<typeof changedApplied>[0], opts: ConfirmOptions, ask: boolean): Promise<boolean | undefined> {
  const changed = changedApplied(states);
  if (opts.confirmed) return opts.allowModified ?? false;
  if (changed.length === 0) return !ask || (await confirm(question, 'Apply')) ? false : undefined;
  const warning = `\n\nApplied migrations changed since they were applied: ${describeChanged(changed)}. The folder no longer matches the database.`;
  return (await confirm(question + warning, 'Apply Anyway')) ? true : undefined;
}

/** undefined: all of them; null: cancelled. */
async function pickBaselineTarget(migrations: readonly Migration[]): Promise<number | undefined | null> {
  const last = migrations[migrations.length - 1];
  const items = [
    { label: `All ${migrations.length} migrations`, description: `up to ${last.name}`, to: undefined as number | undefined },
    ...migrations.slice(0, -1).reverse().map((m) => ({ label: `Up to ${m.name}`, description: m.description, to: m.sequence as number | undefined })),
  ];
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Which migrations does the database already have? They are recorded as applied, not run.' });
  return picked ? picked.to : null;
}

async function pickBackup(dbPath: string, folder: string): Promise<string | undefined> {
  const backups = await listBackups(dbPath, folder);
  if (backups.length === 0) {
    void vscode.window.showInformationMessage(`No backups in ${vscode.workspace.asRelativePath(folder)}`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    // When it was made is what a user chooses by; the name (which holds the same time) and size come after.
    backups.map((b) => ({ label: b.createdAt.toLocaleString(), description: `${sizeText(b.size)} · ${path.basename(b.path)}`, path: b.path })),
    { placeHolder: 'Backup to restore (the current file is backed up first)' },
  );
  return picked?.path;
}

/** Checks that could not run (the drift check when a migration cannot be replayed) are not counted as passed. */
function notRun(checks: readonly CheckResult[]): string {
  const skipped = checks.filter((c) => c.skipped).length;
  return skipped ? `, ${skipped} could not run` : '';
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const kb = bytes / 1024;
  return kb < 1024 ? `${kb.toFixed(kb < 10 ? 1 : 0)} KB` : `${(kb / 1024).toFixed(1)} MB`;
}
