// The schema the earlier migrations leave, as the editor shows it: each table and view with its CREATE statement
// and its columns (for hover and completion). Read from the scratch database the lint leaves at that prefix.
import type { Connection } from '../engine/connection';

export interface ColumnInfo {
  readonly name: string;
  /** As declared ("" when the column has no type). */
  readonly type: string;
  readonly notNull: boolean;
  readonly primaryKey: boolean;
  readonly defaultValue: string | null;
}

export interface TableInfo {
  readonly name: string;
  readonly kind: 'table' | 'view';
  readonly sql: string;
  readonly columns: readonly ColumnInfo[];
}

export function describeSchema(db: Connection): TableInfo[] {
  const objects = db.all("SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view') AND sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
  return objects.map(([name, type, sql]) => ({
    name: String(name),
    kind: type === 'view' ? 'view' : 'table',
    sql: String(sql),
    columns: columnsOf(db, String(name)),
  }));
}

function columnsOf(db: Connection, table: string): ColumnInfo[] {
  try {
    return db.all('SELECT name, type, "notnull", pk, dflt_value FROM pragma_table_xinfo(?) WHERE hidden IN (0, 2, 3)', [table]).map(([name, type, notNull, pk, dflt]) => ({
      name: String(name),
      type: String(type ?? ''),
      notNull: Number(notNull) === 1,
      primaryKey: Number(pk) > 0,
      defaultValue: dflt === null ? null : String(dflt),
    }));
  } catch {
    // A view over something a later migration dropped cannot be described; it is listed without columns.
    return [];
  }
}

/** One line for a column, as a hover shows it: "title TEXT NOT NULL DEFAULT 'x'". */
export function columnLine(c: ColumnInfo): string {
  return [c.name, c.type, c.primaryKey ? 'PRIMARY KEY' : '', c.notNull ? 'NOT NULL' : '', c.defaultValue !== null ? `DEFAULT ${c.defaultValue}` : ''].filter(Boolean).join(' ');
}
