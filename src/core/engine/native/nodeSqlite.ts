// The parts of Node's built-in `node:sqlite` this engine uses, typed here because the project's
// @types/node targets Node 20 (the CLI's minimum), which has no such module. Members that some
// supported Node versions lack are optional, and every use checks for them.
import type { SqlValue } from '../connection';

export interface DatabaseOptions {
  readonly open?: boolean;
  readonly readOnly?: boolean;
  readonly enableForeignKeyConstraints?: boolean;
  readonly enableDoubleQuotedStringLiterals?: boolean;
  readonly allowExtension?: boolean;
  /** Busy timeout in ms; Node 22.15 ignores it, so the engine also sets PRAGMA busy_timeout. */
  readonly timeout?: number;
}

export interface StatementSync {
  readonly sourceSQL: string;
  all(...params: SqlValue[]): unknown[];
  run(...params: SqlValue[]): unknown;
  iterate?(...params: SqlValue[]): IterableIterator<unknown>;
  setReadBigInts(enabled: boolean): void;
  /** Node >= 22.16 / 24: rows as arrays, so equal column names do not collapse. */
  setReturnArrays?(enabled: boolean): void;
}

export interface DatabaseSync {
  exec(sql: string): void;
  prepare(sql: string): StatementSync;
  close(): void;
  readonly isTransaction?: boolean;
}

export interface NodeSqlite {
  readonly DatabaseSync: new (path: string, options?: DatabaseOptions) => DatabaseSync;
  /** The online backup API; Node 22.15 (VS Code 1.101) lacks it. */
  readonly backup?: (source: DatabaseSync, destination: string, options?: { rate?: number }) => Promise<number>;
}

/** node:sqlite when this Node has it; undefined (never a throw) where it does not, as on Node 20. */
export function loadNodeSqlite(): NodeSqlite | undefined {
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  try {
    const mod = get?.call(process, 'node:sqlite') as NodeSqlite | undefined;
    return mod && typeof mod.DatabaseSync === 'function' ? mod : undefined;
  } catch {
    return undefined;
  }
}
