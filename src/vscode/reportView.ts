import * as vscode from 'vscode';
import { page, type Report } from './reportHtml';

export const REPORT_VIEW_TYPE = 'sqliteMigrations.report';

/**
 * One read-only report view (a webview panel) for Dry Run and Verify: running either again replaces the
 * content in place, so there is never a pile of untitled documents or a "Save?" prompt on close.
 */
export class ReportView implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private shown?: Report;

  show(report: Report): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        REPORT_VIEW_TYPE,
        report.title,
        { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
        { enableScripts: false, enableFindWidget: true },
      );
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.shown = undefined;
      });
    }
    this.panel.title = report.title;
    this.panel.webview.html = page(report, this.panel.webview.cspSource);
    this.shown = report;
    this.panel.reveal(undefined, false);
  }

  /** The report on screen, for tests: its title and body HTML. */
  get current(): Report | undefined {
    return this.shown;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
