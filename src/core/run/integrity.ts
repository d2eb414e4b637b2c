import { column, type Connection } from '../engine/connection';

/** One named check and what it found. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** The check could not run (the detail says why): it fails nothing, and passes nothing either. */
  readonly skipped?: boolean;
}

/**
 * The file-level checks run before a migration reads a database and before new bytes replace it:
 * SQLite's own integrity check, foreign keys, and that nothing else is attached.
 */
export function checkIntegrity(db: Connection, keysBefore?: readonly Violation[]): CheckResult[] {
  return [integrityCheck(db), foreignKeyCheck(db, keysBefore), onlyMainAttached(db)];
}

export function integrityCheck(db: Connection): CheckResult {
  return pragmaCheck(db, 'integrity_check');
}

/** integrity_check without the index-content cross-checks: linear in the file size, for large files. */
export function quickCheck(db: Connection): CheckResult {
  return pragmaCheck(db, 'quick_check');
}

function pragmaCheck(db: Connection, name: 'integrity_check' | 'quick_check'): CheckResult {
  const found = column(db, `PRAGMA ${name}`).map(String);
  const messages = found.length ? found : ['no answer'];
  const ok = messages.length === 1 && messages[0] === 'ok';
  return { name, ok, detail: ok ? 'ok' : messages.slice(0, 10).join('; ') };
}

/**
 * All of PRAGMA foreign_key_check. With `before` (the violations a run started with), only rows beyond
 * those count: a migration is judged on what it adds, and old orphan rows stay a failure of `verify` alone.
 */
export function foreignKeyCheck(db: Connection, before?: readonly Violation[]): CheckResult {
  const all = foreignKeyRows(db);
  const added = before ? beyond(all, before) : all;
  const kept = all.length - added.length;
  const old = kept ? ` (${kept} older violation${kept === 1 ? '' : 's'} as before)` : '';
  return {
    name: 'foreign_key_check',
    ok: added.length === 0,
    detail: added.length === 0 ? `no ${before ? 'new ' : ''}violations${old}` : added.slice(0, 10).map(violationText).join('; '),
  };
}

/** One row of PRAGMA foreign_key_check: a child row whose parent row (or parent table) is missing. */
export interface Violation {
  readonly table: string;
  readonly rowid: unknown;
  readonly parent: string;
}

/** `PRAGMA foreign_key_check` rows as readable text: "tasks rowid 3 references missing projects row"; all tables, or the given ones. */
export function foreignKeyViolations(db: Connection, tables?: readonly string[]): string[] {
  return foreignKeyRows(db, tables).map(violationText);
}

export function foreignKeyRows(db: Connection, tables?: readonly string[]): Violation[] {
  const rows = tables ? tables.flatMap((t) => db.all('SELECT * FROM main.pragma_foreign_key_check(?)', [t])) : db.all('PRAGMA foreign_key_check');
  return rows.map(([table, rowid, parent]) => ({ table: String(table), rowid, parent: String(parent) }));
}

export function violationText(v: Violation): string {
  return `${v.table} rowid ${v.rowid} references missing ${v.parent} row`;
}

/** "tasks: 3 rows (missing projects rows)", per child table and parent, for a warning. */
export function violationCounts(rows: readonly Violation[]): string {
  return [...countBy(rows)].map(([key, n]) => {
    const [table, parent] = key.split('\u0000');
    return `${table}: ${n} row${n === 1 ? '' : 's'} (missing ${parent} rows)`;
  }).join(', ');
}

/**
 * Rows of `after` that `before` did not have. The same row (table, rowid, parent) is the same violation;
 * in a table for which `byCount` is true (all, or a rebuilt one, whose rowids may have changed) an
 * old violation of the same child table and parent also counts as the same.
 */
export function beyond(after: readonly Violation[], before: readonly Violation[], byCount: (table: string) => boolean = () => true): Violation[] {
  const exact = new Map<string, number>();
  for (const v of before) exact.set(rowKey(v), (exact.get(rowKey(v)) ?? 0) + 1);
  const unmatched = after.filter((v) => {
    const n = exact.get(rowKey(v)) ?? 0;
    if (n > 0) exact.set(rowKey(v), n - 1);
    return n === 0;
  });
  // What is left of `before` after the exact matches may still account for a rebuilt table's rows.
  const allowed = new Map<string, number>();
  for (const v of before) {
    const n = exact.get(rowKey(v)) ?? 0;
    if (n > 0) {
      exact.set(rowKey(v), n - 1);
      allowed.set(pairKey(v), (allowed.get(pairKey(v)) ?? 0) + 1);
    }
  }
  return unmatched.filter((v) => {
    const left = byCount(v.table) ? allowed.get(pairKey(v)) ?? 0 : 0;
    if (left > 0) allowed.set(pairKey(v), left - 1);
    return left === 0;
  });
}

function rowKey(v: Violation): string {
  return `${pairKey(v)}\u0000${String(v.rowid)}`;
}

function pairKey(v: Violation): string {
  return `${v.table}\u0000${v.parent}`;
}

function countBy(rows: readonly Violation[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of rows) counts.set(pairKey(v), (counts.get(pairKey(v)) ?? 0) + 1);
  return counts;
}

function onlyMainAttached(db: Connection): CheckResult {
  const names = db.all('PRAGMA database_list').map((r) => String(r[1]));
  // 'temp' is SQLite's own per-connection schema, present once anything touched it; only ATTACH adds others.
  const extra = names.filter((n) => n !== 'main' && n !== 'temp');
  return {
    name: 'attached_databases',
    ok: extra.length === 0,
    detail: extra.length === 0 ? 'only main' : `also attached: ${extra.join(', ')}`,
  };
}
