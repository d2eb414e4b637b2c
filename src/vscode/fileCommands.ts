import * as path from 'path';
import * as vscode from 'vscode';
import * as engine from '../core/engine';
import type { Bump } from '../core/migrations/semver';
import { createMigration, usesSemver } from '../core/migrations/scaffold';
import { templateFolder } from './templates';
import { AppliedContentProvider } from './appliedContent';
import type { ChecksumDiagnostics } from './diagnostics';
import { UNTRUSTED, type MigrationsModel } from './model';
import { isMigrationNode, pickFolder } from './pick';
import type { Reporter } from './report';
import type { ConfirmOptions } from './commands';

export interface NewMigrationArgs {
  readonly description?: string;
  readonly bump?: Bump;
  /** Also create NAME.test.sql from the template; asked when the description is asked, else false. */
  readonly withTest?: boolean;
}

/** Commands that work on migration files: create, open, compare, and the quick fixes for edited ones. */
export class FileCommands {
  constructor(
    private readonly model: MigrationsModel,
    private readonly diagnostics: ChecksumDiagnostics,
    private readonly reporter: Reporter,
    private readonly extensionUri: vscode.Uri,
    private readonly now: () => Date,
  ) {}

  register(): vscode.Disposable[] {
    const r = vscode.commands.registerCommand;
    return [
      r('sqliteMigrations.newMigration', (arg?: unknown, args?: NewMigrationArgs) => this.newMigration(arg, args)),
      r('sqliteMigrations.openDownFile', (node: unknown) => this.openDownFile(node)),
      r('sqliteMigrations.compareWithApplied', (arg: unknown) => this.compareWithApplied(arg)),
      r('sqliteMigrations.revertToApplied', (uri: vscode.Uri) => this.revertToApplied(uri)),
      r('sqliteMigrations.moveEditToNewMigration', (uri: vscode.Uri) => this.moveEditToNewMigration(uri)),
      r('sqliteMigrations.acceptChecksum', (uri: vscode.Uri, opts?: ConfirmOptions) => this.acceptChecksum(uri, opts)),
    ];
  }

  async newMigration(arg?: unknown, args: NewMigrationArgs = {}, body?: { readonly up: string; readonly down: string }): Promise<vscode.Uri | undefined> {
    if (!this.requireTrust()) return undefined;
    const folder = await pickFolder(arg);
    const status = folder && (await this.model.folderStatus(folder));
    const config = status?.config;
    if (!folder || !status || !config) return undefined;
    const description = args.description ?? (await askDescription());
    if (!description) return undefined;
    // A folder versioned by sequence numbers (written for another tool) has no version level to ask about.
    const semver = usesSemver(status.states.flatMap((s) => (s.migration ? [s.migration] : [])));
    const bump = args.bump ?? (semver ? await askBump() : 'minor');
    if (!bump) return undefined;
    // Called with a description (a test, "move this edit"): no more questions.
    const withTest = args.withTest ?? (args.description === undefined ? await askTestFile() : false);
    if (withTest === undefined) return undefined;
    const created = await createMigration({
      folder: config.migrationsFolder,
      templateDir: templateFolder(folder, this.extensionUri),
      description,
      bump,
      now: this.now,
      layout: config.layout,
      body,
      ...(withTest ? { testTemplate: path.join(templateFolder(folder, this.extensionUri, 'test.sql'), 'test.sql') } : {}),
    });
    if (!created.ok) {
      await this.reporter.outcome('New Migration', { ok: false, error: [created.error] });
      return undefined;
    }
    const uri = vscode.Uri.file(created.value.upPath);
    this.model.invalidate(folder);
    await vscode.window.showTextDocument(uri);
    return uri;
  }

  private async openDownFile(node: unknown): Promise<void> {
    const downPath = isMigrationNode(node) ? node.state.migration?.downPath : undefined;
    if (!downPath) {
      void vscode.window.showInformationMessage('This migration has no down file, so it cannot be rolled back.');
      return;
    }
    await vscode.window.showTextDocument(vscode.Uri.file(downPath));
  }

