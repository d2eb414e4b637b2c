import { tokenize } from '../sql/tokens';
import { objectDrift } from './drift';
import type { SchemaObject } from './dump';

// Drift as a migration: the statements that bring what the migrations produce up to what the database has, and the
// ones that undo them. Every statement is guarded (IF EXISTS, IF NOT EXISTS): applied to the drifted database itself,
// the migration changes nothing and records what it has. Objects that hold no data (indexes aside) are dropped and created outright; a table or index
// that differs gets a recreate recipe in comments, because copying a table's rows is a decision to make by hand. The
// one exception: columns added at the end of an otherwise unchanged table become ALTER TABLE ... ADD COLUMN, which
// SQLite cannot guard (there is no ADD COLUMN IF NOT EXISTS): the up file says so above them, and that on the drifted
// database a baseline records the migration instead (it checks the database has what the migration produces).

export interface DriftMigration {
  readonly up: string;
  readonly down: string;
  /** It has unguarded ALTER TABLE ... ADD COLUMN statements: on the drifted database it fails, so it is recorded there. */
  readonly addsColumns?: boolean;
  /** A changed table or index is a commented recipe: the file is not done until someone finishes it. */
  readonly handWork?: boolean;
}

const DROP_ORDER: readonly SchemaObject['type'][] = ['trigger', 'view', 'index', 'table'];

/** The up and down text for the differences; undefined when the two schemas are the same. */
export function driftMigration(database: readonly SchemaObject[], migrations: readonly SchemaObject[]): DriftMigration | undefined {
  const key = (o: SchemaObject) => `${o.type} ${o.name.toLowerCase()}`;
  const inDb = new Map(database.map((o) => [key(o), o]));
  const inMigrations = new Map(migrations.map((o) => [key(o), o]));
  const extra = database.filter((o) => !inMigrations.has(key(o)));
  const missing = migrations.filter((o) => !inDb.has(key(o)));
  const changed = migrations
    .map((o) => ({ wanted: o, real: inDb.get(key(o)) }))
    .filter((c): c is { wanted: SchemaObject; real: SchemaObject } => c.real !== undefined && objectDrift(c.real, c.wanted).length > 0);
  if (!extra.length && !missing.length && !changed.length) return undefined;
  const added = changed.map((c) => ({ ...c, columns: addedColumns(c.real, c.wanted) }));
  const grown = added.filter((c): c is typeof c & { columns: AddedColumn[] } => c.columns !== undefined);
  const reshaped = added.filter((c) => c.columns === undefined);
  // Columns before the created objects (an extra index may use one); dropped after the dropped ones (for the same reason).
  const up = [
    ...dropsOf(missing),
    ...(grown.length ? [ADD_COLUMN_NOTE, ...grown.flatMap((c) => c.columns.map((col) => `ALTER TABLE ${quoted(c.real.name)} ADD COLUMN ${col.definition};`))] : []),
    ...extra.map(create),
    ...reshaped.flatMap((c) => replace(c.wanted, c.real, true)),
  ];
  const down = [
    ...dropsOf(extra),
    ...grown.flatMap((c) => [...c.columns].reverse().map((col) => `ALTER TABLE ${quoted(c.real.name)} DROP COLUMN ${quoted(col.name)};`)),
    ...missing.map(create),
    ...reshaped.flatMap((c) => replace(c.real, c.wanted, false)),
  ];
  const handWork = reshaped.some((c) => c.wanted.type === 'table' || c.wanted.type === 'index');
  return { up: up.join('\n\n') + '\n', down: down.join('\n\n') + '\n', addsColumns: grown.length > 0, handWork };
}

const ADD_COLUMN_NOTE = [
  '-- SQLite has no ADD COLUMN IF NOT EXISTS, so the ALTER TABLE statements below cannot be guarded: on the database',
  '-- that already has these columns (the drifted one) they fail with "duplicate column name" and change nothing.',
  '-- There, record this migration as applied without running it: "sqlite-migrations baseline" (editor: Record as',
  '-- Applied), which first checks that the database has what it would produce. Apply it to the other databases.',
].join('\n');

interface AddedColumn {
  readonly name: string;
  /** As the database's CREATE TABLE text has it, e.g. `extra TEXT DEFAULT 'x'`. */
  readonly definition: string;
}

/**
 * The columns `real` has at its end beyond `wanted`, when ALTER TABLE ... ADD COLUMN turns one into the other:
 * the rest of the CREATE TABLE text unchanged, and each column one that SQLite lets ADD COLUMN add (no PRIMARY KEY
 * or UNIQUE, not generated, no NOT NULL without a non-null default, a constant default). Undefined otherwise.
 */
