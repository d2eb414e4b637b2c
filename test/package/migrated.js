// The proof that the packaged code did the job: the fixture's migration is in the database file on disk,
// with its ledger row and the checksum of the file it was applied from. Read with the repo's sql.js.
'use strict';

const assert = require('node:assert/strict');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const initSqlJs = require('sql.js');

const FIXTURE = path.join(__dirname, 'fixture');
const MIGRATION = path.join('migrations', '001_create_notes.sql');
const DATABASE = path.join('data', 'app.db'); // the extension's and the CLI's default

/** A fresh copy of the fixture workspace (one migration, no database yet). */
function copyFixture(scratch, name) {
  const workspace = path.join(scratch, name);
  fs.cpSync(FIXTURE, workspace, { recursive: true });
  return workspace;
}

function rows(db, sql) {
  const [result] = db.exec(sql);
  if (!result) return [];
  return result.values.map((values) => Object.fromEntries(result.columns.map((column, i) => [column, values[i]])));
}

function databaseFile(workspace) {
  return path.join(workspace, DATABASE);
}

async function assertMigrated(workspace) {
  const file = databaseFile(workspace);
  assert.ok(fs.existsSync(file), `${DATABASE} was not created in ${workspace}`);
  const SQL = await initSqlJs();
  const db = new SQL.Database(fs.readFileSync(file));
  try {
    const checksum = crypto.createHash('sha256').update(fs.readFileSync(path.join(workspace, MIGRATION))).digest('hex');
    const ledger = rows(db, 'SELECT version, status, checksum FROM schema_migrations ORDER BY id');
    assert.deepEqual(ledger, [{ version: '001', status: 'applied', checksum }], 'schema_migrations');
    assert.deepEqual(rows(db, 'SELECT body FROM notes'), [{ body: 'hello from the vsix' }], 'notes');
  } finally {
    db.close();
  }
}

module.exports = { copyFixture, assertMigrated, databaseFile };
