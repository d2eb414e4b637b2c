import * as path from 'path';
import * as vscode from 'vscode';
import type { EngineConfig } from '../core/config';
import { migrationIndexOf, withEditorText } from '../core/lint/editorText';
import type { LintFinding } from '../core/lint/finding';
import type { LintWorkerClient } from '../core/lint/lintClient';
import type { TableInfo } from '../core/lint/schemaInfo';
import { ChecksumCache, discoverMigrations } from '../core/migrations/catalog';
import { KeyedDebouncer } from './debounce';
import { SOURCE } from './diagnostics';
import { folderConfig, SECTION } from './settings';

/** What the checks know about one document after its last run. */
interface Checked {
  readonly version: number;
  readonly schema: readonly TableInfo[];
}

/**
 * SQL checked while typing: a migration's statements run, in the lint worker, against the schema the migrations
 * before it leave, with the editor's text (and that of the other open migration files); the target SQLite version
 * is checked too. Its own DiagnosticCollection, so other diagnostics on the same files stay theirs.
 */
export class LintDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('sqlite-migrations-lint');
  private readonly debounce = new KeyedDebouncer<string>(400);
  private readonly checksums = new ChecksumCache();
  private readonly checked = new Map<string, Checked>();
  /** Per document, the newest run: an older run's answer arriving late is dropped. */
  private readonly runs = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [this.collection, this.debounce];
  private nextRun = 0;

  constructor(private readonly client: LintWorkerClient, private readonly log: (message: string) => void) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && this.scheduleFolder(e.document)),
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SECTION) && this.scheduleAll()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.scheduleAll()),
    );
  }

  /** Checks the SQL files already open; called after activation, never during it. */
  scheduleAll(): void {
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc);
  }

  /** The schema before the document's migration, for hover and completion; checks it now when it was not yet. */
  async schemaFor(doc: vscode.TextDocument): Promise<readonly TableInfo[] | undefined> {
    const known = this.checked.get(doc.uri.toString());
    if (known && known.version === doc.version) return known.schema;
    await this.check(doc);
    return this.checked.get(doc.uri.toString())?.schema;
  }

  /** Runs the document's checks now (the debounced path ends here too); resolves when its diagnostics are set. */
  async check(doc: vscode.TextDocument): Promise<void> {
    if (!isCandidate(doc)) return;
    const key = doc.uri.toString();
    const run = ++this.nextRun;
    this.runs.set(key, run);
    // The version the text was read at: typing during the run makes the answer older than the document.
    const version = doc.version;
    try {
      const found = await this.lint(doc);
      if (this.runs.get(key) !== run || doc.isClosed) return;
      if (!found) return;
      this.checked.set(key, { version, schema: found.schema });
      this.show(found.files, found.findings);
    } catch (e) {
      this.log(`SQL checks of ${doc.uri.fsPath} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async lint(doc: vscode.TextDocument): Promise<{ files: string[]; findings: LintFinding[]; schema: TableInfo[] } | undefined> {
    const config = configFor(doc);
    if (!config || !isInside(config.migrationsFolder, doc.uri.fsPath)) return undefined;
    const catalog = await discoverMigrations(config.migrationsFolder, this.checksums, config.layout);
    const index = migrationIndexOf(catalog.migrations, doc.uri.fsPath);
    if (index < 0) return undefined;
    const open = new Map(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file').map((d) => [d.uri.fsPath, d.getText()]));
    const migrations = catalog.migrations.map((m) => withEditorText(m, (file) => open.get(file)));
    const reply = await this.client.lint({ folder: config.migrationsFolder, migrations, index, target: config.targetSqliteVersion });
    if (!reply.ok) {
      this.log(reply.message);
      return undefined;
    }
    const m = migrations[index];
    return { files: [m.upPath, ...(m.downPath ? [m.downPath] : [])], findings: reply.findings, schema: reply.schema };
  }

  /** Replaces the diagnostics of the migration's files (up and down) with its findings. */
  private show(files: readonly string[], findings: readonly LintFinding[]): void {
    for (const file of new Set(files)) {
      const mine = findings.filter((f) => f.file === file);
      this.collection.set(vscode.Uri.file(file), mine.map(toDiagnostic));
    }
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isCandidate(doc)) return;
    this.debounce.trigger(doc.uri.toString(), () => void this.check(doc));
  }

  /** A change to one migration can change what every later one runs against: the open ones of its folder are checked again. */
  private scheduleFolder(doc: vscode.TextDocument): void {
    if (!isCandidate(doc)) return;
    const dir = path.dirname(doc.uri.fsPath);
    for (const other of vscode.workspace.textDocuments) if (isCandidate(other) && path.dirname(other.uri.fsPath) === dir) this.schedule(other);
  }

  private forget(doc: vscode.TextDocument): void {
    this.checked.delete(doc.uri.toString());
    this.runs.delete(doc.uri.toString());
    if (isCandidate(doc)) this.collection.delete(doc.uri);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** A migration's .sql file on disk (not a test file), in a trusted workspace: nothing of an untrusted one's SQL runs. */
function isCandidate(doc: vscode.TextDocument): boolean {
  const file = doc.uri.fsPath;
  return doc.uri.scheme === 'file' && file.endsWith('.sql') && !file.endsWith('.test.sql') && path.basename(file) !== 'test.sql' && vscode.workspace.isTrusted;
}

function configFor(doc: vscode.TextDocument): EngineConfig | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  if (!folder) return undefined;
  const config = folderConfig(folder);
  return config.ok ? config.value : undefined;
}

function isInside(folder: string, file: string): boolean {
  const rel = path.relative(folder, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

const SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

function toDiagnostic(f: LintFinding): vscode.Diagnostic {
  const range = new vscode.Range((f.line ?? 1) - 1, f.column - 1, f.endLine - 1, f.endColumn - 1);
  // A statement the checks could not run is a hint: nothing is wrong with it.
  const severity = f.code === 'needs-newer-sqlite' ? vscode.DiagnosticSeverity.Warning : f.code === 'module-unchecked' ? vscode.DiagnosticSeverity.Hint : SEVERITY[f.severity];
  const d = new vscode.Diagnostic(range, f.detail, severity);
  d.source = SOURCE;
  d.code = f.code;
  return d;
}
