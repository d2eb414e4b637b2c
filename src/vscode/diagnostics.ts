import * as vscode from 'vscode';
import { decodeSqlText, sha256Hex } from '../core/migrations/checksum';
import { upText } from '../core/migrations/sections';
import type { Problem } from '../core/model';
import { isApplied, type MigrationState } from '../core/ledger/status';
import { KeyedDebouncer } from './debounce';
import type { FolderStatus, MigrationsModel } from './model';

export const SOURCE = 'SQLite Migrations';

export enum DiagnosticCode {
  ChecksumMismatch = 'checksum-mismatch',
  FileProblem = 'file-problem',
}

/** An applied migration whose file is open or on disk, with what it was applied as. */
export interface AppliedFile {
  readonly folder: vscode.WorkspaceFolder;
  readonly state: MigrationState;
  readonly appliedChecksum: string;
}

/**
 * Warns while you type when an applied migration no longer matches the checksum it was applied
 * with, and shows discovery's naming problems where they are.
 */
export class ChecksumDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('sqlite-migrations');
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private applied = new Map<string, AppliedFile>();
  private problems: Problem[] = [];
  /** Per document: edits in one file never delay or drop the warning of another. */
  private readonly debounce = new KeyedDebouncer<string>(150);

  constructor(private readonly model: MigrationsModel) {
    this.disposables.push(
      model.onDidChange(() => void this.reload()),
      vscode.workspace.onDidChangeTextDocument((e) => this.scheduleDocument(e.document)),
      vscode.workspace.onDidOpenTextDocument((d) => this.updateFile(d.uri.fsPath)),
      vscode.workspace.onDidCloseTextDocument((d) => this.updateFile(d.uri.fsPath)),
    );
  }

  /** The applied migration whose up file is at `fsPath`, if any. */
  appliedFile(fsPath: string): AppliedFile | undefined {
    return this.applied.get(fsPath);
  }

  async reload(): Promise<void> {
    const folders = await this.model.folders();
    this.applied = new Map(folders.flatMap(appliedFiles));
    this.problems = folders.flatMap((f: FolderStatus) => [...f.problems]);
    this.collection.clear();
    const files = new Set([...this.applied.keys(), ...this.problems.flatMap((p) => (p.file ? [p.file] : []))]);
    for (const file of files) this.updateFile(file);
  }

  private scheduleDocument(doc: vscode.TextDocument): void {
    if (!this.applied.has(doc.uri.fsPath)) return;
    const fsPath = doc.uri.fsPath;
    this.debounce.trigger(fsPath, () => this.updateFile(fsPath));
  }

  private updateFile(fsPath: string): void {
    const diagnostics = this.problems.filter((p) => p.file === fsPath).map(problemDiagnostic);
    const applied = this.applied.get(fsPath);
    const current = applied && currentChecksum(fsPath, applied);
    if (applied && current !== applied.appliedChecksum) diagnostics.unshift(mismatchDiagnostic(applied));
    this.collection.set(vscode.Uri.file(fsPath), diagnostics);
  }

  dispose(): void {
    this.debounce.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function appliedFiles(f: FolderStatus): [string, AppliedFile][] {
  return f.states.flatMap((state): [string, AppliedFile][] => {
    const checksum = state.row?.checksum;
    const applied = isApplied(state);
    return applied && checksum && state.migration ? [[state.migration.upPath, { folder: f.folder, state, appliedChecksum: checksum }]] : [];
  });
}

/** The open document's text when it is open (unsaved edits count), else the file as discovered. */
function currentChecksum(fsPath: string, applied: AppliedFile): string | undefined {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === fsPath);
  if (!doc) return applied.state.migration?.checksum;
  const text = decodeSqlText(Buffer.from(doc.getText(), 'utf8'), fsPath);
  return text.ok ? sha256Hex(upText(text.value)) : undefined;
}

function mismatchDiagnostic(a: AppliedFile): vscode.Diagnostic {
  const when = a.state.row?.appliedAt ? ` on ${a.state.row.appliedAt} UTC` : '';
  const d = new vscode.Diagnostic(
    new vscode.Range(0, 0, 0, Number.MAX_SAFE_INTEGER),
    `Migration ${a.state.version} was applied${when} with a different checksum: databases that already ran it will not see this edit. Revert it, move the change into a new migration, or accept the new checksum.`,
    vscode.DiagnosticSeverity.Warning,
  );
  d.code = DiagnosticCode.ChecksumMismatch;
  d.source = SOURCE;
  return d;
}

function problemDiagnostic(p: Problem): vscode.Diagnostic {
  const line = Math.max(0, (p.line ?? 1) - 1);
  const severity = p.severity === 'error' ? vscode.DiagnosticSeverity.Error : p.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
  const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), p.message, severity);
  d.code = DiagnosticCode.FileProblem;
  d.source = SOURCE;
  return d;
}
