// Which virtual-table modules a piece of SQL needs: `CREATE VIRTUAL TABLE name USING module(...)`.
import { identifier, isPunct, tokenize, type Token } from './tokens';

export interface VirtualTable {
  /** Lower-cased table name. */
  readonly table: string;
  /** Lower-cased module name: fts5, rtree, ... */
  readonly module: string;
  /** 1-based line of CREATE. */
  readonly line: number;
}

export function virtualTables(sql: string): VirtualTable[] {
  const words = [...tokenize(sql)].filter((t) => t.type !== 'space' && t.type !== 'comment');
  const found: VirtualTable[] = [];
  words.forEach((t, i) => {
    if (word(sql, t) !== 'CREATE' || word(sql, words[i + 1]) !== 'VIRTUAL' || word(sql, words[i + 2]) !== 'TABLE') return;
    let at = i + 3;
    if (word(sql, words[at]) === 'IF') at += 3;
    if (isPunct(sql, words[at + 1], '.')) at += 2;
    const table = identifier(sql, words[at]);
    const module = word(sql, words[at + 1]) === 'USING' ? identifier(sql, words[at + 2]) : undefined;
    if (table && module) found.push({ table: table.toLowerCase(), module: module.toLowerCase(), line: t.line });
  });
  return found;
}

function word(sql: string, t: Token | undefined): string | undefined {
  return t && t.type === 'word' ? sql.slice(t.start, t.end).toUpperCase() : undefined;
}
