// The spec's semver rules, on schemas: which differences between the schema before a migration and after it are
// additive (a MINOR is enough: old code keeps working) and which are breaking (old code's queries or writes can
// fail: a MAJOR). Compared on SQLite's own schema (dumpSchema), so a table rebuild is judged by what it leaves.
import type { SchemaObject } from '../schema/dump';

export type ChangeClass = 'additive' | 'breaking';

export interface SchemaChange {
  readonly class: ChangeClass;
  /** In words: "drops column tasks.priority (or renames it)". */
  readonly what: string;
  /** The table, index, view or trigger it is about (its name as SQLite keeps it), for finding the statement. */
  readonly object: string;
}

/** Every additive and breaking difference from `before` to `after`; other differences (a changed index) are neither. */
export function classifyChanges(before: readonly SchemaObject[], after: readonly SchemaObject[]): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const find = (list: readonly SchemaObject[], o: SchemaObject) => list.find((x) => x.type === o.type && x.name.toLowerCase() === o.name.toLowerCase());
  for (const old of before) {
    const now = find(after, old);
    if (!now) {
      // Old code reads tables and views; a dropped index or trigger changes no query's result.
      if (old.type === 'table' || old.type === 'view') changes.push(breaking(old.name, `drops ${old.type} ${old.name} (or renames it)`));
      continue;
    }
    if (old.type === 'table') changes.push(...tableChanges(old, now));
  }
  for (const added of after) {
    if (!find(before, added)) changes.push({ class: 'additive', what: `adds ${added.type} ${added.name}`, object: added.name });
  }
  return changes;
}

function tableChanges(old: SchemaObject, now: SchemaObject): SchemaChange[] {
  const out: SchemaChange[] = [];
  const t = now.name;
  const oldCols = old.columns ?? [];
  const newCols = now.columns ?? [];
  const col = (list: typeof oldCols, name: string) => list.find((c) => c.name.toLowerCase() === name.toLowerCase());
  for (const c of oldCols) {
    const n = col(newCols, c.name);
    if (!n) {
      out.push(breaking(t, `drops column ${t}.${c.name} (or renames it)`));
    } else if (!notNull(c.definition) && notNull(n.definition)) {
      out.push(breaking(t, `makes column ${t}.${c.name} NOT NULL`));
    }
  }
  for (const c of newCols) {
    if (col(oldCols, c.name)) continue;
    // An INSERT that does not name the new column must still work: it needs to accept NULL or have a default.
    const required = notNull(c.definition) && !/\bDEFAULT\b/.test(c.definition) && !/\bPRIMARY KEY\b|\bGENERATED\b/.test(c.definition);
    out.push(required ? breaking(t, `adds column ${t}.${c.name} NOT NULL without a default`) : { class: 'additive', what: `adds column ${t}.${c.name}`, object: t });
  }
  const oldChecks = new Set(checksOf(old.sql));
  const added = checksOf(now.sql).filter((c) => !oldChecks.has(c));
  // A CHECK that was not there before can refuse rows old code writes; whether it is stricter than one it
  // replaces cannot be decided in general, so any new or changed CHECK counts.
  if (added.length) out.push(breaking(t, `adds or changes a CHECK constraint on ${t}: CHECK (${added[0]})`));
  return out;
}

function breaking(object: string, what: string): SchemaChange {
  return { class: 'breaking', what, object };
}

function notNull(definition: string): boolean {
  return /\bNOT NULL\b/.test(definition);
}

/** The expressions of every CHECK (...) in a CREATE TABLE, whitespace and case normalised, strings kept as written. */
export function checksOf(sql: string): string[] {
  const out: string[] = [];
  const re = /\bCHECK\s*\(/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(sql))) {
    const start = m.index + m[0].length;
    const end = closingParen(sql, start);
    if (end < 0) break;
    out.push(normalise(sql.slice(start, end)));
    re.lastIndex = end;
  }
  return out;
}

/** The index of the `)` that closes the `(` just before `start`, skipping quoted text; -1 when there is none. */
function closingParen(sql: string, start: number): number {
  let depth = 1;
  for (let i = start; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'" || ch === '"' || ch === '`') {
      const close = sql.indexOf(ch, i + 1);
      if (close < 0) return -1;
      i = close;
    } else if (ch === '[') {
      const close = sql.indexOf(']', i + 1);
      if (close < 0) return -1;
      i = close;
    } else if (ch === '(') {
      depth++;
    } else if (ch === ')' && --depth === 0) {
      return i;
    }
  }
  return -1;
}

function normalise(expr: string): string {
  // Outside quotes: one space for any run of whitespace, lower case; quoted text as written.
  return expr.split(/('(?:[^']|'')*')/).map((part, i) => (i % 2 ? part : part.replace(/\s+/g, ' ').toLowerCase())).join('').trim();
}
