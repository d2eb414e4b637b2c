import * as fs from 'fs/promises';
import type { Ledger } from '../run/protocol';

/**
 * The last ledger read from one database file, keyed by the file's identity: its real path, size and
 * modification time, and those of its -wal, where a WAL database's commits land. A status refresh after
 * a migration file changed then re-merges it with the files instead of reading a database that did not
 * change: on a large database that read is the whole cost.
 */
export class LedgerCache {
  private entry: { key: string; ledger: Ledger } | undefined;

  /** The file's identity now; take it before reading, so a change during the read makes the entry stale, not wrong. */
  async keyOf(dbPath: string): Promise<{ key: string; realPath: string } | undefined> {
    try {
      const realPath = await fs.realpath(dbPath);
      const db = await fs.stat(realPath);
      const wal = await fs.stat(`${realPath}-wal`).catch(() => undefined);
      return { key: [realPath, db.size, db.mtimeMs, wal?.size ?? -1, wal?.mtimeMs ?? -1].join('\0'), realPath };
    } catch {
      return undefined;
    }
  }

  remember(key: { key: string } | undefined, ledger: Ledger): void {
    this.entry = key ? { key: key.key, ledger } : undefined;
  }

  /** The remembered ledger when the file at `dbPath` is still the one it was read from. */
  async lookup(dbPath: string): Promise<{ ledger: Ledger; realPath: string } | undefined> {
    if (!this.entry) return undefined;
    const now = await this.keyOf(dbPath);
    return now && now.key === this.entry.key ? { ledger: this.entry.ledger, realPath: now.realPath } : undefined;
  }

  clear(): void {
    this.entry = undefined;
  }
}
