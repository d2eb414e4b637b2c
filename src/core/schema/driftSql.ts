import type { SchemaObject } from './dump';

// Drift as a migration: the statements that bring what the migrations produce up to what the database has, and the
// ones that undo them. Every statement is guarded (IF EXISTS, IF NOT EXISTS): applied to the drifted database itself,
// the migration changes nothing and records what it has. Objects that hold no data (indexes aside) are dropped and created outright; a table or index
// that differs gets a recreate recipe in comments, because copying a table's rows is a decision to make by hand.

export interface DriftMigration {
  readonly up: string;
  readonly down: string;
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
    .filter((c): c is { wanted: SchemaObject; real: SchemaObject } => c.real !== undefined && !sameObject(c.real, c.wanted));
  if (!extra.length && !missing.length && !changed.length) return undefined;
  const up = [
    ...dropsOf(missing),
    ...extra.map(create),
    ...changed.flatMap((c) => replace(c.wanted, c.real)),
  ];
  const down = [
    ...dropsOf(extra),
    ...missing.map(create),
    ...changed.flatMap((c) => replace(c.real, c.wanted)),
  ];
  return { up: up.join('\n\n') + '\n', down: down.join('\n\n') + '\n' };
}

function sameObject(a: SchemaObject, b: SchemaObject): boolean {
  return normal(a.sql) === normal(b.sql) && JSON.stringify(a.columns ?? []) === JSON.stringify(b.columns ?? []);
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

/** From `from` (as it is now) to `to`: views and triggers outright, tables and indexes as a recipe to finish by hand. */
function replace(from: SchemaObject, to: SchemaObject): string[] {
  if (from.type === 'view' || from.type === 'trigger') return [`DROP ${from.type.toUpperCase()} IF EXISTS ${quoted(from.name)};`, create(to)];
  const lines = [
    `-- ${to.type} ${to.name} differs. Now:`,
    ...commented(from.sql),
    '-- Wanted:',
    ...commented(to.sql),
  ];
  if (to.type === 'index') {
    lines.push('-- To recreate it, uncomment:', `-- DROP INDEX IF EXISTS ${quoted(to.name)};`, ...commented(create(to)));
  } else {
    const kept = (to.columns ?? []).filter((c) => (from.columns ?? []).some((f) => f.name.toLowerCase() === c.name.toLowerCase())).map((c) => quoted(c.name));
    const temp = quoted(`${to.name}_new`);
    lines.push(
      '-- SQLite cannot alter a table into another shape; recreate it (https://www.sqlite.org/lang_altertable.html#otheralter):',
      `--   1. CREATE TABLE ${temp} with the wanted definition above;`,
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

function normal(sql: string): string {
  return sql.replace(/\s+/g, ' ').replace(/\s*;\s*$/, '').trim();
}
