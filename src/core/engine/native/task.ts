import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nothingToBackUp, placeBackup, pruneBackups, type BackupPlace, type CreatedBackup } from '../backups';
import { errorMessage, scalar } from '../connection';
import { fail, ok, type Problem, type Result } from '../../model';
import { foreignKeyCheck, integrityCheck, quickCheck, type CheckResult, type Violation } from '../../run/integrity';
import { changesDatabase, type TaskRequest, type TaskResponse } from '../../run/protocol';
import { problem, type TaskEngine } from '../../run/tasks';
import { NativeConnection } from './connection';
import { copyDatabase } from './copy';
import { findLitestreamFolder, litestreamTableIn } from '../litestream';
import { removeEmptyFolders, type Owner } from '../folders';
import type { NodeSqlite } from './nodeSqlite';

export interface NativeRequest extends TaskRequest {
  /** The database file, symlinks resolved. */
  readonly file: string;
  /** False: the file does not exist; a task that writes creates it, the others read an empty database. */
  readonly existed: boolean;
  /** The database file's permission bits, which its backups get too. */
  readonly mode: number;
  /** The database file's owner, which its backups get too when the child runs as root. */
  readonly owner?: Owner;
  readonly busyTimeoutMs: number;
  readonly backups: Omit<BackupPlace, 'now'>;
  /** Above this size the check after a write is quick_check instead of integrity_check. */
  readonly quickCheckAboveBytes: number;
}

/**
 * A task on the database file itself, through SQLite: its locks, its journal or WAL, its pages
 * written in place. Backups come from SQLite too, before the first change.
 */
export class NativeTask implements TaskEngine {
  readonly conn: NativeConnection;
  readonly existed: boolean;
  /** The file this task created (it did not exist), until something was written to it. */
  private readonly created: CreatedFile | undefined;
  private readonly scratch: string[] = [];
  /** The backup made before the first change, until the change is known to have happened. */
  private pending: CreatedBackup | undefined;

  constructor(
    private readonly sqlite: NodeSqlite,
    private readonly req: NativeRequest,
  ) {
    const opened = openTarget(sqlite, req);
    this.existed = opened.existed;
    this.conn = opened.conn;
    this.created = opened.created;
  }

  /** Migrations are replayed on node:sqlite's own SQLite, which has FTS5 where sql.js does not. */
  readonly emptyScratch = async (): Promise<NativeConnection> => NativeConnection.open(this.sqlite, ':memory:');

