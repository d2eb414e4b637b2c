import type { Database } from 'sql.js';
import { tokenize, type Token } from './sqltokens';

/**
 * Which tables a migration's foreign_key_check must cover. A full `PRAGMA foreign_key_check` scans
 * every child table, which on a large database costs more than the migration itself; a violation can
 * only appear in a child table that was written or rebuilt, or whose parent was. Writes are found in
 * the statements and, transitively, in the triggers they fire; rebuilds in the schema's changes.
 * Over-approximating is harmless (one more table checked); missing a table is not, so anything a
 * keyword scan cannot rule out counts as written.
 */
export function snapshotSchema(db: Database): Map<string, string> {
  const rows = db.exec("SELECT lower(name), type || ' ' || rootpage || ' ' || ifnull(sql, '') FROM main.sqlite_master WHERE type IN ('table', 'view')");
  return new Map(rows.length ? rows[0].values.map(([name, entry]) => [String(name), String(entry)]) : []);
}

export function foreignKeyScope(db: Database, before: ReadonlyMap<string, string>, statements: readonly string[]): string[] {
  const suspects = changedTables(before, snapshotSchema(db));
  for (const text of statements) addAll(suspects, writtenTables(text));
  addTriggerWrites(db, suspects);
  const children = new Set<string>();
  for (const [child, parent] of foreignKeys(db)) {
    if (suspects.has(child.toLowerCase()) || suspects.has(parent.toLowerCase())) children.add(child);
  }
  return [...children];
}

function changedTables(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Set<string> {
  const changed = new Set<string>();
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    if (before.get(name) !== after.get(name)) changed.add(name);
  }
  return changed;
}

/** Triggers on a written table write too; follow them until nothing new is found. */
function addTriggerWrites(db: Database, suspects: Set<string>): void {
  const rows = db.exec("SELECT lower(tbl_name), sql FROM main.sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL");
  const triggers = rows.length ? rows[0].values.map(([table, sql]) => [String(table), String(sql)] as const) : [];
  const followed = new Set<number>();
  let grew = true;
  while (grew) {
    grew = false;
    triggers.forEach(([table, sql], i) => {
      if (followed.has(i) || !suspects.has(table)) return;
      followed.add(i);
      addAll(suspects, writtenTables(sql));
      grew = true;
    });
  }
}

function foreignKeys(db: Database): [string, string][] {
  const rows = db.exec(`SELECT m.name, f."table" FROM main.sqlite_master AS m, pragma_foreign_key_list(m.name, 'main') AS f WHERE m.type = 'table'`);
  return rows.length ? rows[0].values.map(([child, parent]) => [String(child), String(parent)]) : [];
}

const TARGET_AFTER: Readonly<Record<string, string>> = { INTO: 'INTO', UPDATE: 'UPDATE', FROM: 'DELETE' };

/**
 * Lower-cased names that follow `INTO`, `UPDATE [OR x]` and `DELETE FROM` anywhere in the text,
 * trigger bodies included. Words like `ON` after `AFTER UPDATE` come along too, harmlessly.
 */
export function writtenTables(sql: string): string[] {
  const words = [...tokenize(sql)].filter((t) => t.type !== 'space' && t.type !== 'comment');
  const names: string[] = [];
  words.forEach((t, i) => {
    const word = keyword(sql, t);
    if (!word || !(word in TARGET_AFTER)) return;
    if (word === 'FROM' && keyword(sql, words[i - 1]) !== 'DELETE') return;
    const name = nameAfter(sql, words, word === 'UPDATE' && keyword(sql, words[i + 1]) === 'OR' ? i + 3 : i + 1);
    if (name) names.push(name);
  });
  return names;
}

/** The table name at `i`, or after `schema.` when the name is qualified. */
function nameAfter(sql: string, words: readonly Token[], i: number): string | undefined {
  const first = words[i];
  if (!first) return undefined;
  const dot = words[i + 1];
  const qualified = dot && dot.type === 'punct' && sql[dot.start] === '.' && words[i + 2];
  const token = qualified ? words[i + 2] : first;
  return identifier(sql, token)?.toLowerCase();
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

function addAll(set: Set<string>, values: readonly string[]): void {
  for (const v of values) set.add(v);
}
