import type { Connection, Row } from '../engine/connection';
import { fail, ok, type LedgerRow, type LedgerStatus, type Migration, type Problem, type Result } from '../model';
import { problem, type ProblemCode } from '../problems';

export const LEDGER_TABLE = 'schema_migrations';
/** The texts that were applied, so a migration whose file is gone (or changed) can still be shown and reverted. */
export const LEDGER_SQL_TABLE = 'schema_migrations_sql';

/** The spec's table, character for character, so a database set up by hand from the spec is the same. */
export const LEDGER_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (datetime('now')),
    checksum TEXT,  -- SHA256 of migration SQL
    execution_time_ms INTEGER,
    status TEXT NOT NULL DEFAULT 'pending',  -- 'pending', 'applied', 'failed', 'rolled_back'
    
    CHECK (status IN ('pending', 'applied', 'failed', 'rolled_back'))
)`;

export const LEDGER_SQL_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations_sql (
    version TEXT PRIMARY KEY,
    name TEXT,
    up_sql TEXT,
    down_sql TEXT
)`;

/** name, declared type, NOT NULL, part of the primary key: as `PRAGMA table_info` reports the spec's table. */
const SPEC_COLUMNS: readonly (readonly [string, string, number, number])[] = [
  ['id', 'INTEGER', 0, 1],
  ['version', 'TEXT', 1, 0],
  ['description', 'TEXT', 1, 0],
  ['applied_at', 'TEXT', 1, 0],
  ['checksum', 'TEXT', 0, 0],
  ['execution_time_ms', 'INTEGER', 0, 0],
  ['status', 'TEXT', 1, 0],
];

const COMPANION_COLUMNS = ['version', 'name', 'up_sql', 'down_sql'];

/**
 * Other tools that also call their table schema_migrations, recognised by their sorted column names. Those whose
 * folders this tool reads can be taken over by a baseline, which first renames their table to `renameTo`.
 */
export const KNOWN_SHAPES: readonly { columns: string; owner: string; renameTo?: string }[] = [
  { columns: 'dirty,version', owner: "golang-migrate's", renameTo: 'schema_migrations_golang_migrate' },
  { columns: 'version', owner: "dbmate's (or Rails')", renameTo: 'schema_migrations_dbmate' },
  { columns: 'inserted_at,version', owner: "Ecto's" },
];

interface ColumnInfo {
  readonly name: string;
  readonly type: string;
  readonly notnull: number;
  readonly pk: number;
}

export function inspectLedger(db: Connection): Result<'absent' | 'ours'> {
  const kind = objectType(db, LEDGER_TABLE);
  if (kind === undefined) {
    return companionProblem(db) ?? ok('absent');
  }
  if (kind !== 'table') {
    return fail(foreign(`the database has ${article(kind)} ${kind} named ${LEDGER_TABLE}, not the spec's ledger table`));
  }
  const columns = tableColumns(db, LEDGER_TABLE);
  if (!sameShape(columns)) {
    return fail(foreign(foreignShapeMessage(columns)));
  }
  if (!versionIsUnique(db)) {
    return fail(foreign(`${LEDGER_TABLE} has the spec's columns but its version column is not UNIQUE`));
  }
  return companionProblem(db) ?? ok('ours');
}

/** Creates the spec's table and its companion when missing; a table of another shape is never altered. */
export function ensureLedger(db: Connection): Result<void> {
  const shape = inspectLedger(db);
  if (!shape.ok) {
    return shape;
  }
  if (shape.value === 'absent' || objectType(db, LEDGER_SQL_TABLE) === undefined) {
    db.run(LEDGER_DDL);
    db.run(LEDGER_SQL_DDL);
  }
  return ok(undefined);
}

/**
 * The ledger tables' entries in sqlite_master (tables, indexes, triggers). Equal before and after a
 * migration's statements means they did not touch the ledger's definition, without inspecting it again.
 */
export function ledgerFingerprint(db: Connection): string {
  const rows = db.all(`SELECT type, name, sql FROM main.sqlite_master WHERE lower(tbl_name) IN (?, ?) ORDER BY type, name`, [LEDGER_TABLE, LEDGER_SQL_TABLE]);
  return JSON.stringify(rows);
}

export function readLedger(db: Connection): Result<LedgerRow[]> {
  const shape = inspectLedger(db);
  if (!shape.ok) {
    return shape;
  }
  if (shape.value === 'absent') {
    return ok([]);
  }
  const sql = `SELECT id, version, description, applied_at, checksum, execution_time_ms, status FROM main.${LEDGER_TABLE} ORDER BY id`;
  return ok(db.all(sql).map(toLedgerRow));
}

