import type { Database, SqlValue as SqlJsValue } from 'sql.js';
import type { Connection, Row, SqlValue } from '../connection';

/** sql.js behind the seam: a database held in WebAssembly memory, read from and exported to bytes. */
export class SqlJsConnection implements Connection {
  readonly engine = 'sqljs' as const;
  private closed = false;

  constructor(readonly db: Database) {}

  exec(sql: string): void {
    this.db.exec(sql);
  }

  run(sql: string, params: readonly SqlValue[] = []): void {
    this.db.run(sql, bind(params));
  }

  all(sql: string, params: readonly SqlValue[] = []): Row[] {
    const stmt = this.db.prepare(sql, bind(params));
    try {
      const rows: Row[] = [];
      while (stmt.step()) rows.push(stmt.get());
      return rows;
    } finally {
      stmt.free();
    }
  }

  runSingle(text: string): boolean {
    let count = 0;
    for (const stmt of this.db.iterateStatements(text)) {
      if (++count > 1) {
        stmt.free();
        return false;
      }
      try {
        while (stmt.step()) {
          // rows of a SELECT in a migration are not needed
        }
      } catch (e) {
        stmt.free();
        throw e;
      }
    }
    return true;
  }

  /** The whole database as the bytes of a file. */
  export(): Uint8Array {
    return this.db.export();
  }

  /** Safe to call twice: a task's check closes it early to free memory, and the task closes it again. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/** sql.js has no bigint parameters; our bookkeeping never binds one beyond 2^53. */
function bind(params: readonly SqlValue[]): SqlJsValue[] {
  return params.map((p) => (typeof p === 'bigint' ? Number(p) : p));
}

/**
 * sql.js keeps `bytes.slice()` as its file: a copy for a Uint8Array, but for a Node Buffer a view of the
 * same memory, so two databases opened from one Buffer would write into each other. A plain Uint8Array
 * view over the same memory makes every open a copy, at no cost here.
 */
export function plainArray(bytes: Uint8Array | null): Uint8Array | null {
  return bytes && Buffer.isBuffer(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}
