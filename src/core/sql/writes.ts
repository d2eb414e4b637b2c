// Which tables a piece of SQL writes, and how, read from its tokens: what a foreign-key check must cover.
import { identifier, isPunct, keyword, significant, type Token } from './tokens';

export interface TableWrite {
  /** Lower-cased table name. */
  readonly table: string;
  /**
   * insert: only adds rows; delete: only removes them; update: changes `columns` (all of them when
   * unknown); upsert: an INSERT or UPDATE that may also replace or change existing rows.
   */
  readonly kind: 'insert' | 'delete' | 'update' | 'upsert';
  readonly columns?: readonly string[];
}

const CLAUSE_END = new Set(['WHERE', 'FROM', 'RETURNING', 'ORDER', 'LIMIT']);

/** Lower-cased names of the tables `sql` writes, trigger bodies included. */
export function writtenTables(sql: string): string[] {
  return tableWrites(sql).map((w) => w.table);
}

/**
 * The names after `INTO`, `UPDATE [OR x]` and `DELETE FROM`, anywhere in the text. Words like `ON`
 * after `AFTER UPDATE` come along too, harmlessly: over-reporting costs one more check, never a miss.
 */
export function tableWrites(sql: string): TableWrite[] {
  const words = significant(sql);
  const writes: TableWrite[] = [];
  words.forEach((t, i) => {
    const word = keyword(sql, t);
    if (word === 'INTO') {
      const table = nameAt(sql, words, i + 1);
      if (table) writes.push({ table, kind: plainInsert(sql, words, i) ? 'insert' : 'upsert' });
    } else if (word === 'UPDATE') {
      const or = keyword(sql, words[i + 1]) === 'OR';
      const table = nameAt(sql, words, or ? i + 3 : i + 1);
      const replaces = or && keyword(sql, words[i + 2]) === 'REPLACE';
      if (table) writes.push(replaces ? { table, kind: 'upsert' } : { table, kind: 'update', columns: assignedColumns(sql, words, i) });
    } else if (word === 'FROM' && keyword(sql, words[i - 1]) === 'DELETE') {
      const table = nameAt(sql, words, i + 1);
      if (table) writes.push({ table, kind: 'delete' });
    }
  });
  return writes;
}

/** Whether the statement around the `INTO` at `into` only adds rows. */
function plainInsert(sql: string, words: readonly Token[], into: number): boolean {
  let start = into;
  while (start > 0 && words[start - 1].type !== 'semi' && keyword(sql, words[start]) !== 'INSERT') start--;
  let end = into;
  while (end < words.length && words[end].type !== 'semi') end++;
  const statement = words.slice(start, end).map((w) => keyword(sql, w));
  if (statement[0] !== 'INSERT') return false;
  return !statement.includes('REPLACE') && !statement.some((w, i) => w === 'DO' && statement[i + 1] === 'UPDATE');
}

/**
 * The lower-cased columns an UPDATE's SET clause assigns (`a = ...`, `(a, b) = ...`), or undefined
 * when there is no SET clause where one is expected.
 */
function assignedColumns(sql: string, words: readonly Token[], update: number): string[] | undefined {
  let i = update + 1;
  while (i < words.length && keyword(sql, words[i]) !== 'SET' && words[i].type !== 'semi') i++;
  if (keyword(sql, words[i]) !== 'SET') return undefined;
  const columns: string[] = [];
  let depth = 0;
  let group: string[] = [];
  for (i++; i < words.length && words[i].type !== 'semi'; i++) {
    const t = words[i];
    if (depth === 0 && CLAUSE_END.has(keyword(sql, t) ?? '')) break;
    if (isPunct(sql, t, '(')) {
      if (depth++ === 0) group = [];
    } else if (isPunct(sql, t, ')')) {
      if (--depth === 0 && isPunct(sql, words[i + 1], '=')) columns.push(...group);
    } else if (depth === 1 && (t.type === 'word' || t.type === 'ident')) {
      group.push(identifier(sql, t)!.toLowerCase());
    } else if (depth === 0 && isPunct(sql, words[i + 1], '=') && (t.type === 'word' || t.type === 'ident')) {
      columns.push(identifier(sql, t)!.toLowerCase());
    }
  }
  return columns.length ? columns : undefined;
}

/** The table name at `i`, or after `schema.` when the name is qualified. */
function nameAt(sql: string, words: readonly Token[], i: number): string | undefined {
  const first = words[i];
  if (!first) return undefined;
  const qualified = isPunct(sql, words[i + 1], '.') && words[i + 2];
  return identifier(sql, qualified ? words[i + 2] : first)?.toLowerCase();
}

