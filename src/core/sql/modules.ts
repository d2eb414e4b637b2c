// Which virtual-table modules a piece of SQL needs: `CREATE VIRTUAL TABLE name USING module(...)`.
import { identifier, isPunct, keyword, significant, type Token } from './tokens';

export interface VirtualTable {
  /** Lower-cased table name. */
  readonly table: string;
  /** Lower-cased module name: fts5, rtree, ... */
  readonly module: string;
  /** 1-based line of CREATE. */
  readonly line: number;
}

export function virtualTables(sql: string): VirtualTable[] {
  const words = significant(sql);
  const found: VirtualTable[] = [];
  words.forEach((t, i) => {
    const head = virtualTableAt(sql, words, i);
    if (head) found.push({ table: head.table.toLowerCase(), module: head.module, line: t.line });
  });
  return found;
}

/** The head of a `CREATE VIRTUAL TABLE` statement, names as written (unquoted) but the module lower-cased. */
export interface VirtualTableHead {
  readonly table: string;
  readonly schema?: string;
  readonly ifNotExists: boolean;
  readonly module: string;
  /** Where the module's arguments start in `words` (at its "(", when it has any). */
  readonly argsAt: number;
}

/** `CREATE VIRTUAL TABLE [IF NOT EXISTS] [schema.]name USING module` starting at `words[i]`, else undefined. */
export function virtualTableAt(sql: string, words: readonly Token[], i: number): VirtualTableHead | undefined {
  if (keyword(sql, words[i]) !== 'CREATE' || keyword(sql, words[i + 1]) !== 'VIRTUAL' || keyword(sql, words[i + 2]) !== 'TABLE') return undefined;
  let at = i + 3;
  const ifNotExists = keyword(sql, words[at]) === 'IF';
  if (ifNotExists) at += 3;
  const schema = isPunct(sql, words[at + 1], '.') ? identifier(sql, words[at]) : undefined;
  if (schema !== undefined) at += 2;
  const table = identifier(sql, words[at]);
  const module = keyword(sql, words[at + 1]) === 'USING' ? identifier(sql, words[at + 2]) : undefined;
  if (!table || !module) return undefined;
  return { table, ...(schema === undefined ? {} : { schema }), ifNotExists, module: module.toLowerCase(), argsAt: at + 3 };
}