/** The row for a version; undefined when there is none, or no ledger of the spec's shape to hold one. */
export function findLedgerRow(db: Connection, version: string): LedgerRow | undefined {
  const shape = inspectLedger(db);
  if (!shape.ok || shape.value === 'absent') {
    return undefined;
  }
  return ledgerRow(db, version);
}

/** The row for a version, in a ledger already known to have the spec's shape. */
export function ledgerRow(db: Connection, version: string): LedgerRow | undefined {
  const sql = `SELECT id, version, description, applied_at, checksum, execution_time_ms, status FROM main.${LEDGER_TABLE} WHERE version = ?`;
  return db.all(sql, [version]).map(toLedgerRow)[0];
}

export function readAppliedSql(db: Connection, version: string): { upSql: string; downSql: string | null } | undefined {
  if (!companionReadable(db)) {
    return undefined;
  }
  const rows = db.all(`SELECT up_sql, down_sql FROM main.${LEDGER_SQL_TABLE} WHERE version = ?`, [version]);
  if (rows.length === 0) {
    return undefined;
  }
  const [up, down] = rows[0];
  return { upSql: String(up ?? ''), downSql: down === null ? null : String(down) };
}

/** version -> migration file name as recorded when applied, for showing ledger rows whose file is gone. */
export function readAppliedNames(db: Connection): Map<string, string> {
  if (!companionReadable(db)) {
    return new Map();
  }
  const rows = db.all(`SELECT version, name FROM main.${LEDGER_SQL_TABLE} WHERE name IS NOT NULL`);
  return new Map(rows.map(([version, name]) => [String(version), String(name)]));
}

export interface AppliedRecord {
  readonly version: string;
  readonly name: string;
  readonly description: string;
  readonly checksum: string;
  readonly executionTimeMs: number | null;
  /** SQLite's datetime format, UTC. */
  readonly appliedAt: string;
  readonly upSql: string;
  readonly downSql: string | null;
}

/** One row per version: a retry after a failure or a rollback updates the row (and keeps its id). */
export function recordStatus(db: Connection, r: Omit<AppliedRecord, 'name' | 'upSql' | 'downSql'>, status: LedgerStatus): void {
  db.run(
    `INSERT INTO main.${LEDGER_TABLE} (version, description, applied_at, checksum, execution_time_ms, status)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(version) DO UPDATE SET description = excluded.description, applied_at = excluded.applied_at,
       checksum = excluded.checksum, execution_time_ms = excluded.execution_time_ms, status = excluded.status`,
    [r.version, r.description, r.appliedAt, r.checksum, r.executionTimeMs, status],
  );
}

export function recordApplied(db: Connection, r: AppliedRecord): void {
  recordStatus(db, r, 'applied');
  db.run(
    `INSERT INTO main.${LEDGER_SQL_TABLE} (version, name, up_sql, down_sql) VALUES (?, ?, ?, ?)
     ON CONFLICT(version) DO UPDATE SET name = excluded.name, up_sql = excluded.up_sql, down_sql = excluded.down_sql`,
    [r.version, r.name, r.upSql, r.downSql],
  );
}

/** The spec's rollback step: only the status changes, so the row still tells when and what was applied. */
export function markRolledBack(db: Connection, version: string): void {
  db.run(`UPDATE main.${LEDGER_TABLE} SET status = 'rolled_back' WHERE version = ?`, [version]);
}

/**
 * Like Flyway's repair: an applied migration whose file was edited on purpose takes the file's
 * current checksum and text, so it stops showing as modified. Nothing in the schema runs.
 */
export function acceptChecksum(db: Connection, version: string, migrations: readonly Migration[]): Result<void> {
  const shape = inspectLedger(db);
  if (!shape.ok) {
    return shape;
  }
  const m = migrations.find((x) => x.version === version);
  const row = findLedgerRow(db, version);
  if (!m) {
    return fail(ledgerProblem('accept-no-file', `No migration file has version ${version}; there is no checksum to accept.`));
  }
  if (!row || row.status !== 'applied') {
    return fail(ledgerProblem('accept-not-applied', `${m.name} is not applied; only an applied migration's checksum can be accepted.`, m.upPath));
  }
  atomically(db, () => {
    db.run(LEDGER_SQL_DDL);
    db.run(`UPDATE main.${LEDGER_TABLE} SET checksum = ? WHERE version = ?`, [m.checksum, version]);
    db.run(
      `INSERT INTO main.${LEDGER_SQL_TABLE} (version, name, up_sql, down_sql) VALUES (?, ?, ?, NULL)
       ON CONFLICT(version) DO UPDATE SET name = excluded.name, up_sql = excluded.up_sql`,
      [version, m.name, m.sql],
    );
  });
  return ok(undefined);
}

