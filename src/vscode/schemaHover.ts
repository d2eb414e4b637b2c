import * as vscode from 'vscode';
import { columnLine, type TableInfo } from '../core/lint/schemaInfo';
import type { LintDiagnostics } from './lintDiagnostics';

const WORD = /[A-Za-z_][A-Za-z0-9_$]*/;

/**
 * Hover and completion on a migration's table and column names, from the schema the migrations before it leave
 * (what the SQL checks built): a table shows its CREATE statement, a column its definition.
 */
export class SchemaHover implements vscode.HoverProvider, vscode.CompletionItemProvider {
  constructor(private readonly lint: Pick<LintDiagnostics, 'schemaFor'>) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const range = doc.getWordRangeAtPosition(pos, WORD);
    if (!range) return undefined;
    const schema = await this.lint.schemaFor(doc);
    const text = schema && hoverText(schema, doc.getText(range), qualifier(doc, range.start));
    return text ? new vscode.Hover(text, range) : undefined;
  }

  async provideCompletionItems(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.CompletionItem[]> {
    const schema = await this.lint.schemaFor(doc);
    if (!schema) return [];
    const word = doc.getWordRangeAtPosition(pos, WORD);
    const owner = qualifier(doc, word?.start ?? pos);
    if (owner !== undefined) {
      const table = findTable(schema, owner);
      return table ? table.columns.map((c) => columnItem(table, c)) : [];
    }
    return [...schema.map(tableItem), ...schema.flatMap((t) => t.columns.map((c) => columnItem(t, c)))];
  }
}

/** The name before a "." right before `at` ("task" in "task.ti|"), if there is one. */
function qualifier(doc: vscode.TextDocument, at: vscode.Position): string | undefined {
  const before = doc.lineAt(at.line).text.slice(0, at.character);
  return /([A-Za-z_][A-Za-z0-9_$]*)\.$/.exec(before)?.[1];
}

function findTable(schema: readonly TableInfo[], name: string): TableInfo | undefined {
  return schema.find((t) => t.name.toLowerCase() === name.toLowerCase());
}

export function hoverText(schema: readonly TableInfo[], word: string, owner?: string): vscode.MarkdownString | undefined {
  const table = owner === undefined ? findTable(schema, word) : undefined;
  if (table) {
    const md = new vscode.MarkdownString(`**${table.kind} ${table.name}**, as the earlier migrations leave it:`);
    md.appendCodeblock(table.sql, 'sql');
    return md;
  }
  const tables = owner === undefined ? schema : schema.filter((t) => t.name.toLowerCase() === owner.toLowerCase());
  const hits = tables.flatMap((t) => t.columns.filter((c) => c.name.toLowerCase() === word.toLowerCase()).map((c) => ({ t, c })));
  if (!hits.length) return undefined;
  const md = new vscode.MarkdownString();
  for (const { t, c } of hits) md.appendMarkdown(`Column of **${t.name}**, as the earlier migrations leave it:\n`).appendCodeblock(columnLine(c), 'sql');
  return md;
}

function tableItem(t: TableInfo): vscode.CompletionItem {
  const item = new vscode.CompletionItem({ label: t.name, description: t.kind }, t.kind === 'view' ? vscode.CompletionItemKind.Interface : vscode.CompletionItemKind.Class);
  item.detail = `${t.kind} ${t.name} (${t.columns.map((c) => c.name).join(', ')})`;
  return item;
}

function columnItem(t: TableInfo, c: TableInfo['columns'][number]): vscode.CompletionItem {
  const item = new vscode.CompletionItem({ label: c.name, description: t.name }, vscode.CompletionItemKind.Field);
  item.detail = `${t.name}.${columnLine(c)}`;
  return item;
}
