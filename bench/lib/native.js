'use strict';
// The physical limit: Debian's sqlite3 CLI applying the same files, each in its own transaction
// together with its ledger row (SHA-256 computed here and embedded) and the applied text, as the
// spec's shell workflow would, in one sqlite3 process.
const { sha256 } = require('./util');

/** The spec's ledger table and our companion table, so both runners leave the same bookkeeping. */
const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (datetime('now')),
    checksum TEXT,
    execution_time_ms INTEGER,
    status TEXT NOT NULL DEFAULT 'pending',
    CHECK (status IN ('pending', 'applied', 'failed', 'rolled_back'))
);
CREATE TABLE IF NOT EXISTS schema_migrations_sql (version TEXT PRIMARY KEY, name TEXT, up_sql TEXT, down_sql TEXT);`;

const CHECKS = 'PRAGMA integrity_check;\nPRAGMA foreign_key_check;';

function quote(text) {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * One script for all migrations. `checks` adds what our runner does beyond the minimum and sqlite3
 * can do cheaply: integrity_check and foreign_key_check before the first and after the last migration.
 */
function nativeScript(migrations, { checks = false } = {}) {
  const parts = ['.bail on', 'PRAGMA foreign_keys = OFF;', LEDGER];
  if (checks) parts.push(CHECKS);
  for (const m of migrations) {
    if (sha256(m.up) !== m.checksum) throw new Error(`checksum of ${m.name} does not match its text`);
    parts.push(
      'BEGIN;',
      m.up,
      ';',
      `INSERT INTO schema_migrations (version, description, applied_at, checksum, execution_time_ms, status) VALUES (${quote(m.version)}, ${quote(m.description)}, datetime('now'), ${quote(m.checksum)}, NULL, 'applied');`,
      `INSERT INTO schema_migrations_sql (version, name, up_sql, down_sql) VALUES (${quote(m.version)}, ${quote(m.name)}, ${quote(m.up)}, ${quote(m.down)});`,
      'COMMIT;',
    );
  }
  if (checks) parts.push(CHECKS);
  return parts.join('\n') + '\n';
}

module.exports = { nativeScript };
