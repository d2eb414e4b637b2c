// The ledger cannot be falsified by a migration's own SQL: triggers, views and renames that reach it are
// refused (with their line) before anything runs, and what the runner writes is read back before COMMIT.
import * as assert from 'node:assert/strict';
import type { Connection } from '../../src/core/engine/connection';
import { applyMigration, rollbackMigration, type RunContext } from '../../src/core/run/runner';
import { makeMigration } from '../fixtures/spec/load';
import { ENGINE, openEmpty, removeTempDatabases } from './helpers/engines';

const ctx: RunContext = { now: () => new Date('2025-10-19T14:30:00Z') };

describe(`ledger integrity (${ENGINE})`, () => {
  let db: Connection;
  beforeEach(async () => (db = await openEmpty()));
  afterEach(() => db.close());
  after(removeTempDatabases);

  const tables = () => db.all("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'widgets'").length;

  for (const [what, sql] of [
    ['a trigger on schema_migrations', 'CREATE TRIGGER hide AFTER INSERT ON schema_migrations BEGIN DELETE FROM schema_migrations WHERE id = new.id; END;'],
    ['a TEMP trigger on main.schema_migrations', 'CREATE TEMP TRIGGER hide AFTER INSERT ON main."schema_migrations" BEGIN SELECT 1; END;'],
    ['a trigger elsewhere whose body writes the ledger', "CREATE TRIGGER w AFTER INSERT ON widgets BEGIN UPDATE schema_migrations SET status = 'applied'; END;"],
    ['an INSTEAD OF trigger on a view', "CREATE TRIGGER v INSTEAD OF INSERT ON ledger_view BEGIN INSERT INTO [schema_migrations_sql] VALUES ('x', 'x', 'x', 'x'); END;"],
    ['a view over the ledger', 'CREATE VIEW ledger_view AS SELECT * FROM schema_migrations;'],
    ['a rename of the ledger', 'ALTER TABLE schema_migrations RENAME TO old_ledger;'],
    ['a rename onto the ledger name', 'ALTER TABLE widgets RENAME TO schema_migrations_sql;'],
  ]) {
    it(`refuses ${what} with its line, before anything runs`, () => {
      const m = makeMigration(1, 'widgets', `CREATE TABLE widgets (id INTEGER PRIMARY KEY);\n-- then\n${sql}\n`);
      const o = applyMigration(db, m, null, ctx);
      assert.equal(o.ok, false);
      assert.equal(o.error?.code, 'statement-refused');
      assert.equal(o.error?.line, 3);
      assert.match(o.error?.message ?? '', /:3: a trigger, view or ALTER TABLE that refers to schema_migrations/);
      assert.equal(tables(), 0, 'nothing ran');
    });
  }

  it('fails a migration whose ledger row a trigger made outside the tool swallowed, and rolls it back', () => {
    assert.ok(applyMigration(db, makeMigration(1, 'first', 'CREATE TABLE first (id INTEGER);\n'), null, ctx).ok);
    db.exec('CREATE TRIGGER hide BEFORE INSERT ON schema_migrations BEGIN SELECT RAISE(IGNORE); END;');
    const o = applyMigration(db, makeMigration(2, 'widgets', 'CREATE TABLE widgets (id INTEGER PRIMARY KEY);\n'), null, ctx);
    assert.equal(o.ok, false);
    assert.equal(o.error?.code, 'ledger-tampered');
    assert.match(o.error?.message ?? '', /1 rows changed where the runner wrote 2.*Rolled back/);
    assert.equal(tables(), 0);
  });

  it('fails a rollback whose row a TEMP trigger rewrote, and keeps the migration applied', () => {
    const m = makeMigration(1, 'widgets', 'CREATE TABLE widgets (id INTEGER PRIMARY KEY);\n');
    assert.ok(applyMigration(db, m, 'DROP TABLE widgets;\n', ctx).ok);
    db.exec("CREATE TEMP TRIGGER keep AFTER UPDATE ON main.schema_migrations BEGIN UPDATE main.schema_migrations SET status = 'applied' WHERE id = new.id; END;");
    const o = rollbackMigration(db, { version: '001', name: m.name, downSql: 'DROP TABLE widgets;\n' }, ctx);
    assert.equal(o.ok, false);
    assert.equal(o.error?.code, 'ledger-tampered');
    assert.equal(tables(), 1);
  });

  it('fails a migration when a trigger changed another row of the ledger', () => {
    assert.ok(applyMigration(db, makeMigration(1, 'first', 'CREATE TABLE first (id INTEGER);\n'), null, ctx).ok);
    db.exec("CREATE TEMP TRIGGER other AFTER INSERT ON main.schema_migrations BEGIN UPDATE main.schema_migrations SET status = 'rolled_back' WHERE version = '001'; END;");
    const o = applyMigration(db, makeMigration(2, 'widgets', 'CREATE TABLE widgets (id INTEGER PRIMARY KEY);\n'), null, ctx);
    assert.equal(o.error?.code, 'ledger-tampered');
    assert.match(o.error?.message ?? '', /3 rows changed where the runner wrote 2/);
    assert.equal(tables(), 0);
  });
});
