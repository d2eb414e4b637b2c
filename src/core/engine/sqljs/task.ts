import type { SqlJsStatic } from 'sql.js';
import { fail, ok, type Migration, type Result } from '../../model';
import { checkIntegrity, type Violation } from '../../run/integrity';
import type { TaskRequest, TaskResponse } from '../../run/protocol';
import { problem, type TaskEngine } from '../../run/tasks';
import { plainArray, SqlJsConnection } from './connection';

/**
 * The database file's bytes travel with the request (null when the file does not exist yet), or, for work
 * that never writes the file, the worker reads it itself: the caller's thread then never holds the bytes.
 */
export interface SqlJsRequest extends TaskRequest {
  readonly bytes: Uint8Array | null;
  readonly read?: FileToRead;
  /** The file the task's result will replace: refused when Litestream has replicated it (see ../litestream). */
  readonly replaces?: string;
}

export interface FileToRead {
  readonly file: string;
  readonly maxBytes: number;
  /** The file that messages name, when `file` is a temporary copy of it. */
  readonly label?: string;
}

/** Opens a file (a backup just written, or one about to be restored) with sql.js and runs integrity_check. */
export interface CheckRequest {
  readonly check: FileToRead;
}

/** The breaking-change review (semver/breaking.ts) of these migrations on a scratch database: no file is opened. */
export interface ReviewRequest {
  readonly review: readonly Migration[];
}

/** Reads a database file consistently and writes a verified copy of it: a backup. */
export interface SnapshotRequest {
  readonly snapshot: FileToRead & {
    readonly copyTo: string;
    readonly mode: number;
    readonly owner: { readonly uid: number; readonly gid: number };
    /** The bytes must be these (already checked): then the copy is verified by its hash alone. */
    readonly expectSha256?: string;
    /** The newest backup: the answer says whether the copy holds the same bytes, so none is kept twice. */
    readonly newest?: string;
  };
}

/**
 * A task over the database's bytes in sql.js's memory. Nothing here touches the file: the main thread
 * backs up the bytes it read and replaces the file with the verified export, after this returns.
 */
export class SqlJsTask implements TaskEngine {
  readonly conn: SqlJsConnection;
  readonly existed: boolean;

  private readonly bytes: Uint8Array | null;

  constructor(
    private readonly SQL: SqlJsStatic,
    bytes: Uint8Array | null,
  ) {
    this.bytes = plainArray(bytes);
    this.conn = new SqlJsConnection(this.bytes ? new SQL.Database(this.bytes) : new SQL.Database());
    this.existed = bytes !== null;
  }

  async scratchCopy(): Promise<SqlJsConnection> {
    return new SqlJsConnection(this.bytes ? new this.SQL.Database(this.bytes) : new this.SQL.Database());
  }

  async beforeWrite(): Promise<Result<Partial<TaskResponse>>> {
    return ok({});
  }

  /** Exports the changed database, reopens the exported bytes and checks them before anyone may write them. */
  async unchanged(): Promise<void> {
    // nothing was prepared: the main thread backs up only when it replaces the file
  }

  async afterWrite(keysBefore: readonly Violation[]): Promise<Result<Partial<TaskResponse>>> {
    const bytes = this.conn.export();
    // Its in-memory file is no longer needed: free it before the reopen makes another copy.
    this.conn.close();
    const reopened = new SqlJsConnection(new this.SQL.Database(bytes));
    try {
      const failed = checkIntegrity(reopened, keysBefore).filter((c) => !c.ok);
      if (failed.length) {
        const detail = failed.map((c) => `${c.name}: ${c.detail}`).join('; ');
        return fail(problem('verify-failed', `The migrated database did not pass verification (${detail}); the file was not changed.`));
      }
      return ok({ bytes });
    } finally {
      reopened.close();
    }
  }

  close(): void {
    this.conn.close();
  }
}

