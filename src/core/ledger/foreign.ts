// Another migration tool's record of what it applied, in a database being adopted from it: where its schema stands
// among the migrations (the baseline's default --to), and, for a tool whose table takes the ledger's name, the name
// that table is moved to when the database is taken over.
import type { Connection } from '../engine/connection';
import { KNOWN_SHAPES, knownShape, LEDGER_TABLE, objectType, tableColumns } from './ledger';

export interface ForeignLedger {
  /** The tool, as messages name it ("golang-migrate's"). */
  readonly owner: string;
  readonly table: string;
  /** The sequences it records as applied; for golang-migrate, its one current version (every earlier one implied). */
  readonly applied: readonly number[];
  /** golang-migrate's flag: its last migration failed halfway, so the schema is somewhere inside it. */
  readonly dirty: boolean;
  /** Set when its table is named schema_migrations: the name it gets so that the spec's ledger can be created. */
  readonly renameTo?: string;
}

/** Tools with a ledger table of their own name, and how to read the versions they applied from it. */
const OWN_TABLES: readonly { readonly table: string; readonly owner: string; readonly applied: string }[] = [
  // Undo rows take a version back out; read in the order Flyway ran them.
  { table: 'flyway_schema_history', owner: "Flyway's", applied: "SELECT version, type LIKE 'UNDO%' FROM flyway_schema_history WHERE success = 1 AND version IS NOT NULL ORDER BY installed_rank" },
  { table: '_sqlx_migrations', owner: "sqlx's", applied: 'SELECT version, 0 FROM _sqlx_migrations WHERE success = 1 ORDER BY version' },
];

/** Every table name a ledger read here can have: its own, or the one a baseline moved it to. */
export const FOREIGN_LEDGER_TABLES: readonly string[] = [...OWN_TABLES.map((t) => t.table), ...KNOWN_SHAPES.flatMap((s) => (s.renameTo ? [s.renameTo] : []))];

/** The other tool's ledger in this database, if it has one this tool can read; undefined otherwise. */
export function findForeignLedger(db: Connection): ForeignLedger | undefined {
  return renameable(db) ?? ownTable(db);
}

/** golang-migrate's and dbmate's schema_migrations: read where it stands, and renamed on a takeover. */
function renameable(db: Connection): ForeignLedger | undefined {
  if (objectType(db, LEDGER_TABLE) !== 'table') return undefined;
  const shape = knownShape(tableColumns(db, LEDGER_TABLE));
  if (!shape?.renameTo) return undefined;
  const dirtyColumn = shape.columns.includes('dirty');
  const rows = db.all(`SELECT version${dirtyColumn ? ', dirty' : ', 0'} FROM ${LEDGER_TABLE}`);
  const applied = sequences(rows.map((r) => r[0]));
  return { owner: shape.owner, table: LEDGER_TABLE, applied, dirty: rows.some((r) => Number(r[1]) !== 0), renameTo: shape.renameTo };
}

function ownTable(db: Connection): ForeignLedger | undefined {
  for (const t of OWN_TABLES) {
    if (objectType(db, t.table) !== 'table') continue;
    try {
      const applied = new Set<number>();
      for (const [version, undo] of db.all(t.applied)) {
        const [seq] = sequences([version]);
        if (seq === undefined) continue;
        if (Number(undo)) applied.delete(seq);
        else applied.add(seq);
      }
      return { owner: t.owner, table: t.table, applied: [...applied].sort((a, b) => a - b), dirty: false };
    } catch {
      // Not the shape that tool writes: nothing to read from it.
    }
  }
  return undefined;
}

/** Whole-number versions only: the sequences of the folders this tool reads for them. */
function sequences(values: readonly unknown[]): number[] {
  return values.map((v) => String(v ?? '').trim()).filter((v) => /^\d+$/.test(v)).map(Number);
}

/** Where the other tool's ledger says the schema stands: its highest applied sequence. */
export function foreignPoint(ledger: ForeignLedger): number | undefined {
  return ledger.applied.length ? Math.max(...ledger.applied) : undefined;
}
