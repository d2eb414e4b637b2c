import * as fsp from 'fs/promises';
import { mayChown, type Owner } from '../folders';

/** The copy gets the database's permission bits, never wider, and (as root) its owner: a backup holds the same data. */
export async function writeCopy(temp: string, bytes: Uint8Array, mode: number, owner: Owner): Promise<void> {
  const fh = await fsp.open(temp, 'wx', mode & 0o666);
  try {
    await fh.chmod(mode & 0o666);
    if (mayChown()) await fh.chown(owner.uid, owner.gid);
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
