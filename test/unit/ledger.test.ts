import * as assert from 'node:assert/strict';
import { scalar, type Connection } from '../../src/core/engine/connection';
import {
  acceptChecksum,
  ensureLedger,
  findLedgerRow,
  inspectLedger,
  LEDGER_SQL_TABLE,
  LEDGER_TABLE,
  markRolledBack,
  readAppliedNames,
  readAppliedSql,
  readLedger,
  recordApplied,
  recordStatus,
} from '../../src/core/ledger/ledger';
import { dumpDatabase, makeMigration } from '../fixtures/spec/load';
import { ENGINE, openEmpty, removeTempDatabases } from './helpers/engines';

/** The spec's CREATE TABLE, copied from migration-strategy.md; SQLite stores it without "IF NOT EXISTS". */
const SPEC_TABLE_SQL = `CREATE TABLE schema_migrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (datetime('now')),
    checksum TEXT,  -- SHA256 of migration SQL
    execution_time_ms INTEGER,
    status TEXT NOT NULL DEFAULT 'pending',  -- 'pending', 'applied', 'failed', 'rolled_back'
    
    CHECK (status IN ('pending', 'applied', 'failed', 'rolled_back'))
)`;

const FOREIGN_SHAPES: { name: string; ddl: string; insert: string; expect: RegExp[] }[] = [
  {
    name: "golang-migrate's (version, dirty)",
    ddl: 'CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null)',
    insert: 'INSERT INTO schema_migrations VALUES (20240101, 0)',
    expect: [/golang-migrate/, /version bigint NOT NULL PRIMARY KEY/, /dirty boolean NOT NULL/],
  },
  {
    name: "Rails' (version)",
    ddl: 'CREATE TABLE schema_migrations (version varchar not null primary key)',
    insert: "INSERT INTO schema_migrations VALUES ('20240101000000')",
    expect: [/Rails/, /\(version varchar NOT NULL PRIMARY KEY\)/],
  },
  {
    name: "Ecto's (version, inserted_at)",
    ddl: 'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, inserted_at TEXT)',
    insert: "INSERT INTO schema_migrations VALUES (1, '2024-01-01')",
    expect: [/Ecto/, /inserted_at TEXT/],
  },
  {
    name: 'the spec columns without status',
    ddl: 'CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, version TEXT NOT NULL UNIQUE, description TEXT NOT NULL, applied_at TEXT NOT NULL, checksum TEXT, execution_time_ms INTEGER)',
    insert: "INSERT INTO schema_migrations (version, description, applied_at) VALUES ('1', 'd', 'now')",
    expect: [/not the spec's shape/, /execution_time_ms INTEGER/],
  },
  {
    name: 'the spec columns plus one',
    ddl: SPEC_TABLE_SQL.replace('execution_time_ms INTEGER,', 'execution_time_ms INTEGER, author TEXT,'),
    insert: "INSERT INTO schema_migrations (version, description) VALUES ('1', 'd')",
    expect: [/author TEXT/],
  },
  {
    name: 'the spec columns with version not UNIQUE',
    ddl: SPEC_TABLE_SQL.replace('version TEXT NOT NULL UNIQUE', 'version TEXT NOT NULL'),
    insert: "INSERT INTO schema_migrations (version, description) VALUES ('1', 'd')",
    expect: [/not UNIQUE/],
  },
  {
    name: 'a view',
    ddl: "CREATE VIEW schema_migrations AS SELECT 1 AS version",
    insert: 'SELECT 1',
    expect: [/view named schema_migrations/],
  },
];

describe(`ledger (${ENGINE})`, () => {
  let db: Connection;
  beforeEach(async () => {
    db = await openEmpty();
  });
  afterEach(() => db.close());
  after(removeTempDatabases);

  it("creates the spec's table exactly as the spec writes it, and the companion", () => {
    assert.deepEqual(inspectLedger(db), { ok: true, value: 'absent' });
    assert.deepEqual(ensureLedger(db), { ok: true, value: undefined });
    const sql = db.all("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name LIKE 'schema%' ORDER BY name");
    assert.deepEqual(sql[0], [LEDGER_TABLE, SPEC_TABLE_SQL]);
    assert.equal(sql[1][0], LEDGER_SQL_TABLE);
    const companion = db.all('SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid', [LEDGER_SQL_TABLE]);
    assert.deepEqual(companion, [['version', 'TEXT', 1], ['name', 'TEXT', 0], ['up_sql', 'TEXT', 0], ['down_sql', 'TEXT', 0]]);
    assert.deepEqual(inspectLedger(db), { ok: true, value: 'ours' });
  });

  it("enforces the spec's defaults, UNIQUE version and status CHECK", () => {
    ensureLedger(db);
    db.run("INSERT INTO schema_migrations (version, description) VALUES ('1.0.0', 'x')");
    const [row] = db.all('SELECT status, applied_at FROM schema_migrations');
    assert.equal(row[0], 'pending');
    assert.match(String(row[1]), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.throws(() => db.run("INSERT INTO schema_migrations (version, description) VALUES ('1.0.0', 'y')"), /UNIQUE/);
    assert.throws(() => db.run("INSERT INTO schema_migrations (version, description, status) VALUES ('2', 'y', 'done')"), /CHECK/);
  });

  it('is idempotent and keeps existing rows', () => {
    ensureLedger(db);
    recordStatus(db, { version: '001', description: 'a', checksum: 'c', executionTimeMs: 3, appliedAt: '2025-01-01 00:00:00' }, 'applied');
    const before = dumpDatabase(db);
    assert.ok(ensureLedger(db).ok);
    assert.equal(dumpDatabase(db), before);
  });

  it('accepts a ledger created by hand from the spec without the companion, and adds the companion', () => {
    db.run(SPEC_TABLE_SQL);
    db.run("INSERT INTO schema_migrations (version, description, status) VALUES ('1.0.0', 'Initial schema', 'applied')");
    assert.deepEqual(inspectLedger(db), { ok: true, value: 'ours' });
    assert.ok(ensureLedger(db).ok);
    const rows = readLedger(db);
    assert.ok(rows.ok);
    assert.deepEqual(
      rows.value.map((r) => [r.version, r.status, r.checksum, r.executionTimeMs]),
      [['1.0.0', 'applied', null, null]],
    );
    assert.equal(scalar(db, `SELECT count(*) FROM ${LEDGER_SQL_TABLE}`), 0);
  });

  describe('refuses a schema_migrations of another shape and leaves it untouched', () => {
    for (const shape of FOREIGN_SHAPES) {
      it(shape.name, () => {
        db.run(shape.ddl);
        db.run(shape.insert);
        const schemaVersion = scalar(db, 'PRAGMA schema_version');
        const beforeDump = dumpDatabase(db);
        for (const result of [inspectLedger(db), ensureLedger(db), readLedger(db)]) {
          assert.ok(!result.ok);
          assert.equal(result.error.code, 'ledger-foreign');
          for (const pattern of shape.expect) assert.match(result.error.message, pattern);
        }
        assert.equal(dumpDatabase(db), beforeDump);
        // Not even a change undone: SQLite counts every schema change.
        assert.equal(scalar(db, 'PRAGMA schema_version'), schemaVersion);
        assert.equal(scalar(db, 'SELECT count(*) FROM sqlite_master WHERE name = ?', [LEDGER_SQL_TABLE]), 0);
      });
    }
  });

  it('refuses a companion table of another shape', () => {
    db.run(`CREATE TABLE ${LEDGER_SQL_TABLE} (version TEXT, body TEXT)`);
    const result = ensureLedger(db);
    assert.ok(!result.ok);
    assert.match(result.error.message, /schema_migrations_sql is a table with columns \(version, body\)/);
    assert.equal(scalar(db, 'SELECT count(*) FROM sqlite_master WHERE name = ?', [LEDGER_TABLE]), 0);
  });

  it('reads nothing from a companion table of another shape, without throwing', () => {
    ensureLedger(db);
    db.run(`DROP TABLE ${LEDGER_SQL_TABLE}`);
    db.run(`CREATE TABLE ${LEDGER_SQL_TABLE} (version TEXT, body TEXT)`);
    db.run(`INSERT INTO ${LEDGER_SQL_TABLE} VALUES ('1', 'x')`);
    assert.equal(readAppliedSql(db, '1'), undefined);
    assert.deepEqual([...readAppliedNames(db)], []);
  });

  it('readLedger is empty while there is no ledger, and creates nothing', () => {
    assert.deepEqual(readLedger(db), { ok: true, value: [] });
    assert.equal(scalar(db, 'SELECT count(*) FROM sqlite_master'), 0);
    assert.equal(readAppliedSql(db, '1'), undefined);
    assert.equal(findLedgerRow(db, '1'), undefined);
    assert.deepEqual([...readAppliedNames(db)], []);
  });

  it('keeps one row per version: a new status updates the row and keeps its id', () => {
    ensureLedger(db);
    const base = { description: 'Add tags', checksum: 'aaa', executionTimeMs: null, appliedAt: '2025-10-19 14:30:00' };
    recordStatus(db, { ...base, version: '1.0.0' }, 'applied');
    recordStatus(db, { ...base, version: '1.1.0' }, 'failed');
    const failedId = findLedgerRow(db, '1.1.0')?.id;
    recordApplied(db, { ...base, version: '1.1.0', checksum: 'bbb', executionTimeMs: 12, appliedAt: '2025-10-20 08:00:00', name: '002_add_tags', upSql: 'UP', downSql: 'DOWN' });
    markRolledBack(db, '1.1.0');
    const rows = readLedger(db);
    assert.ok(rows.ok);
    assert.deepEqual(rows.value, [
      { id: 1, version: '1.0.0', description: 'Add tags', appliedAt: '2025-10-19 14:30:00', checksum: 'aaa', executionTimeMs: null, status: 'applied' },
      { id: failedId, version: '1.1.0', description: 'Add tags', appliedAt: '2025-10-20 08:00:00', checksum: 'bbb', executionTimeMs: 12, status: 'rolled_back' },
    ]);
    assert.deepEqual(readAppliedSql(db, '1.1.0'), { upSql: 'UP', downSql: 'DOWN' });
    assert.deepEqual([...readAppliedNames(db)], [['1.1.0', '002_add_tags']]);
    recordApplied(db, { ...base, version: '1.1.0', name: '002_add_tags', upSql: 'UP2', downSql: null });
    assert.deepEqual(readAppliedSql(db, '1.1.0'), { upSql: 'UP2', downSql: null });
    assert.equal(scalar(db, "SELECT count(*) FROM schema_migrations WHERE version = '1.1.0'"), 1);
  });

  it('writes to the main ledger even when a temp table shadows its name', () => {
    ensureLedger(db);
    db.run('CREATE TEMP TABLE schema_migrations (version TEXT)');
    recordStatus(db, { version: '1', description: 'd', checksum: 'c', executionTimeMs: null, appliedAt: '2025-01-01 00:00:00' }, 'applied');
    assert.equal(scalar(db, 'SELECT count(*) FROM main.schema_migrations'), 1);
    assert.equal(scalar(db, 'SELECT count(*) FROM temp.schema_migrations'), 0);
    const rows = readLedger(db);
    assert.ok(rows.ok);
    assert.deepEqual(rows.value.map((r) => r.version), ['1']);
  });

  describe('acceptChecksum', () => {
    const m = makeMigration(2, 'add_tags', 'CREATE TABLE tags(x);\n-- edited\n', { version: '1.1.0' });
    it("takes the file's checksum and text for an applied migration", () => {
      ensureLedger(db);
      recordApplied(db, { version: '1.1.0', name: m.name, description: 'd', checksum: 'old', executionTimeMs: 1, appliedAt: '2025-01-01 00:00:00', upSql: 'old', downSql: 'DROP TABLE tags;' });
      assert.deepEqual(acceptChecksum(db, '1.1.0', [m]), { ok: true, value: undefined });
      assert.equal(findLedgerRow(db, '1.1.0')?.checksum, m.checksum);
      assert.deepEqual(readAppliedSql(db, '1.1.0'), { upSql: m.sql, downSql: 'DROP TABLE tags;' });
    });
    it("refuses on another tool's ledger, naming its shape", () => {
      db.run('CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null)');
      const result = acceptChecksum(db, '1.1.0', [m]);
      assert.ok(!result.ok);
      assert.equal(result.error.code, 'ledger-foreign');
    });
    it('refuses when there is no file or the migration is not applied', () => {
      ensureLedger(db);
      recordStatus(db, { version: '1.1.0', description: 'd', checksum: 'old', executionTimeMs: null, appliedAt: '2025-01-01 00:00:00' }, 'failed');
      const noFile = acceptChecksum(db, '9.9.9', [m]);
      assert.ok(!noFile.ok);
      assert.equal(noFile.error.code, 'accept-no-file');
      const notApplied = acceptChecksum(db, '1.1.0', [m]);
      assert.ok(!notApplied.ok);
      assert.equal(notApplied.error.code, 'accept-not-applied');
      assert.equal(findLedgerRow(db, '1.1.0')?.checksum, 'old');
    });
  });
});