  async scratchCopy(): Promise<NativeConnection> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-migrations-dry-run-'));
    this.scratch.push(dir);
    const copy = path.join(dir, path.basename(this.req.file));
    await copyDatabase(this.sqlite, this.conn, copy, 0o600);
    return NativeConnection.open(this.sqlite, copy);
  }

  /** The backup is made before the first change; older ones are pruned only once a change committed. */
  async beforeWrite(): Promise<Result<Partial<TaskResponse>>> {
    if (!this.existed) return ok({});
    await this.leaveCheckpointsToLitestream();
    const backup = await this.backup(true);
    if (backup.ok) this.pending = backup.value;
    return backup.ok ? ok({ backup: backup.value }) : backup;
  }

  /**
   * Litestream runs the checkpoints of a database it replicates (its own tips say so for writers): one of ours,
   * after a large migration, could race its copying of the WAL. So this connection never checkpoints it.
   */
  private async leaveCheckpointsToLitestream(): Promise<void> {
    if ((await findLitestreamFolder(this.req.file)) || litestreamTableIn(this.conn)) this.conn.run('PRAGMA wal_autocheckpoint = 0');
  }

  /** Nothing changed, so the backup just made is a copy of the database as it still is: not worth a slot. */
  async unchanged(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending || pending.reused) return;
    await fs.promises.rm(pending.path, { force: true });
    // A backups folder made for this backup alone would be left empty: no trace of a change that never happened.
    if (pending.createdFolder) await removeEmptyFolders(path.dirname(pending.path), pending.createdFolder);
  }

  /** A consistent copy through SQLite, verified, under a backup's name; older ones pruned unless deferred. */
  backup(deferPrune = false): Promise<Result<CreatedBackup>> {
    // The file went after the host looked (see openTarget): what is open is an empty in-memory database.
    if (!this.existed) return Promise.resolve(fail(nothingToBackUp(this.req.file)));
    return placeBackup(
      this.req.file,
      { ...this.backupPlace(), deferPrune },
      (temp) => copyDatabase(this.sqlite, this.conn, temp, this.req.mode, this.req.owner),
      async (temp) => this.checkCopy(temp),
    );
  }

  private backupPlace(): BackupPlace {
    return { ...this.req.backups, now: () => new Date(this.req.nowMs), mode: this.req.mode, owner: this.req.owner };
  }

  /**
   * SQLite wrote the pages itself, so on a large file quick_check stands in for integrity_check, and the
   * foreign keys are those each migration already checked on the tables it could affect. The output says so.
   */
  async afterWrite(keysBefore: readonly Violation[]): Promise<Result<Partial<TaskResponse>>> {
    const pruned = this.pending ? await pruneBackups(this.req.file, this.backupPlace(), this.pending.path) : [];
    const backup = this.pending ? { ...this.pending, pruned } : undefined;
    const large = this.isLarge();
    const checks = large ? [quickCheck(this.conn)] : [integrityCheck(this.conn), foreignKeyCheck(this.conn, keysBefore)];
    const failed = checks.filter((c) => !c.ok);
    if (failed.length) return fail(afterWriteProblem(failed));
    const mb = Math.round(this.req.quickCheckAboveBytes / 1048576);
    const notes: Problem[] = large
      ? [problem('quick-check', `Checked with PRAGMA quick_check after the change, not integrity_check, and foreign keys only where each migration could have broken them: the file is over ${mb} MB and SQLite wrote its pages itself. "verify" runs the full checks.`, { severity: 'info', file: this.req.file })]
      : [];
    return ok({ notes, ...(backup ? { backup } : {}) });
  }

  private isLarge(): boolean {
    return fs.statSync(this.req.file).size > this.req.quickCheckAboveBytes;
  }

  /**
   * The backup must open as a database before it gets a backup's name: quick_check on a small file; on a
   * large one, its schema must read and its size match the page count in its header. SQLite copied the
   * pages of a database that passed integrity_check moments before, so this catches a short or unreadable
   * copy without reading all of it a second time.
   */
  private checkCopy(file: string): Result<void> {
    let copy: NativeConnection | undefined;
    try {
      copy = NativeConnection.open(this.sqlite, file, { readOnly: true });
      if (!this.isLarge()) {
        const check = quickCheck(copy);
        return check.ok ? ok(undefined) : fail(problem('backup-damaged', `the copy failed quick_check (${check.detail})`));
      }
      scalar(copy, 'SELECT count(*) FROM main.sqlite_master');
      const expected = Number(scalar(copy, 'PRAGMA page_count')) * Number(scalar(copy, 'PRAGMA page_size'));
      const size = fs.statSync(file).size;
      return size === expected ? ok(undefined) : fail(problem('backup-damaged', `the copy is ${size} bytes where its header says ${expected}`));
    } catch (e) {
      return fail(problem('backup-damaged', `the copy cannot be opened (${errorMessage(e)})`));
    } finally {
      copy?.close();
    }
  }

  async close(): Promise<void> {
    this.conn.close();
    for (const dir of this.scratch) fs.rmSync(dir, { recursive: true, force: true });
    await this.removeUnwritten();
  }

  /**
   * SQLite creates the file it opens. When this task created it and nothing was written (a plan refused before it
   * ran), an empty file would stay, which every later operation refuses as not a database: it goes, with the
   * folders made for it, so the workspace is as it was.
   */
  private async removeUnwritten(): Promise<void> {
    const now = this.created && statOf(this.req.file);
    if (!this.created || !now || now.size > 0 || now.ino !== this.created.ino) return;
    await fs.promises.rm(this.req.file, { force: true });
    if (this.created.folder) await removeEmptyFolders(path.dirname(this.req.file), this.created.folder);
  }
}

/** The changes are committed already, so the message points at the backup taken before them. */
/**
 * Only a task that changes the database creates a missing file; the others read an empty one. The host saw
 * the file, but it may have gone since (deleted by hand, or by a script resetting a workspace), and SQLite
 * creates what it opens: a read would leave an empty file that every later operation refuses as not a
 * database. So the file is looked at again here, and an empty file that SQLite made in its place is removed.
 */
interface CreatedFile {
  readonly ino: number;
  /** The outermost folder made for it, if any. */
  readonly folder?: string;
}

function openTarget(sqlite: NodeSqlite, req: NativeRequest): { conn: NativeConnection; existed: boolean; created?: CreatedFile } {
  const open = (file: string) => NativeConnection.open(sqlite, file, { busyTimeoutMs: req.busyTimeoutMs });
  const writes = changesDatabase(req.task);
  const before = req.existed ? statOf(req.file) : undefined;
  if (!before) {
    if (!writes) return { conn: open(':memory:'), existed: false };
    const folder = fs.mkdirSync(path.dirname(req.file), { recursive: true });
    const conn = open(req.file);
    const made = statOf(req.file);
    return { conn, existed: false, ...(made ? { created: { ino: made.ino, ...(folder ? { folder } : {}) } } : {}) };
  }
  const conn = open(req.file);
  const after = statOf(req.file);
  // The host refuses an empty file, so an empty one under another inode is the file SQLite just created.
  if (writes || !after || after.size > 0 || after.ino === before.ino) return { conn, existed: true };
  conn.close();
  fs.rmSync(req.file, { force: true });
  return { conn: open(':memory:'), existed: false };
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function afterWriteProblem(failed: CheckResult[]): Problem {
  const detail = failed.map((c) => `${c.name}: ${c.detail}`).join('; ');
  return problem('verify-failed', `The database failed its check after the change (${detail}). The backup taken before it is listed by "sqlite-migrations backups"; restore it if the damage is real.`);
}
