// Flags the problems of a migration's test file (NAME.test.sql) while it is typed: unknown annotations, malformed
// values, annotations followed by no statement, transaction control. The rules are core's parser (testing/parse.ts),
// run on the editor's text, so the editor says exactly what `sqlite-migrations test` would refuse.
import * as path from 'path';
import * as vscode from 'vscode';
import { fileLabel } from '../core/migrations/label';
import { isDieselFolderName, isTestFileName } from '../core/migrations/layouts';
import { testFileProblems } from '../core/testing/parse';
import { isInside } from '../core/config';
import { KeyedDebouncer } from './debounce';
import { folderConfig } from './settings';
import { SOURCE } from './diagnostics';

export const TEST_FILE_PROBLEM = 'test-file-problem';

export class TestFileDiagnostics implements vscode.Disposable {
  /** Its own collection: the checksum and naming diagnostics reload theirs as a whole, which must not drop these. */
  private readonly collection = vscode.languages.createDiagnosticCollection('sqlite-migrations-tests');
  private readonly disposables: vscode.Disposable[] = [this.collection];
  /** Per document, so a burst of keystrokes parses once and edits in one file never delay another's. */
  private readonly debounce: KeyedDebouncer<string>;

  constructor(delayMs = 250) {
    this.debounce = new KeyedDebouncer<string>(delayMs);
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.check(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      // A closed file's problems are the CLI's to report again; stale marks on it would not update.
      vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)),
      vscode.workspace.onDidChangeConfiguration(() => this.checkOpen()),
    );
    this.checkOpen();
  }

  private checkOpen(): void {
    for (const doc of vscode.workspace.textDocuments) this.check(doc);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!looksLikeTestFile(doc.uri)) return;
    const key = doc.uri.toString();
    this.debounce.trigger(key, () => this.check(doc));
  }

  private check(doc: vscode.TextDocument): void {
    // No longer a test file (the migrations folder setting changed): its old marks go.
    if (!isMigrationTestFile(doc.uri)) return void (doc.uri.scheme === 'file' && this.collection.delete(doc.uri));
    const file = doc.uri.fsPath;
    const label = fileLabel(file);
    const diagnostics = testFileProblems(doc.getText(), file, label).map((p) => {
      const line = Math.max(0, (p.line ?? 1) - 1);
      // The parser's message starts with "label:line: ", which the Problems panel shows already.
      const prefix = `${label}:${p.line ?? 1}: `;
      const message = p.message.startsWith(prefix) ? p.message.slice(prefix.length) : p.message;
      const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), message, vscode.DiagnosticSeverity.Error);
      d.code = TEST_FILE_PROBLEM;
      d.source = SOURCE;
      return d;
    });
    this.collection.set(doc.uri, diagnostics);
  }

  dispose(): void {
    this.debounce.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Named like a test file: the cheap check made on every keystroke, before the settings are read. */
function looksLikeTestFile(uri: vscode.Uri): boolean {
  if (uri.scheme !== 'file') return false;
  const name = path.basename(uri.fsPath);
  return isTestFileName(name) || (name === 'test.sql' && isDieselFolderName(path.basename(path.dirname(uri.fsPath))));
}

/** A test file in a workspace folder's migrations folder: NAME.test.sql, or Diesel's test.sql in a migration's folder. */
export function isMigrationTestFile(uri: vscode.Uri): boolean {
  if (!looksLikeTestFile(uri)) return false;
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const config = folder && folderConfig(folder);
  return Boolean(config?.ok && isInside(config.value.migrationsFolder, uri.fsPath));
}
