import { column, type Connection } from '../engine/connection';
import { tableWrites, type TableWrite } from '../sql/writes';

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
  /** Type and root page: a new table, a rebuild or a rename changes it; an ALTER ... ADD/RENAME/DROP COLUMN does not. */
  readonly storage: string;
  readonly sql: string;
}

export type SchemaSnapshot = ReadonlyMap<string, SchemaEntry>;

interface ForeignKey {
  readonly column: string;
  readonly parent: string;
  /** The parent column referenced; null: the parent's primary key. */
  readonly to: string | null;
}

/** Names that always mean the rowid, which an INTEGER PRIMARY KEY aliases. */
const ROWID = ['rowid', 'oid', '_rowid_'];

/** Foreign keys by CREATE TABLE text, per database: the same text always declares the same keys. */
const keysBySql = new WeakMap<Connection, Map<string, ForeignKey[]>>();

/** The tables and views as they are now, with their foreign keys read while the tables still exist. */
export function snapshotSchema(db: Connection): SchemaSnapshot {
  const entries = db.all("SELECT name, type, rootpage, ifnull(sql, '') FROM main.sqlite_master WHERE type IN ('table', 'view')");
  const schema = new Map(entries.map(([name, type, root, sql]): [string, SchemaEntry] => [
    String(name).toLowerCase(),
    { name: String(name), type: String(type), storage: `${type} ${root}`, sql: String(sql) },
  ]));
  for (const table of schema.values()) foreignKeysOf(db, table);
  return schema;
}

/** A foreign key whose parent table does not exist: invisible to foreign_key_check while the child is empty. */
export interface DanglingReference {
  readonly table: string;
  readonly column: string;
  readonly parent: string;
}

export function danglingReferences(db: Connection, schema: SchemaSnapshot): DanglingReference[] {
  const out: DanglingReference[] = [];
  for (const table of schema.values()) {
    for (const key of foreignKeysOf(db, table)) {
      if (schema.get(key.parent.toLowerCase())?.type !== 'table') out.push({ table: table.name, column: key.column, parent: key.parent });
    }
  }
  return out;
}

export function danglingText(d: DanglingReference): string {
  return `${d.table}.${d.column} references ${d.parent}`;
}

/**
 * Whether a dangling reference used to name another table that existed: an ALTER TABLE ... RENAME
 * repointed it (the rename-first rebuild), which breaks a working schema. A reference to a table that
 * was never there (one a later migration creates) or was dropped is what SQLite itself allows.
 */
export function wasRepointed(db: Connection, before: SchemaSnapshot, d: DanglingReference): boolean {
  const was = before.get(d.table.toLowerCase());
  if (!was) return false;
  return foreignKeysOf(db, was).some((k) => k.column.toLowerCase() === d.column.toLowerCase()
    && k.parent.toLowerCase() !== d.parent.toLowerCase() && before.get(k.parent.toLowerCase())?.type === 'table');
}

/** Tables added, dropped, renamed or rebuilt: their rows are new, so everything referring to them is checked. */
export function rebuiltTables(before: SchemaSnapshot, after: SchemaSnapshot): Set<string> {
  const rebuilt = new Set<string>();
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    if (before.get(name)?.storage !== after.get(name)?.storage) rebuilt.add(name);
  }
  return rebuilt;
}

export function foreignKeyScope(db: Connection, before: SchemaSnapshot, after: SchemaSnapshot, statements: readonly string[]): string[] {
  const changed = rebuiltTables(before, after);
  const rekeyed = alteredKeys(db, before, after);
  const direct = statements.flatMap(tableWrites);
  const writes = [...direct, ...triggerWrites(db, direct)];
  const keyColumns = new Map<string, string[]>();
  const referenced = (key: ForeignKey): string[] => {
    // Assigning the rowid moves an INTEGER PRIMARY KEY too, whatever the key is called.
    if (key.to) return [key.to.toLowerCase(), ...ROWID];
    const parent = key.parent.toLowerCase();
    if (!keyColumns.has(parent)) keyColumns.set(parent, [...primaryKey(db, after.get(parent)), ...ROWID]);
    return keyColumns.get(parent)!;
  };
  const children: string[] = [];
  for (const [lower, table] of after) {
    const keys = foreignKeysOf(db, table);
    if (keys.length === 0) continue;
    const own = changed.has(lower) || rekeyed.has(lower) || writes.some((w) => w.table === lower && touches(w, keys.map((k) => k.column.toLowerCase()), true));
    const parents = keys.some((k) => changed.has(k.parent.toLowerCase()) || writes.some((w) => w.table === k.parent.toLowerCase() && touches(w, referenced(k), false)));
    if (own || parents) children.push(table.name);
  }
  return children;
}

/**
 * Whether a write can break a reference through `columns`: on the child side (`child`), new rows
 * or changed foreign-key columns; on the parent side, removed rows or changed referenced keys.
 */
function touches(w: TableWrite, columns: readonly string[], child: boolean): boolean {
  switch (w.kind) {
    case 'upsert':
      return true;
    case 'insert':
      return child;
    case 'delete':
      return !child;
    case 'update':
      return !w.columns || w.columns.some((c) => columns.includes(c));
  }
}

function primaryKey(db: Connection, table: SchemaEntry | undefined): string[] {
  if (!table) return [];
  return column(db, "SELECT lower(name) FROM pragma_table_info(?, 'main') WHERE pk > 0", [table.name]).map(String);
}

function foreignKeysOf(db: Connection, table: SchemaEntry): ForeignKey[] {
  if (table.type !== 'table') return [];
  let memo = keysBySql.get(db);
  if (!memo) keysBySql.set(db, (memo = new Map()));
  let keys = memo.get(table.sql);
  if (!keys) {
    const rows = db.all(`SELECT "from", "table", "to" FROM pragma_foreign_key_list(?, 'main')`, [table.name]);
    keys = rows.map(([from, parent, to]) => ({ column: String(from), parent: String(parent), to: to === null ? null : String(to) }));
    memo.set(table.sql, keys);
  }
  return keys;
}

/**
 * Tables altered in place whose own foreign keys changed (ADD COLUMN ... REFERENCES fills existing rows
 * with the default): their rows are checked. Other in-place ALTERs keep every row's keys as they were.
 */
function alteredKeys(db: Connection, before: SchemaSnapshot, after: SchemaSnapshot): Set<string> {
  const rekeyed = new Set<string>();
  for (const [name, now] of after) {
    const was = before.get(name);
    if (!was || was.storage !== now.storage || was.sql === now.sql) continue;
    if (JSON.stringify(foreignKeysOf(db, was)) !== JSON.stringify(foreignKeysOf(db, now))) rekeyed.add(name);
  }
  return rekeyed;
}

/** Triggers on a written table write too; follow them until nothing new is found. */
export function triggerWrites(db: Connection, initial: readonly TableWrite[]): TableWrite[] {
  const rows = db.all("SELECT lower(tbl_name), sql FROM main.sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL");
  const triggers = rows.map(([table, sql]) => ({ table: String(table), sql: String(sql) }));
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
