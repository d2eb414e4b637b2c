import * as fsp from 'fs/promises';
import { mayChown, type Owner } from '../folders';
import type { NativeConnection } from './connection';
import type { NodeSqlite } from './nodeSqlite';

/**
 * Copies the database, as one consistent snapshot, into `dest` through SQLite itself: the online
 * backup API where Node has it, else VACUUM INTO (Node 22.15). Either way other programs may keep
 * reading and writing meanwhile, WAL content is included, and the file is never read as raw bytes.
 * `dest` is created first with `mode` (the database's own permission bits), so the copy is never
 * more readable than the original, not even for a moment.
 */
export async function copyDatabase(sqlite: NodeSqlite, conn: NativeConnection, dest: string, mode: number, owner?: Owner): Promise<void> {
  const fh = await fsp.open(dest, 'wx', mode & 0o666);
  try {
    await fh.chmod(mode & 0o666);
    if (owner && mayChown()) await fh.chown(owner.uid, owner.gid);
  } finally {
    await fh.close();
  }
  if (sqlite.backup) {
    await sqlite.backup(conn.db, dest);
  } else {
    conn.run('VACUUM INTO ?', [dest]);
  }
  const written = await fsp.open(dest, 'r+');
  try {
    await written.sync();
  } finally {
    await written.close();
  }
}