/** A savepoint, so it also nests inside a caller's transaction. */
function atomically(db: Connection, work: () => void): void {
  db.run('SAVEPOINT ledger_write');
  try {
    work();
    db.run('RELEASE ledger_write');
  } catch (e) {
    db.run('ROLLBACK TO ledger_write');
    db.run('RELEASE ledger_write');
    throw e;
  }
}

export function objectType(db: Connection, name: string): string | undefined {
  const rows = db.all('SELECT type FROM main.sqlite_master WHERE name = ? COLLATE NOCASE', [name]);
  return rows.length ? String(rows[0][0]) : undefined;
}

export function tableColumns(db: Connection, table: string): ColumnInfo[] {
  return db.all("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?, 'main') ORDER BY cid", [table]).map(
    ([name, type, notnull, pk]) => ({ name: String(name), type: String(type), notnull: Number(notnull), pk: Number(pk) }),
  );
}

function sameShape(columns: readonly ColumnInfo[]): boolean {
  return (
    columns.length === SPEC_COLUMNS.length &&
    SPEC_COLUMNS.every(([name, type, notnull, pk], i) => {
      const c = columns[i];
      return c.name.toLowerCase() === name && c.type.toUpperCase() === type && c.notnull === notnull && c.pk === pk;
    })
  );
}

function versionIsUnique(db: Connection): boolean {
  const sql = `SELECT 1 FROM pragma_index_list(?, 'main') AS l
    WHERE l."unique" = 1 AND (SELECT group_concat(name) FROM pragma_index_info(l.name, 'main')) = 'version'`;
  return db.all(sql, [LEDGER_TABLE]).length > 0;
}

function foreignShapeMessage(columns: readonly ColumnInfo[]): string {
  const described = columns.map((c) => [c.name, c.type, c.notnull ? 'NOT NULL' : '', c.pk ? 'PRIMARY KEY' : ''].filter(Boolean).join(' '));
  const known = knownShape(columns);
  const looks = known ? `, which is ${known.owner} migration table` : ', which is not the spec\'s shape';
  const next = known?.renameTo
    ? `"sqlite-migrations baseline" (editor: Baseline Existing Database...) takes the database over: it renames that table to ${known.renameTo} and records the migrations it lists as applied, after a backup and a check of the schema (the other tool then no longer finds its table)`
    : 'use another database or rename that table';
  return `${LEDGER_TABLE} has columns (${described.join(', ')})${looks}. It is left untouched; ${next}.`;
}

/** Which other tool's schema_migrations this is, by its columns. */
export function knownShape(columns: readonly { readonly name: string }[]): (typeof KNOWN_SHAPES)[number] | undefined {
  const names = columns.map((c) => c.name.toLowerCase()).sort().join(',');
  return KNOWN_SHAPES.find((s) => s.columns === names);
}

function companionReadable(db: Connection): boolean {
  return objectType(db, LEDGER_SQL_TABLE) === 'table' && companionProblem(db) === undefined;
}

function companionProblem(db: Connection): { ok: false; error: Problem } | undefined {
  const kind = objectType(db, LEDGER_SQL_TABLE);
  if (kind === undefined) {
    return undefined;
  }
  const names = kind === 'table' ? tableColumns(db, LEDGER_SQL_TABLE).map((c) => c.name.toLowerCase()) : [];
  if (COMPANION_COLUMNS.every((c) => names.includes(c))) {
    return undefined;
  }
  const found = kind === 'table' ? `a table with columns (${names.join(', ')})` : `${article(kind)} ${kind}`;
  return fail(foreign(`${LEDGER_SQL_TABLE} is ${found}, not this tool's record of applied SQL. It is left untouched.`));
}

function toLedgerRow([id, version, description, appliedAt, checksum, ms, status]: Row): LedgerRow {
  return {
    id: Number(id),
    version: String(version),
    description: String(description ?? ''),
    appliedAt: String(appliedAt ?? ''),
    checksum: checksum === null ? null : String(checksum),
    executionTimeMs: ms === null ? null : Number(ms),
    status: String(status) as LedgerStatus,
  };
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function foreign(message: string): Problem {
  return ledgerProblem('ledger-foreign', message);
}

function ledgerProblem(code: ProblemCode, message: string, file?: string): Problem {
  return problem(code, message, { file });
}
