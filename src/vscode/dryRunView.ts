import * as vscode from 'vscode';
import type { OperationResult } from '../core/engine';
import { engineLabel } from '../core/engine/facts';

/** Opens the dry-run report as a read-only Markdown document beside the editor. */
export async function showDryRun(folderName: string, r: OperationResult): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: dryRunMarkdown(folderName, r) });
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  return doc;
}

export function dryRunMarkdown(folderName: string, r: OperationResult): string {
  const d = r.dryRun;
  const copy = r.engine === 'native' ? 'a temporary copy made with SQLite\'s backup API' : 'an in-memory copy';
  const lines = [`# Dry run: ${folderName}`, '', `Ran on ${copy} by the ${engineLabel(r.engine)} engine; the database file was not changed.`, ''];
  if (!d || d.outcomes.length === 0) return [...lines, 'Nothing to apply: the database is up to date.', ''].join('\n');
  lines.push('| Migration | Version | Result | Time |', '|---|---|---|---|');
  for (const o of d.outcomes) {
    const result = o.ok ? 'ok' : `**failed**: ${o.error?.message.replace(/\|/g, '\\|') ?? ''}`;
    lines.push(`| ${o.name} | ${o.version} | ${result} | ${o.executionTimeMs} ms |`);
  }
  lines.push('');
  if (d.tablesCreated.length) lines.push(`Tables created: ${d.tablesCreated.join(', ')}`, '');
  if (d.tablesDropped.length) lines.push(`Tables dropped: ${d.tablesDropped.join(', ')}`, '');
  lines.push('| Table | Rows before | Rows after |', '|---|---|---|');
  for (const c of d.rowCounts) lines.push(`| ${c.table} | ${c.before} | ${c.after} |`);
  return lines.join('\n') + '\n';
}
