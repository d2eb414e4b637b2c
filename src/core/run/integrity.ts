import type { Database } from 'sql.js';

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
export function checkIntegrity(db: Database): CheckResult[] {
  return [integrityCheck(db), foreignKeyCheck(db), onlyMainAttached(db)];
}

export function integrityCheck(db: Database): CheckResult {
  const rows = db.exec('PRAGMA integrity_check');
  const messages = rows.length ? rows[0].values.map((r) => String(r[0])) : ['no answer'];
  const ok = messages.length === 1 && messages[0] === 'ok';
  return { name: 'integrity_check', ok, detail: ok ? 'ok' : messages.slice(0, 10).join('; ') };
}

export function foreignKeyCheck(db: Database): CheckResult {
  const violations = foreignKeyViolations(db);
  return {
    name: 'foreign_key_check',
    ok: violations.length === 0,
    detail: violations.length === 0 ? 'no violations' : violations.slice(0, 10).join('; '),
  };
}

/** `PRAGMA foreign_key_check` rows as readable text: "tasks rowid 3 references missing projects row"; all tables, or the given ones. */
export function foreignKeyViolations(db: Database, tables?: readonly string[]): string[] {
  const results = tables ? tables.flatMap((t) => db.exec('SELECT * FROM main.pragma_foreign_key_check(?)', [t])) : db.exec('PRAGMA foreign_key_check');
  return results.flatMap((r) => r.values.map(([table, rowid, parent]) => `${table} rowid ${rowid} references missing ${parent} row`));
}

function onlyMainAttached(db: Database): CheckResult {
  const rows = db.exec('PRAGMA database_list');
  const names = rows.length ? rows[0].values.map((r) => String(r[1])) : [];
  // 'temp' is SQLite's own per-connection schema, present once anything touched it; only ATTACH adds others.
  const extra = names.filter((n) => n !== 'main' && n !== 'temp');
  return {
    name: 'attached_databases',
    ok: extra.length === 0,
    detail: extra.length === 0 ? 'only main' : `also attached: ${extra.join(', ')}`,
  };
}
