import type { Connection } from '../engine/connection';

// A database's schema as the statements that recreate it, in an order that does not depend on when
// objects were created, so two dumps of the same schema are the same text and a change is a small diff.

export type ObjectType = 'table' | 'index' | 'view' | 'trigger';

export interface SchemaObject {
  readonly type: ObjectType;
  readonly name: string;
  /** The table an index or trigger belongs to (a view or table: itself). */
  readonly table: string;
  /** SQLite's own text of the CREATE statement, line endings as LF. */
  readonly sql: string;
  /** A table's columns as pragma_table_xinfo reads them, so drift can name the column that differs. */
  readonly columns?: readonly ColumnInfo[];
}

export interface ColumnInfo {
  readonly name: string;
  /** Type and constraints in words, e.g. "TEXT NOT NULL DEFAULT 'x'". */
  readonly definition: string;
}

/** Tables that are not the user's schema: the ledger is the runner's, `_litestream_*` is Litestream's. */
const LEDGER_TABLES = new Set(['schema_migrations', 'schema_migrations_sql']);

export function isForeignObject(name: string, table: string): boolean {
  const lower = [name.toLowerCase(), table.toLowerCase()];
  return lower.some((n) => LEDGER_TABLES.has(n) || n.startsWith('_litestream_') || n.startsWith('sqlite_'));
}

/** Shadow tables a virtual table creates for itself; CREATE VIRTUAL TABLE recreates them. */
const SHADOW_SUFFIXES = ['_data', '_idx', '_content', '_docsize', '_config', '_segments', '_segdir', '_stat', '_node', '_rowid', '_parent'];

/** Every object of the user's schema in `main`, in dump order: tables, indexes, views (dependencies first), triggers. */
export function dumpSchema(db: Connection): SchemaObject[] {
  const rows = db.all("SELECT type, name, tbl_name, sql FROM main.sqlite_master WHERE sql IS NOT NULL AND type IN ('table', 'index', 'view', 'trigger')");
  const all = rows
    .map((r) => ({ type: String(r[0]) as ObjectType, name: String(r[1]), table: String(r[2]), sql: String(r[3]).replace(/\r\n?/g, '\n') }))
    .filter((o) => !isForeignObject(o.name, o.table));
  const virtual = all.filter((o) => o.type === 'table' && /^CREATE\s+VIRTUAL\s+TABLE/i.test(o.sql)).map((o) => o.name.toLowerCase());
  const shadow = (name: string) => virtual.some((v) => SHADOW_SUFFIXES.some((s) => name.toLowerCase() === v + s));
  const objects = all.filter((o) => !(o.type === 'table' && shadow(o.name)));
  const byName = (a: SchemaObject, b: SchemaObject) => compare(a.table, b.table) || compare(a.name, b.name);
  const tables = objects.filter((o) => o.type === 'table').sort(byName).map((t) => ({ ...t, columns: tableColumns(db, t.name) }));
  const indexes = objects.filter((o) => o.type === 'index').sort(byName);
  const views = viewsInOrder(objects.filter((o) => o.type === 'view'));
  const triggers = objects.filter((o) => o.type === 'trigger').sort(byName);
  return [...tables, ...indexes, ...views, ...triggers];
}

/** Lower case first, then exact: the same order on every engine and platform. */
function compare(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A view is created after the views it reads from; otherwise by name. */
function viewsInOrder(views: SchemaObject[]): SchemaObject[] {
  const sorted = [...views].sort((a, b) => compare(a.name, b.name));
  const done = new Set<string>();
  const out: SchemaObject[] = [];
  const uses = (v: SchemaObject, other: SchemaObject) => other !== v && mentions(v.sql, other.name);
  while (out.length < sorted.length) {
    const next = sorted.find((v) => !done.has(v.name) && sorted.every((o) => done.has(o.name) || !uses(v, o)))
      // A cycle cannot be created in SQLite, but a name in a string literal could look like one: keep going by name.
      ?? sorted.find((v) => !done.has(v.name));
    if (!next) break;
    done.add(next.name);
    out.push(next);
  }
  return out;
}

function mentions(sql: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w$])["\`\\[]?${escaped}["\`\\]]?($|[^\\w$])`, 'i').test(sql);
}

function tableColumns(db: Connection, table: string): ColumnInfo[] {
  try {
    // hidden: 0 ordinary, 1 a virtual table's hidden column, 2 and 3 generated (virtual, stored).
    const rows = db.all('SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid', [table]);
    return rows.map((r) => ({ name: String(r[0]), definition: columnWords(r) }));
  } catch {
    // A virtual table whose module this engine lacks cannot be described; its SQL text still compares.
    return [];
  }
}

function columnWords(r: readonly unknown[]): string {
  const words: string[] = [String(r[1] ?? '') || 'no type'];
  if (Number(r[2])) words.push('NOT NULL');
  if (r[3] !== null && r[3] !== undefined) words.push(`DEFAULT ${String(r[3])}`);
  if (Number(r[4])) words.push('PRIMARY KEY');
  const hidden = Number(r[5]);
  if (hidden === 2) words.push('GENERATED VIRTUAL');
  if (hidden === 3) words.push('GENERATED STORED');
  return words.join(' ');
}

/** What the schema file's header names: the applied migration with the highest sequence. */
export interface SchemaHead {
  readonly version: string;
  readonly name: string;
}

/** The schema as a file: a header comment, then one statement per object, each ending in `;`. */
export function renderSchema(objects: readonly SchemaObject[], head: SchemaHead | null): string {
  const header = [
    head ? `-- Schema produced by the applied migrations, up to version ${head.version} (${head.name}).` : '-- Schema produced by the applied migrations: none applied yet.',
    '-- Generated by sqlite-migrations ("sqlite-migrations schema"); edit the migrations, not this file.',
  ];
  // SQLite keeps a comment that ends the statement's text: the semicolon then goes on a line of its own.
  const body = objects.map((o) => {
    const sql = o.sql.trimEnd();
    return /--[^\n]*$/.test(sql) ? `${sql}\n;\n` : `${sql};\n`;
  });
  return [header.join('\n') + '\n', ...body].join('\n');
}

/** The version named in a schema file's header, or undefined. */
export function schemaFileVersion(text: string): string | undefined {
  return /^-- Schema produced by the applied migrations, up to version (\S+) /m.exec(text)?.[1];
}