  private async compareWithApplied(arg: unknown): Promise<void> {
    const uri = isMigrationNode(arg) && arg.state.migration ? vscode.Uri.file(arg.state.migration.upPath) : (arg as vscode.Uri);
    const applied = uri && this.diagnostics.appliedFile(uri.fsPath);
    if (!applied) {
      void vscode.window.showInformationMessage('This migration has not been applied, so there is nothing to compare with.');
      return;
    }
    const left = AppliedContentProvider.uriFor(uri, applied.state.version);
    await vscode.commands.executeCommand('vscode.diff', left, uri, `${applied.state.name}: applied ↔ working file`);
  }

  private async revertToApplied(uri: vscode.Uri): Promise<boolean> {
    const applied = this.diagnostics.appliedFile(uri.fsPath);
    const text = applied && (await this.model.appliedSql(applied.folder, applied.state.version))?.upSql;
    if (text === undefined || text === null) {
      void vscode.window.showWarningMessage('The applied text of this migration was not recorded, so it cannot be restored automatically.');
      return false;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
    return (await vscode.workspace.applyEdit(edit)) && doc.save();
  }

  private async moveEditToNewMigration(uri: vscode.Uri): Promise<vscode.Uri | undefined> {
    const applied = this.diagnostics.appliedFile(uri.fsPath);
    const original = applied && (await this.model.appliedSql(applied.folder, applied.state.version))?.upSql;
    if (!applied || original === undefined || original === null) return undefined;
    const doc = await vscode.workspace.openTextDocument(uri);
    const added = addedLines(original, doc.getText());
    const body = { up: `-- Moved from ${applied.state.name} (applied as ${applied.state.version}); finish this migration:\n${added.join('\n')}\n`, down: '' };
    const created = await this.newMigration(applied.folder, { description: `follow up ${applied.state.migration?.slug ?? applied.state.name}`, bump: 'patch' }, body);
    if (created) await this.revertToApplied(uri);
    return created;
  }

  private async acceptChecksum(uri: vscode.Uri, opts: ConfirmOptions = {}): Promise<boolean> {
    const applied = this.diagnostics.appliedFile(uri.fsPath);
    if (!applied) return false;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath);
    if (doc?.isDirty) await doc.save();
    if (!opts.confirmed) {
      const message = `Record the edited ${applied.state.name} as applied? Databases that already ran the old text keep the old schema; only do this when the edit changes nothing they need (a comment, formatting).`;
      if ((await vscode.window.showWarningMessage(message, { modal: true }, 'Accept Checksum')) !== 'Accept Checksum') return false;
    }
    const result = await this.model.write(applied.folder, (config, o) => engine.acceptChecksum(config, applied.state.version, o));
    return this.reporter.outcome('Accept checksum', result);
  }

  private requireTrust(): boolean {
    if (vscode.workspace.isTrusted) return true;
    void this.reporter.outcome('New Migration', { ok: false, error: [UNTRUSTED] });
    return false;
  }
}

async function askDescription(): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: 'New Migration',
    prompt: 'Describe the change (it becomes the file name, e.g. "add task tags")',
    validateInput: (v) => (/[a-z0-9]/i.test(v) ? undefined : 'Use at least one letter or digit'),
  });
}

async function askBump(): Promise<Bump | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'minor', description: 'backward-compatible addition: new tables, columns, indexes', bump: 'minor' as const },
      { label: 'patch', description: 'fix: index optimisation, a constraint change no existing writer breaks (else major)', bump: 'patch' as const },
      { label: 'major', description: 'breaking change: data migration, incompatible API', bump: 'major' as const },
    ],
    { title: 'New Migration: version bump' },
  );
  return picked?.bump;
}

async function askTestFile(): Promise<boolean | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'With a test file', description: 'also NAME.test.sql: checks run after the migration, with an example of each annotation', withTest: true },
      { label: 'Without a test file', description: 'just the up and down files', withTest: false },
    ],
    { title: 'New Migration: test file' },
  );
  return picked?.withTest;
}

/** Lines of `current` that are not in `original`: what the user added to an applied migration. */
export function addedLines(original: string, current: string): string[] {
  const before = new Set(original.split(/\r?\n/));
  return current.split(/\r?\n/).filter((line) => line.trim() !== '' && !before.has(line));
}

