import type { Connection, Row, SqlValue } from '../connection';
import { tokenize } from '../../sql/tokens';
import type { DatabaseOptions, DatabaseSync, NodeSqlite, StatementSync } from './nodeSqlite';

/**
 * node:sqlite behind the seam, on the database file itself: SQLite's own locks, journal and WAL.
 * Opened like sql.js and the sqlite3 shell behave, so a migration means the same on every engine:
 * foreign keys off until the runner decides, double-quoted strings allowed, no extensions.
 */
export class NativeConnection implements Connection {
  readonly engine = 'native' as const;
  private closed = false;

  constructor(readonly db: DatabaseSync) {}

  static open(sqlite: NodeSqlite, file: string, opts: { readOnly?: boolean; busyTimeoutMs?: number } = {}): NativeConnection {
    const options: DatabaseOptions = {
      readOnly: opts.readOnly ?? false,
      enableForeignKeyConstraints: false,
      enableDoubleQuotedStringLiterals: true,
      allowExtension: false,
      timeout: opts.busyTimeoutMs ?? 0,
    };
    const conn = new NativeConnection(new sqlite.DatabaseSync(file, options));
    // The timeout option is ignored by Node 22.15; the pragma works everywhere.
    conn.run(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 0))}`);
    return conn;
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  run(sql: string, params: readonly SqlValue[] = []): void {
    this.db.prepare(sql).run(...params);
  }

  all(sql: string, params: readonly SqlValue[] = []): Row[] {
    const stmt = this.db.prepare(sql);
    stmt.setReadBigInts(true);
    const arrays = typeof stmt.setReturnArrays === 'function';
    if (arrays) stmt.setReturnArrays!(true);
    return stmt.all(...params).map((row) => (arrays ? (row as SqlValue[]) : Object.values(row as object)).map(narrow));
  }

  runSingle(text: string): boolean {
    let stmt: StatementSync;
    try {
      stmt = this.db.prepare(text);
    } catch (e) {
      // Only comments: sql.js runs nothing and succeeds; so does this.
      if (/contains no statements/i.test((e as Error).message)) return true;
      throw e;
    }
    // prepare() compiles the first statement only; anything but comments after it would go unrun.
    const first = stmt.sourceSQL;
    if (!text.startsWith(first) || hasStatement(text.slice(first.length))) return false;
    if (stmt.iterate) {
      for (const _row of stmt.iterate()) {
        // rows of a SELECT in a migration are not needed
      }
    } else {
      stmt.all();
    }
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/** Integers within 2^53 as numbers, as sql.js returns them; larger ones stay exact as bigint. */
function narrow(value: unknown): SqlValue {
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  return value as SqlValue;
}

function hasStatement(tail: string): boolean {
  for (const t of tokenize(tail)) {
    if (t.type !== 'space' && t.type !== 'comment' && t.type !== 'semi') return true;
  }
  return false;
}
