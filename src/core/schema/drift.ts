import type { ColumnInfo, SchemaObject } from './dump';

// Drift: how the real database's schema differs from the one its applied migrations produce. Pure: two
// dumps in, sentences out, so both engines say the same thing.

/** Each difference in plain words, in dump order; empty when the schemas are the same. */
export function schemaDrift(database: readonly SchemaObject[], migrations: readonly SchemaObject[]): string[] {
  const key = (o: SchemaObject) => `${o.type} ${o.name.toLowerCase()}`;
  const inDb = new Map(database.map((o) => [key(o), o]));
  const inMigrations = new Map(migrations.map((o) => [key(o), o]));
  const out: string[] = [];
  for (const o of migrations) {
    const real = inDb.get(key(o));
    if (!real) out.push(`${o.type} ${o.name} is missing from the database`);
    else out.push(...objectDrift(real, o));
  }
  for (const o of database) {
    if (!inMigrations.has(key(o))) out.push(`${o.type} ${o.name} exists in the database but in no migration`);
  }
  return out;
}

/** How one object in the database differs from the migrations' object of the same name; empty when it does not. */
export function objectDrift(real: SchemaObject, wanted: SchemaObject): string[] {
  if (real.type === 'table') {
    const columns = columnDrift(real.name, real.columns ?? [], wanted.columns ?? []);
    if (columns.length) return columns;
  }
  if (normal(real.sql) === normal(wanted.sql)) return [];
  return [`${real.type} ${real.name} differs: the database has ${quote(real.sql)}, the migrations produce ${quote(wanted.sql)}`];
}

function columnDrift(table: string, real: readonly ColumnInfo[], wanted: readonly ColumnInfo[]): string[] {
  const out: string[] = [];
  const find = (list: readonly ColumnInfo[], name: string) => list.find((c) => c.name.toLowerCase() === name.toLowerCase());
  for (const c of wanted) {
    const r = find(real, c.name);
    if (!r) out.push(`column ${table}.${c.name} is missing from the database`);
    else if (r.definition !== c.definition) out.push(`column ${table}.${c.name} differs: ${r.definition} in the database, ${c.definition} in the migrations`);
  }
  for (const c of real) {
    if (!find(wanted, c.name)) out.push(`column ${table}.${c.name} exists in the database but in no migration`);
  }
  return out;
}

/** Whitespace and a trailing semicolon are not a difference. */
function normal(sql: string): string {
  return sql.replace(/\s+/g, ' ').replace(/\s*;\s*$/, '').trim();
}

function quote(sql: string): string {
  const one = normal(sql);
  return `"${one.length > 160 ? one.slice(0, 157) + '...' : one}"`;
}
