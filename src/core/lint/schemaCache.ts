// The schema each prefix of the migrations leaves, kept as its CREATE statements and keyed by the chain of the
// prefix's checksums: a change to migration 7 of 300 changes the keys from 7 on, so only those are built again.
import { createHash } from 'node:crypto';
import type { Connection } from '../engine/connection';
import type { Migration } from '../model';
import { identifier, significant } from '../sql/tokens';

/** The schema's CREATE statements in an order that rebuilds it: tables first, then indexes, views and triggers. */
export type SchemaSnapshot = readonly string[];

/** The key of the empty prefix (no migrations): an empty database. */
export const EMPTY_PREFIX = 'empty';

/** keys[i] is the key of the schema migrations[0..i) leave; keys[0] is the empty database's. */
export function prefixKeys(migrations: readonly Migration[]): string[] {
  const keys = [EMPTY_PREFIX];
  for (const m of migrations) keys.push(createHash('sha256').update(`${keys[keys.length - 1]}\n${m.checksum}`).digest('hex'));
  return keys;
}

/**
 * Snapshots by prefix key, the least recently used dropped past `limit`. `builds` counts the migrations run to make new snapshots,
 * which is what a test (and the bench) measures the cache by.
 */
export class SchemaCache {
  private readonly snapshots = new Map<string, SchemaSnapshot>();
  /** One scratch database left open at a prefix: re-linting the migration after it needs no rebuild at all. */
  private open?: { readonly key: string; readonly db: Connection };
  builds = 0;

  /** Each edit of a migration adds a snapshot after it: the oldest go past `limit` (a folder of 1,000 still fits). */
  constructor(private readonly limit = 1500) {}

  /** The open database at `key`, handed over (the cache forgets it), or undefined. */
  takeOpen(key: string): Connection | undefined {
    if (this.open?.key !== key) return undefined;
    const { db } = this.open;
    this.open = undefined;
    return db;
  }

  /** Keeps `db` open at `key`, closing the one kept before. */
  keepOpen(key: string, db: Connection): void {
    if (this.open && this.open.db !== db) this.open.db.close();
    this.open = { key, db };
  }

  /** Closes the database kept open. */
  dispose(): void {
    this.open?.db.close();
    this.open = undefined;
  }

  /** A hit becomes the newest entry, so the prefixes in use are the last to be dropped. */
  get(key: string): SchemaSnapshot | undefined {
    if (key === EMPTY_PREFIX) return [];
    const hit = this.snapshots.get(key);
    if (hit) {
      this.snapshots.delete(key);
      this.snapshots.set(key, hit);
    }
    return hit;
  }

  set(key: string, snapshot: SchemaSnapshot): void {
    this.snapshots.delete(key);
    this.snapshots.set(key, snapshot);
    if (this.snapshots.size > this.limit) this.snapshots.delete(this.snapshots.keys().next().value as string);
  }
}

const ORDER = "CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END";

/** The schema as it stands, SQLite's own tables and automatic indexes left out (SQLite makes those itself). */
export function takeSnapshot(db: Connection): SchemaSnapshot {
  const rows = db.all(`SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY ${ORDER}, rowid`);
  return rows.map((r) => String(r[0]));
}

/**
 * Rebuilds a snapshot on an empty database. A virtual table creates its shadow tables itself; their own CREATE
 * statements are then skipped, as SQLite would refuse them.
 */
export function restoreSnapshot(db: Connection, snapshot: SchemaSnapshot): void {
  for (const sql of snapshot) {
    const table = createdTable(sql);
    if (table !== undefined && db.all('SELECT 1 FROM sqlite_master WHERE name = ?', [table]).length) continue;
    db.exec(sql);
  }
}

/** The name in `CREATE TABLE name ...` (as sqlite_master stores it: no IF NOT EXISTS, no schema), else undefined. */
function createdTable(sql: string): string | undefined {
  const tokens = significant(sql).slice(0, 3);
  const words = tokens.slice(0, 2).map((t) => sql.slice(t.start, t.end).toUpperCase());
  return words[0] === 'CREATE' && words[1] === 'TABLE' ? identifier(sql, tokens[2]) : undefined;
}
