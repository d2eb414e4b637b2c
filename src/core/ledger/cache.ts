import * as fs from 'fs/promises';
import type { Snapshot } from '../engine/sqljs/dbfile';
import type { Ledger } from '../run/protocol';

/**
 * The last ledger read from one database file, keyed by the file's identity (path, size, mtime).
 * A status refresh after a migration file changed then re-merges it with the files instead of
 * reading a database that did not change: on a large database that read is the whole cost.
 */
export class LedgerCache {
  private entry: { key: string; ledger: Ledger } | undefined;

  remember(snapshot: Snapshot, ledger: Ledger): void {
    this.entry = snapshot.exists ? { key: keyOf(snapshot.realPath, snapshot.size, snapshot.mtimeMs), ledger } : undefined;
  }

  /** The remembered ledger when the file at `dbPath` is still the one it was read from. */
  async lookup(dbPath: string): Promise<{ ledger: Ledger; realPath: string } | undefined> {
    if (!this.entry) return undefined;
    try {
      const realPath = await fs.realpath(dbPath);
      const stat = await fs.stat(realPath);
      return keyOf(realPath, stat.size, stat.mtimeMs) === this.entry.key ? { ledger: this.entry.ledger, realPath } : undefined;
    } catch {
      return undefined;
    }
  }

  clear(): void {
    this.entry = undefined;
  }
}

function keyOf(realPath: string, size: number, mtimeMs: number): string {
  return `${realPath}\0${size}\0${mtimeMs}`;
}
