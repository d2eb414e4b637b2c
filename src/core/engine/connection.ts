// The seam between the engine-independent logic (ledger, runner, checks) and SQLite. Two engines sit
// behind it: sql.js on an in-memory copy of the file, and node:sqlite on the file itself. Nothing
// above this interface knows which one runs, so the rules, the ledger and the messages are the same.

export type EngineName = 'native' | 'sqljs';

/** What SQLite hands back: integers beyond 2^53 come back as bigint rather than rounded. */
export type SqlValue = number | bigint | string | Uint8Array | null;
export type Row = readonly SqlValue[];

export interface Connection {
  readonly engine: EngineName;
  /** Runs a script of one or more statements without parameters; rows are discarded. */
  exec(sql: string): void;
  /** Runs one statement with bound parameters; rows are discarded. */
  run(sql: string, params?: readonly SqlValue[]): void;
  /** Runs one statement with bound parameters and returns every row, values in column order. */
  all(sql: string, params?: readonly SqlValue[]): Row[];
  /**
   * Runs a migration's statement only if SQLite's own parser also reads exactly one statement in the
   * text; returns false, having run nothing, when it reads more. Our splitter decides what a statement
   * is, and this guarantees nothing it did not vet ever runs.
   */
  runSingle(text: string): boolean;
  close(): void;
}

/** The first column of the first row, or null. */
export function scalar(conn: Connection, sql: string, params: readonly SqlValue[] = []): SqlValue {
  return conn.all(sql, params)[0]?.[0] ?? null;
}

/** The first column of every row. */
export function column(conn: Connection, sql: string, params: readonly SqlValue[] = []): SqlValue[] {
  return conn.all(sql, params).map((r) => r[0]);
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** SQLITE_BUSY or SQLITE_LOCKED: another connection holds a lock we need, past the busy timeout. */
export function isBusy(e: unknown): boolean {
  return /\bdatabase (table )?is locked\b/i.test(errorMessage(e));
}
