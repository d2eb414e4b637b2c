import type { SqlJsStatic } from 'sql.js';
import { fileProblem, inspectDatabaseHeader, type DatabaseHeader } from '../dbheader';
import type { Result } from '../../model';
import { integrityCheck } from '../../run/integrity';
import { plainArray, SqlJsConnection } from './connection';

/**
 * Header checks, then opens the bytes with sql.js and runs `PRAGMA integrity_check`:
 * catches damage the header cannot show, such as a zeroed page in the middle.
 */
export function openAndCheck(SQL: SqlJsStatic, bytes: Uint8Array, file: string): Result<DatabaseHeader> {
  const header = inspectDatabaseHeader(bytes, file);
  if (!header.ok) {
    return header;
  }
  let db;
  try {
    db = new SqlJsConnection(new SQL.Database(plainArray(bytes) as Uint8Array));
    const check = integrityCheck(db);
    return check.ok ? header : fileProblem('db-corrupt', file, `${file} is damaged: integrity_check reports ${check.detail}`);
  } catch (e) {
    return fileProblem('db-corrupt', file, `${file} is damaged: SQLite says "${(e as Error).message}"`);
  } finally {
    db?.close();
  }
}

