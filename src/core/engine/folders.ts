// Folders this tool creates beside a database (its backups) hold the same data, so they are never more
// open than the database file itself.
import * as fsp from 'fs/promises';
import * as path from 'path';

export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

/** The file's read/write bits, plus search wherever it is readable: 0600 -> 0700, 0640 -> 0750. */
export function folderModeFor(fileMode: number): number {
  const rw = fileMode & 0o666;
  return rw | ((rw & 0o444) >> 2);
}

/**
 * Creates `folder` (and missing parents) with the mode a file of `fileMode` implies (the umask may only
 * narrow it) and, when this process may, the file's owner. An existing folder is left as it is.
 * Returns the outermost folder it created, if any, so a caller that ends up keeping nothing there can take it back.
 */
export async function ensureFolder(folder: string, fileMode?: number, owner?: Owner): Promise<string | undefined> {
  const mode = fileMode === undefined ? undefined : folderModeFor(fileMode);
  // mkdir applies the umask, which can only narrow the mode.
  const first = await fsp.mkdir(folder, { recursive: true, mode });
  if (!first || !owner || !mayChown()) return first;
  for (let dir = folder; ; dir = path.dirname(dir)) {
    await fsp.chown(dir, owner.uid, owner.gid).catch(() => undefined);
    if (dir === first || path.dirname(dir) === dir) return first;
  }
}

/**
 * Removes `folder` and its parents up to `created` (the outermost one this run created) while they are empty:
 * a folder someone else filled meanwhile stays.
 */
export async function removeEmptyFolders(folder: string, created: string): Promise<void> {
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    try {
      await fsp.rmdir(dir);
    } catch {
      return;
    }
    if (dir === path.resolve(created) || path.dirname(dir) === dir) return;
  }
}

/** Only root can give a file to someone else; anyone else keeps the files they create. */
export function mayChown(): boolean {
  return process.getuid?.() === 0;
}
