// Whether a down file undoes its up file: the schema after up-then-down must be the schema before up. A rollback
// in production relies on exactly this, and a left-over index or column is easy to miss by reading the files.
import type { Connection } from '../engine/connection';

/** One schema object as sqlite_schema holds it, SQL normalised, and for a table its columns. */
interface SchemaObject {
  readonly type: string;
  readonly name: string;
  readonly sql: string;
  readonly columns: readonly string[];
}

export type SchemaImage = ReadonlyMap<string, SchemaObject>;

/** The runner's own tables change with every migration by design; they are not the user's schema. */
const LEDGER = new Set(['schema_migrations', 'schema_migrations_sql']);

export function schemaImage(db: Connection): SchemaImage {
  const image = new Map<string, SchemaObject>();
  const rows = db.all("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name");
  for (const [type, name, table, sql] of rows) {
    if (LEDGER.has(String(table).toLowerCase())) continue;
    const columns = type === 'table' ? db.all('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)', [String(name)]).map((c) => c.map(String).join(' ')) : [];
    image.set(`${String(type)} ${String(name)}`, { type: String(type), name: String(name), sql: normalise(sql === null ? '' : String(sql)), columns });
  }
  return image;
}

/**
 * Whitespace is layout, not schema: "CREATE TABLE t(a)" written on three lines is the same table. A rebuild's
 * ALTER TABLE ... RENAME writes the name quoted ("tasks"), which is the same table too.
 */
function normalise(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').replace(/\s*([(),])\s*/g, '$1').trim();
  return flat.replace(/^(CREATE (?:TEMP |TEMPORARY )?(?:UNIQUE )?(?:VIRTUAL )?(?:TABLE|INDEX|TRIGGER|VIEW) (?:IF NOT EXISTS )?)(?:"([^"]*)"|`([^`]*)`|\[([^\]]*)\])/i, (_, head: string, a?: string, b?: string, c?: string) => head + (a ?? b ?? c ?? ''));
}

/** Where two definitions part, a few words of each: enough to see the difference without reading both whole. */
function firstDifference(before: string, after: string): string {
  let i = 0;
  while (i < before.length && before[i] === after[i]) i++;
  const from = Math.max(0, i - 20);
  const part = (s: string) => (from > 0 ? '...' : '') + s.slice(from, i + 40) + (s.length > i + 40 ? '...' : '');
  return `before: ${part(before)}; after: ${part(after)}`;
}

/** Each difference in plain words, e.g. "003_x.down.sql leaves index idx_y". Empty: the down file undoes the up file. */
export function schemaDifferences(before: SchemaImage, after: SchemaImage, downLabel: string): string[] {
  const out: string[] = [];
  for (const [key, obj] of after) {
    const old = before.get(key);
    if (!old) {
      out.push(`${downLabel} leaves ${obj.type} ${obj.name}`);
    } else if (old.sql !== obj.sql) {
      const added = obj.columns.filter((c) => !old.columns.some((o) => o.split(' ')[0] === c.split(' ')[0])).map((c) => c.split(' ')[0]);
      const removed = old.columns.filter((c) => !obj.columns.some((o) => o.split(' ')[0] === c.split(' ')[0])).map((c) => c.split(' ')[0]);
      for (const c of added) out.push(`${downLabel} leaves column ${obj.name}.${c}`);
      for (const c of removed) out.push(`${downLabel} does not restore column ${obj.name}.${c}`);
      if (!added.length && !removed.length) out.push(`${downLabel} leaves ${obj.type} ${obj.name} defined differently (${firstDifference(old.sql, obj.sql)})`);
    }
  }
  for (const [key, obj] of before) {
    if (!after.has(key)) out.push(`${downLabel} does not restore ${obj.type} ${obj.name} (it existed before the up file ran)`);
  }
  return out;
}
