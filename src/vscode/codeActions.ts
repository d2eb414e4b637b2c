import * as vscode from 'vscode';
import { DiagnosticCode, SOURCE } from './diagnostics';

/** Quick fixes for an applied migration that was edited since. */
export class ChecksumCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const diagnostic = context.diagnostics.find((d) => d.source === SOURCE && d.code === DiagnosticCode.ChecksumMismatch);
    if (!diagnostic) return [];
    const fix = (title: string, command: string, preferred = false) => {
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = preferred;
      action.command = { title, command, arguments: [doc.uri] };
      return action;
    };
    return [
      fix('Revert to the applied text', 'sqliteMigrations.revertToApplied', true),
      fix('Move this edit into a new migration', 'sqliteMigrations.moveEditToNewMigration'),
      fix('Accept the new checksum (repair the ledger)', 'sqliteMigrations.acceptChecksum'),
      fix('Compare with applied', 'sqliteMigrations.compareWithApplied'),
    ];
  }
}