function addedColumns(real: SchemaObject, wanted: SchemaObject): AddedColumn[] | undefined {
  if (real.type !== 'table' || /^CREATE\s+VIRTUAL\b/i.test(real.sql)) return undefined;
  const had = wanted.columns ?? [];
  const has = real.columns ?? [];
  if (has.length <= had.length) return undefined;
  if (had.some((c, i) => c.name.toLowerCase() !== has[i].name.toLowerCase() || c.definition !== has[i].definition)) return undefined;
  // ADD COLUMN writes ", <definition>" just before the table's closing parenthesis and leaves the rest alone.
  const close = wanted.sql.lastIndexOf(')');
  if (close < 0) return undefined;
  const before = wanted.sql.slice(0, close).trimEnd();
  const after = wanted.sql.slice(close);
  if (!real.sql.startsWith(before) || !real.sql.endsWith(after) || real.sql.length < before.length + after.length) return undefined;
  const middle = real.sql.slice(before.length, real.sql.length - after.length).trim();
  if (!middle.startsWith(',')) return undefined;
  const parts = topLevelParts(middle.slice(1));
  const fresh = has.slice(had.length);
  if (parts.length !== fresh.length) return undefined;
  const out: AddedColumn[] = [];
  for (const [i, text] of parts.entries()) {
    const col = fresh[i];
    const words = [...tokenize(text)].filter((t) => t.type !== 'space' && t.type !== 'comment');
    const first = words[0] && text.slice(words[0].start, words[0].end);
    const name = first?.replace(/^["`[]|["`\]]$/g, '');
    if (!name || name.toLowerCase() !== col.name.toLowerCase()) return undefined;
    const upper = words.map((t) => (t.type === 'word' ? text.slice(t.start, t.end).toUpperCase() : ''));
    // SQLite's rules for ADD COLUMN: no PRIMARY KEY or UNIQUE, no STORED generated column (VIRTUAL is fine), no
    // default of CURRENT_* or an expression in parentheses, NOT NULL only with a non-null default, and REFERENCES only
    // with a NULL default (when foreign keys are on, as node:sqlite has them).
    if (upper.some((w) => ['PRIMARY', 'UNIQUE', 'STORED', 'CURRENT_TIME', 'CURRENT_DATE', 'CURRENT_TIMESTAMP'].includes(w))) return undefined;
    const dflt = upper.indexOf('DEFAULT');
    const value = dflt >= 0 ? words[dflt + 1] : undefined;
    if (value && text[value.start] === '(') return undefined;
    const nullDefault = dflt < 0 || upper[dflt + 1] === 'NULL';
    if (nullDefault ? /\bNOT NULL\b/.test(col.definition) : upper.includes('REFERENCES')) return undefined;
    out.push({ name: col.name, definition: text });
  }
  return out;
}

/** The comma-separated pieces of a column list, commas inside parentheses left alone. */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (const t of tokenize(text)) {
    if (t.type !== 'punct') continue;
    const ch = text[t.start];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, t.start).trim());
      start = t.end;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/** Triggers and views before the indexes and tables they use. */
function dropsOf(objects: readonly SchemaObject[]): string[] {
  const ordered = [...objects].sort((a, b) => DROP_ORDER.indexOf(a.type) - DROP_ORDER.indexOf(b.type));
  return ordered.map((o) => `DROP ${o.type.toUpperCase()} IF EXISTS ${quoted(o.name)};`);
}

/**
 * IF NOT EXISTS, so the migration also applies to the drifted database itself (which has the object already) and
 * ends its drift; SQLite leaves the clause out of the text it keeps, so the dumps compare as before.
 */
function create(o: SchemaObject): string {
  const sql = o.sql.trimEnd().replace(/^CREATE\s+((?:UNIQUE\s+|VIRTUAL\s+)?(?:TABLE|INDEX|VIEW|TRIGGER))\s+(?!IF\s+NOT\s+EXISTS\b)/i, 'CREATE $1 IF NOT EXISTS ');
  // A trailing line comment would swallow the semicolon.
  return /--[^\n]*$/.test(sql) ? `${sql}\n;` : `${sql};`;
}

/**
 * From `from` (as it is now) to `to`: views and triggers outright, tables and indexes as a recipe to finish by hand.
 * `inMigrations`: `from` is what the migrations produce (the up file) rather than what the database has (the down file).
 */
function replace(from: SchemaObject, to: SchemaObject, inMigrations: boolean): string[] {
  if (from.type === 'view' || from.type === 'trigger') return [`DROP ${from.type.toUpperCase()} IF EXISTS ${quoted(from.name)};`, create(to)];
  const lines = [
    `-- ${to.type} ${to.name} differs. ${inMigrations ? 'In the migrations' : 'In the database'}:`,
    ...commented(from.sql),
    `-- ${inMigrations ? 'In the database' : 'In the migrations'}:`,
    ...commented(to.sql),
  ];
  if (to.type === 'index') {
    lines.push('-- To recreate it, uncomment:', `-- DROP INDEX IF EXISTS ${quoted(to.name)};`, ...commented(create(to)));
  } else {
    const kept = (to.columns ?? []).filter((c) => (from.columns ?? []).some((f) => f.name.toLowerCase() === c.name.toLowerCase())).map((c) => quoted(c.name));
    const temp = quoted(`${to.name}_new`);
    lines.push(
      '-- SQLite cannot alter a table into another shape; recreate it (https://www.sqlite.org/lang_altertable.html#otheralter):',
      `--   1. CREATE TABLE ${temp} with the definition ${inMigrations ? 'in the database' : 'in the migrations'} above;`,
      `--   2. INSERT INTO ${temp} (${kept.join(', ')}) SELECT ${kept.join(', ')} FROM ${quoted(to.name)};`,
      `--   3. DROP TABLE ${quoted(to.name)};`,
      `--   4. ALTER TABLE ${temp} RENAME TO ${quoted(to.name)};`,
      `--   5. recreate its indexes, triggers and views.`,
    );
  }
  return [lines.join('\n')];
}

function commented(sql: string): string[] {
  return sql.trimEnd().split('\n').map((l) => `--   ${l}`);
}

/** Always quoted: a bare name could be a keyword (a table called "order"). */
function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
