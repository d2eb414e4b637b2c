import * as fs from 'fs';
import * as path from 'path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

/**
 * Loads sql.js once per process. The bundles in dist/ ship `sql-wasm.wasm` beside themselves;
 * unbundled code (tests) finds it inside the sql.js package.
 */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= initSqlJs({ locateFile: locateWasm });
  return loading;
}

function locateWasm(file: string): string {
  const beside = path.join(__dirname, file);
  if (fs.existsSync(beside)) {
    return beside;
  }
  return require.resolve(`sql.js/dist/${file}`);
}
