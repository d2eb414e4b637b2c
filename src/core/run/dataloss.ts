// What a plan would really remove, from the database as it was before and after running the plan on a
// copy: facts, not guesses from the SQL text (a rebuild that copies every row removes nothing; a DELETE
// of all seed rows removes them).
import { LEDGER_SQL_TABLE, LEDGER_TABLE } from '../ledger/ledger';

/** One table as the dry run saw it. */
export interface TableSnapshot {
  readonly rows: number;
  readonly columns: readonly string[];
}

export interface DataLoss {
  /** Tables that are gone afterwards, with the rows they held. */
  readonly tablesDropped: { readonly table: string; readonly rows: number }[];
  /** Columns gone from a table that is still there, and how many rows had a value there. */
  readonly columnsDropped: { readonly table: string; readonly columns: string[]; readonly rows: number }[];
  /** Tables still there with fewer rows. */
  readonly rowsDeleted: { readonly table: string; readonly before: number; readonly after: number }[];
}

/** The migrations' own bookkeeping is not the user's data. */
const LEDGER = new Set([LEDGER_TABLE, LEDGER_SQL_TABLE]);

export function dataLoss(before: ReadonlyMap<string, TableSnapshot>, after: ReadonlyMap<string, TableSnapshot>): DataLoss {
  const loss: DataLoss = { tablesDropped: [], columnsDropped: [], rowsDeleted: [] };
  for (const [table, was] of [...before].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (LEDGER.has(table.toLowerCase())) continue;
    const now = findTable(after, table);
    if (!now) {
      loss.tablesDropped.push({ table, rows: was.rows });
      continue;
    }
    const kept = new Set(now.columns.map((c) => c.toLowerCase()));
    const gone = was.columns.filter((c) => !kept.has(c.toLowerCase()));
    if (gone.length) loss.columnsDropped.push({ table, columns: gone, rows: Math.min(was.rows, now.rows) });
    if (now.rows < was.rows) loss.rowsDeleted.push({ table, before: was.rows, after: now.rows });
  }
  return loss;
}

/** SQLite's names are case-insensitive: a rebuild may come back as "Tasks". */
function findTable(tables: ReadonlyMap<string, TableSnapshot>, name: string): TableSnapshot | undefined {
  return tables.get(name) ?? [...tables].find(([t]) => t.toLowerCase() === name.toLowerCase())?.[1];
}

/** Whether any row or value would be gone: empty tables and columns of empty tables lose nothing. */
export function losesData(loss: DataLoss): boolean {
  return loss.tablesDropped.some((t) => t.rows > 0) || loss.columnsDropped.some((c) => c.rows > 0) || loss.rowsDeleted.length > 0;
}

/** Plain sentences, one per fact; "No data is removed." when nothing is. */
export function describeDataLoss(loss: DataLoss): string[] {
  const lines = [
    ...loss.tablesDropped.map((t) => `Drops table ${t.table} (${rows(t.rows)}).`),
    ...loss.columnsDropped.map(
      (c) => `Drops ${c.columns.length === 1 ? 'column' : 'columns'} ${c.columns.join(', ')} from ${c.table} (values in ${rows(c.rows)}).`,
    ),
    ...loss.rowsDeleted.map((d) => `Deletes ${rows(d.before - d.after)} from ${d.table} (${d.before} before, ${d.after} after).`),
  ];
  if (!losesData(loss)) lines.push('No data is removed.');
  return lines;
}

function rows(n: number): string {
  return `${n} ${n === 1 ? 'row' : 'rows'}`;
}
