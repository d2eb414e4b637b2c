import { column, type Connection } from '../engine/connection';

/** One named check and what it found. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * The file-level checks run before a migration reads a database and before new bytes replace it:
 * SQLite's own integrity check, foreign keys, and that nothing else is attached.
 */
export function checkIntegrity(db: Connection): CheckResult[] {
  return [integrityCheck(db), foreignKeyCheck(db), onlyMainAttached(db)];
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

export function foreignKeyCheck(db: Connection): CheckResult {
  const violations = foreignKeyViolations(db);
  return {
    name: 'foreign_key_check',
    ok: violations.length === 0,
    detail: violations.length === 0 ? 'no violations' : violations.slice(0, 10).join('; '),
  };
}

/** `PRAGMA foreign_key_check` rows as readable text: "tasks rowid 3 references missing projects row"; all tables, or the given ones. */
export function foreignKeyViolations(db: Connection, tables?: readonly string[]): string[] {
  const rows = tables ? tables.flatMap((t) => db.all('SELECT * FROM main.pragma_foreign_key_check(?)', [t])) : db.all('PRAGMA foreign_key_check');
  return rows.map(([table, rowid, parent]) => `${table} rowid ${rowid} references missing ${parent} row`);
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
