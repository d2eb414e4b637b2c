// What the process that will run native work can do: checked inside that process, since VS Code's
// extension host, a remote host and the CLI each bring their own Node and so their own SQLite.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { errorMessage } from '../connection';
import { describeSqlite, type EngineFacts } from '../facts';
import { NativeConnection } from './connection';
import type { NodeSqlite } from './nodeSqlite';

export interface NativeProbe extends EngineFacts {
  readonly available: boolean;
  /** Why the native engine cannot be used here. */
  readonly reason?: string;
}

/** Loads node:sqlite and runs a self-test on a temp file: open, busy timeout, a write lock taken and released. */
export function probeNativeSqlite(sqlite: NodeSqlite | undefined): NativeProbe {
  const node = process.versions.node;
  if (!sqlite) return withoutNodeSqlite();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-migrations-probe-'));
  let conn: NativeConnection | undefined;
  try {
    conn = NativeConnection.open(sqlite, path.join(dir, 'probe.db'), { busyTimeoutMs: 1000 });
    conn.run('BEGIN IMMEDIATE');
    conn.run('CREATE TABLE probe (x)');
    conn.run('ROLLBACK');
    return { available: true, node, backupApi: typeof sqlite.backup === 'function', ...describeSqlite(conn) };
  } catch (e) {
    return { available: false, node, modules: [], compileOptions: [], reason: `node:sqlite failed its self-test: ${errorMessage(e)}` };
  } finally {
    conn?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The probe's answer where this Node has no node:sqlite at all (Node 20, some Electron builds). */
export function withoutNodeSqlite(): NativeProbe {
  const node = process.versions.node;
  return { available: false, node, modules: [], compileOptions: [], reason: `Node ${node} has no node:sqlite module (it needs Node 22.13 or later)` };
}
