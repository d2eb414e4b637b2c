// Litestream replicates a database by copying the WAL that SQLite writes, while it holds a read transaction
// and runs the checkpoints itself. It keeps its state in a folder beside the database (`.NAME-litestream`)
// and adds two tables of its own. Changes made through SQLite's locks reach the replica; a file replaced
// under it breaks the replica's generation, and a checkpoint of ours can race its copying.
import * as fsp from 'fs/promises';
import * as path from 'path';
import { column, type Connection } from './connection';
import { NATIVE_ENGINE_WHERE } from './facts';
import type { Problem } from '../model';
import { problem } from '../problems';

export const LITESTREAM_TABLES = ['_litestream_seq', '_litestream_lock'] as const;

/** Litestream's own objects (`_litestream_seq`, `_litestream_lock`, any it adds later): never the application's schema. */
export function isLitestreamObject(name: string): boolean {
  return name.toLowerCase().startsWith('_litestream_');
}

/** Litestream 0.3's folder for a database: `.app.db-litestream` beside `app.db`. */
export function litestreamFolder(dbRealPath: string): string {
  return path.join(path.dirname(dbRealPath), `.${path.basename(dbRealPath)}-litestream`);
}

/** The folder when it exists: Litestream replicates this file, or did. */
export async function findLitestreamFolder(dbRealPath: string): Promise<string | undefined> {
  const folder = litestreamFolder(dbRealPath);
  const st = await fsp.stat(folder).catch(() => undefined);
  return st?.isDirectory() ? folder : undefined;
}

/** The first of Litestream's tables in the database, if any: it has replicated the file, here or elsewhere. */
export function litestreamTableIn(conn: Connection): string | undefined {
  const placeholders = LITESTREAM_TABLES.map(() => '?').join(', ');
  const found = column(conn, `SELECT name FROM main.sqlite_master WHERE type = 'table' AND name IN (${placeholders}) ORDER BY name`, [...LITESTREAM_TABLES]);
  return found.length ? String(found[0]) : undefined;
}

/** How the CLI and the editor point a user of the sql.js engine to the other one. */
export const USE_NATIVE = `Use ${NATIVE_ENGINE_WHERE}, which works through SQLite's own locks, so its changes reach the replica.`;

/** sql.js would write a whole new file: refused, whatever else holds the database. */
export function replicatedRefusal(dbFile: string, evidence: string): Problem {
  return problem('db-replicated', `${dbFile} is replicated by Litestream (${evidence}): the sql.js engine writes a whole new file, which would break the replica's generation, so nothing was changed. ${USE_NATIVE}`, { file: dbFile });
}

export function folderEvidence(folder: string): string {
  return `its folder ${path.basename(folder)} is beside it`;
}

/** The tables without the folder may be a copy Litestream does not replicate: the way out is named too. */
export function tableEvidence(table: string): string {
  return `it has Litestream's ${table} table; if this copy is not replicated, drop ${LITESTREAM_TABLES.join(' and ')} first`;
}

/** sql.js reads the main file only, and Litestream keeps the database open in WAL mode: refused without checkpoint advice. */
export function replicatedReadRefusal(dbFile: string, folder: string): Problem {
  return problem('db-replicated', `${dbFile} is replicated by Litestream (${folderEvidence(folder)}), which keeps it open in WAL mode: the sql.js engine reads only the main file and would not see the changes in ${path.basename(dbFile)}-wal, so nothing was read. ${USE_NATIVE}`, { file: dbFile });
}
