// The spec's semver rule in the editor: a warning on each statement that makes a breaking change in a migration
// whose version is not a MAJOR bump over the previous one, and a quick fix that sets the header's version to the
// next MAJOR. The review runs in a sql.js worker on a scratch database (engine.reviewSemver), after files change.
import * as vscode from 'vscode';
import * as engine from '../core/engine';
import { isApplied } from '../core/ledger/status';
import { parseHeader } from '../core/migrations/header';
import { breakingFindings } from '../core/semver/breaking';
import { KeyedDebouncer } from './debounce';
import { SOURCE } from './diagnostics';
import type { MigrationsModel } from './model';

export const BREAKING_CODE = 'breaking-change';

/** Per up file: the version its breaking changes call for, and whether its header may still be edited. */
interface Target {
  readonly version: string;
  /** Applied: its checksum is recorded, so editing the header would make it "modified"; no quick fix then. */
  readonly applied: boolean;
}

export class SemverDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('sqlite-migrations-semver');
  private readonly debounce = new KeyedDebouncer<string>(500);
  private readonly targets = new Map<string, Target>();
  /** Per folder: the last review, and the files (paths and checksums) it was made from. */
  private readonly reviewed = new Map<string, { key: string; result: Awaited<ReturnType<typeof engine.reviewSemver>> }>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: MigrationsModel) {
    this.subscription = model.onDidChange(() => this.debounce.trigger('all', () => void this.reload()));
  }

  /** The version the quick fix writes into `fsPath`'s header, when it has one to offer. */
  target(fsPath: string): Target | undefined {
    return this.targets.get(fsPath);
  }

  async reload(): Promise<void> {
    // The review runs the migrations' SQL (on a scratch database): not in a workspace the user has not trusted.
    const folders = vscode.workspace.isTrusted ? (vscode.workspace.workspaceFolders ?? []) : [];
    const found = await Promise.all(folders.map(async (folder) => {
      const status = await this.model.folderStatus(folder);
      // The review replays every migration: only again when a file or version changed, not after every write.
      const key = status.states.map((s) => (s.migration ? `${s.migration.upPath}\0${s.migration.checksum}` : '')).join('\n');
      const cached = this.reviewed.get(folder.uri.toString());
      const reviewed = cached && cached.key === key ? cached.result : await this.model.query(folder, (config, options) => engine.reviewSemver(config, options));
      if (reviewed.ok) this.reviewed.set(folder.uri.toString(), { key, result: reviewed });
      return { reviewed, status };
    }));
    this.collection.clear();
    this.targets.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const { reviewed, status } of found) {
      // A review that cannot run (a migration that fails on an empty database) is said by `test` and Apply, not here.
      if (!reviewed.ok) continue;
      const applied = new Set(status.states.filter(isApplied).flatMap((s) => (s.migration ? [s.migration.upPath] : [])));
      for (const r of reviewed.value.reviews) {
        if (r.needsMajor) this.targets.set(r.migration.upPath, { version: r.needsMajor, applied: applied.has(r.migration.upPath) });
      }
      for (const p of breakingFindings(reviewed.value.reviews)) {
        const line = Math.max(0, (p.line ?? 1) - 1);
        const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), p.message.replace(/^[^:]+:\d+: /, ''), vscode.DiagnosticSeverity.Warning);
        d.code = BREAKING_CODE;
        d.source = SOURCE;
        const list = byFile.get(p.file!) ?? [];
        list.push(d);
        byFile.set(p.file!, list);
      }
    }
    for (const [file, diagnostics] of byFile) this.collection.set(vscode.Uri.file(file), diagnostics);
  }

  dispose(): void {
    this.debounce.dispose();
    this.subscription.dispose();
    this.collection.dispose();
  }
}

/** "Make it 2.0.0 (MAJOR)": rewrites the `-- version:` line of a migration that is not applied yet. */
export class BumpVersionActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly semver: Pick<SemverDiagnostics, 'target'>) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const diagnostics = context.diagnostics.filter((d) => d.source === SOURCE && d.code === BREAKING_CODE);
    const target = this.semver.target(doc.uri.fsPath);
    if (!diagnostics.length || !target || target.applied) return [];
    const line = parseHeader(doc.getText(), doc.uri.fsPath).versionLine;
    if (line === undefined) return [];
    const text = doc.lineAt(line - 1).text;
    const value = /^(\s*--\s*version\s*:\s*)(\S+)/i.exec(text);
    if (!value) return [];
    const action = new vscode.CodeAction(`Bump the version to ${target.version} (MAJOR: a breaking change)`, vscode.CodeActionKind.QuickFix);
    action.diagnostics = diagnostics;
    action.isPreferred = true;
    action.edit = new vscode.WorkspaceEdit();
    action.edit.replace(doc.uri, new vscode.Range(line - 1, value[1].length, line - 1, value[1].length + value[2].length), target.version);
    return [action];
  }
}
