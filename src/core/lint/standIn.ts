// A virtual table whose module the SQLite running the checks lacks (sql.js has neither fts5 nor rtree) cannot be
// created there, and every later statement that names it would fail too: false errors on a valid migration. An
// ordinary table with the virtual table's columns, and the hidden columns its module adds, takes its place, so those
// statements are still checked (a trigger that keeps an FTS index in step, an INSERT of 'rebuild').
import { virtualTableAt } from '../sql/modules';
import { identifier, isPunct, significant, type Token } from '../sql/tokens';

export interface StandIn {
  /** The virtual table's name as written (unquoted). */
  readonly table: string;
  /** Lower-cased module name. */
  readonly module: string;
  /** CREATE TABLE for the ordinary table standing in for it. */
  readonly sql: string;
}

/** Columns a module adds that statements may name: FTS's column named after the table (its commands), docid, rank. */
const HIDDEN: Record<string, (table: string) => string[]> = {
  fts3: (table) => [table, 'docid'],
  fts4: (table) => [table, 'docid'],
  fts5: (table) => [table, 'rank'],
};

/** The stand-in for a `CREATE VIRTUAL TABLE` whose module is not in `have`; undefined for any other statement. */
export function standInFor(statement: string, have: ReadonlySet<string>): StandIn | undefined {
  const words = significant(statement);
  const head = virtualTableAt(statement, words, 0);
  if (!head || have.has(head.module)) return undefined;
  const { table, schema, module } = head;
  const columns = [...new Set([...argumentColumns(statement, words.slice(head.argsAt)), ...(HIDDEN[module]?.(table) ?? [])])];
  // A table needs a column; a module whose arguments name none (spellfix1) gets one no statement will name.
  const list = (columns.length ? columns : ['stand_in']).map(quote).join(', ');
  const name = `${schema === undefined ? '' : `${quote(schema)}.`}${quote(table)}`;
  return { table, module, sql: `CREATE TABLE ${head.ifNotExists ? 'IF NOT EXISTS ' : ''}${name} (${list})` };
}

/**
 * The column names among a module's arguments: each top-level argument that is not an option (`key=value`), by its
 * first name (`body UNINDEXED`, `title TEXT`, rtree's `+aux`).
 */
function argumentColumns(statement: string, rest: readonly Token[]): string[] {
  if (!isPunct(statement, rest[0], '(')) return [];
  const columns: string[] = [];
  let depth = 0;
  let arg: Token[] = [];
  const finish = () => {
    const option = arg.some((t) => isPunct(statement, t, '='));
    const first = arg.find((t) => !isPunct(statement, t, '+'));
    const name = option ? undefined : identifier(statement, first);
    if (name) columns.push(name);
    arg = [];
  };
  for (const t of rest.slice(1)) {
    if (isPunct(statement, t, '(')) depth++;
    if (isPunct(statement, t, ')') && depth-- === 0) break;
    if (depth === 0 && isPunct(statement, t, ',')) finish();
    else arg.push(t);
  }
  finish();
  return columns;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
