// Which engine the engine-independent unit tests run on: `npm test` runs the suite once under Node 20
// with sql.js and once under Node 24 with node:sqlite (SQLITE_MIGRATIONS_TEST_ENGINE=native).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Connection, EngineName } from '../../../src/core/engine/connection';
import { NativeConnection } from '../../../src/core/engine/native/connection';
import { loadNodeSqlite } from '../../../src/core/engine/native/nodeSqlite';
import { SqlJsConnection } from '../../../src/core/engine/sqljs/connection';
import { loadSqlJs } from '../../../src/core/engine/sqljs/load';

export const ENGINE: EngineName = process.env.SQLITE_MIGRATIONS_TEST_ENGINE === 'native' ? 'native' : 'sqljs';

const temps: string[] = [];

/** A new, empty database on the engine under test: in memory for sql.js, a temp file for native (as it is used). */
export async function openEmpty(): Promise<Connection> {
  if (ENGINE === 'sqljs') return new SqlJsConnection(new (await loadSqlJs()).Database());
  return NativeConnection.open(nodeSqlite(), tempFile());
}

/** A separate database with the same contents, as a dry run's scratch copy is. */
export async function copyOf(conn: Connection): Promise<Connection> {
  if (conn instanceof SqlJsConnection) return new SqlJsConnection(new (await loadSqlJs()).Database(conn.export()));
  const file = tempFile();
  conn.run('VACUUM INTO ?', [file]);
  return NativeConnection.open(nodeSqlite(), file);
}

/** For `after`: removes the temp folders (database, journal, WAL) native tests created. */
export function removeTempDatabases(): void {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlm-conn-'));
  temps.push(dir);
  return path.join(dir, 'test.db');
}

function nodeSqlite() {
  const sqlite = loadNodeSqlite();
  if (!sqlite) throw new Error(`SQLITE_MIGRATIONS_TEST_ENGINE=native needs Node >= 22.13 with node:sqlite; this is Node ${process.versions.node}`);
  return sqlite;
}
