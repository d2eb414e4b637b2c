import type { Database } from 'sql.js';
import { tokenize, type Token } from './sqltokens';

/**
 * Which tables a migration's foreign_key_check must cover, and which foreign keys point at no table.
 * A full `PRAGMA foreign_key_check` scans every child table, which on a large database costs more
 * than the migration itself. A violation can only appear in a child table that was written or
 * rebuilt, or whose parent lost rows or keys (a delete, an update, a replace, a rebuild). Writes are
 * found in the statements and, transitively, in the triggers they fire; rebuilds in the schema's
 * changes. Over-approximating is harmless (one more table checked); missing a table is not.
 */
export interface SchemaEntry {
  readonly name: string;
  readonly type: string;
  /** type, root page and SQL: any rebuild, rename or ALTER changes it. */
  readonly identity: string;
  readonly sql: string;
}

export type SchemaSnapshot = ReadonlyMap<string, SchemaEntry>;

interface ForeignKey {
  readonly column: string;
  readonly parent: string;
}

export interface TableWrite {
  readonly table: string;
  /** A plain INSERT adds rows: it can break the table's own references, never its children's. */
  readonly insertOnly: boolean;
}

/** Foreign keys by CREATE TABLE text, per database: the same text always declares the same keys. */
const keysBySql = new WeakMap<Database, Map<string, ForeignKey[]>>();

export function snapshotSchema(db: Database): SchemaSnapshot {
  const rows = db.exec("SELECT name, type, rootpage, ifnull(sql, '') FROM main.sqlite_master WHERE type IN ('table', 'view')");
  const entries = rows.length ? rows[0].values : [];
  return new Map(entries.map(([name, type, root, sql]) => [
    String(name).toLowerCase(),
    { name: String(name), type: String(type), identity: `${type} ${root} ${sql}`, sql: String(sql) },
  ]));
}

/** Foreign keys whose parent table does not exist: invisible to foreign_key_check while the child is empty. */
export function danglingReferences(db: Database, schema: SchemaSnapshot): string[] {
  const out: string[] = [];
  for (const table of schema.values()) {
    for (const key of foreignKeysOf(db, table)) {
      if (schema.get(key.parent.toLowerCase())?.type !== 'table') out.push(`${table.name}.${key.column} references ${key.parent}`);
    }
  }
  return out;
}

export function foreignKeyScope(db: Database, before: SchemaSnapshot, after: SchemaSnapshot, statements: readonly string[]): string[] {
  const changed = changedTables(before, after);
  const writes = [...statements.flatMap(tableWrites), ...triggerWrites(db, statements.flatMap(tableWrites))];
  const written = new Set([...changed, ...writes.map((w) => w.table)]);
  const lostRows = new Set([...changed, ...writes.filter((w) => !w.insertOnly).map((w) => w.table)]);
  const children: string[] = [];
  for (const [lower, table] of after) {
    const keys = foreignKeysOf(db, table);
    if (keys.length && (written.has(lower) || keys.some((k) => lostRows.has(k.parent.toLowerCase())))) children.push(table.name);
  }
  return children;
}

function foreignKeysOf(db: Database, table: SchemaEntry): ForeignKey[] {
  if (table.type !== 'table') return [];
  let memo = keysBySql.get(db);
  if (!memo) keysBySql.set(db, (memo = new Map()));
  let keys = memo.get(table.sql);
  if (!keys) {
    const rows = db.exec(`SELECT "from", "table" FROM pragma_foreign_key_list(?, 'main')`, [table.name]);
    keys = rows.length ? rows[0].values.map(([column, parent]) => ({ column: String(column), parent: String(parent) })) : [];
    memo.set(table.sql, keys);
  }
  return keys;
}

function changedTables(before: SchemaSnapshot, after: SchemaSnapshot): Set<string> {
  const changed = new Set<string>();
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    if (before.get(name)?.identity !== after.get(name)?.identity) changed.add(name);
  }
  return changed;
}

/** Triggers on a written table write too; follow them until nothing new is found. */
function triggerWrites(db: Database, initial: readonly TableWrite[]): TableWrite[] {
  const rows = db.exec("SELECT lower(tbl_name), sql FROM main.sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL");
  const triggers = rows.length ? rows[0].values.map(([table, sql]) => ({ table: String(table), sql: String(sql) })) : [];
  const found: TableWrite[] = [];
  const reached = new Set(initial.map((w) => w.table));
  const followed = new Set<number>();
  for (let grew = true; grew; ) {
    grew = false;
    triggers.forEach((t, i) => {
      if (followed.has(i) || !reached.has(t.table)) return;
      followed.add(i);
      for (const w of tableWrites(t.sql)) {
        found.push(w);
        reached.add(w.table);
      }
      grew = true;
    });
  }
  return found;
}

/** Lower-cased names of the tables `sql` writes, trigger bodies included. */
export function writtenTables(sql: string): string[] {
  return tableWrites(sql).map((w) => w.table);
}

/**
 * The names after `INTO`, `UPDATE [OR x]` and `DELETE FROM`, anywhere in the text. Words like `ON`
 * after `AFTER UPDATE` come along too, harmlessly. An INSERT counts as insert-only unless it is
 * `OR REPLACE` or an upsert (`DO UPDATE`), which can change or remove existing rows.
 */
export function tableWrites(sql: string): TableWrite[] {
  const words = [...tokenize(sql)].filter((t) => t.type !== 'space' && t.type !== 'comment');
  const writes: TableWrite[] = [];
  words.forEach((t, i) => {
    const word = keyword(sql, t);
    if (word === 'INTO') {
      const table = nameAt(sql, words, i + 1);
      if (table) writes.push({ table, insertOnly: plainInsert(sql, words, i) });
    } else if (word === 'UPDATE' || (word === 'FROM' && keyword(sql, words[i - 1]) === 'DELETE')) {
      const table = nameAt(sql, words, word === 'UPDATE' && keyword(sql, words[i + 1]) === 'OR' ? i + 3 : i + 1);
      if (table) writes.push({ table, insertOnly: false });
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

/** The table name at `i`, or after `schema.` when the name is qualified. */
function nameAt(sql: string, words: readonly Token[], i: number): string | undefined {
  const first = words[i];
  if (!first) return undefined;
  const dot = words[i + 1];
  const qualified = dot && dot.type === 'punct' && sql[dot.start] === '.' && words[i + 2];
  return identifier(sql, qualified ? words[i + 2] : first)?.toLowerCase();
}

function keyword(sql: string, t: Token | undefined): string | undefined {
  return t && t.type === 'word' ? sql.slice(t.start, t.end).toUpperCase() : undefined;
}

function identifier(sql: string, t: Token): string | undefined {
  const raw = sql.slice(t.start, t.end);
  if (t.type === 'word') return raw;
  if (t.type !== 'ident' && t.type !== 'string') return undefined;
  const close = raw[0] === '[' ? ']' : raw[0];
  return raw.slice(1, raw.endsWith(close) ? -1 : undefined).split(close + close).join(close);
}
