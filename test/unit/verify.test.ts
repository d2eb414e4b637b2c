import * as assert from 'node:assert/strict';
import type { Connection } from '../../src/core/engine/connection';
import type { CheckResult } from '../../src/core/run/integrity';
import type { Migration } from '../../src/core/model';
import { applyMigration, type RunContext } from '../../src/core/run/runner';
import { verifyDatabase } from '../../src/core/run/verify';
import { makeMigration, readDown, specMigration } from '../fixtures/spec/load';
import { ENGINE, openEmpty, removeTempDatabases } from './helpers/engines';

const ctx: RunContext = { now: () => new Date('2025-10-19T14:30:00Z'), clock: () => 0 };

function byName(results: CheckResult[]): Record<string, [boolean, string]> {
  return Object.fromEntries(results.map((r) => [r.name, [r.ok, r.detail]]));
}

describe(`verifyDatabase (${ENGINE})`, () => {
  let db: Connection;
  const spec = [1, 2, 3, 4].map(specMigration);

  beforeEach(async () => {
    db = await openEmpty();
  });
  afterEach(() => db.close());
  after(removeTempDatabases);

  function applyAll(migrations: readonly Migration[]): void {
    for (const m of migrations) assert.ok(applyMigration(db, m, readDown(m), ctx).ok, m.name);
  }

  it("passes every check after the spec's migrations", () => {
    applyAll(spec);
    const results = verifyDatabase(db, spec);
    assert.deepEqual(results.map((r) => r.name), ['integrity_check', 'foreign_key_check', 'ledger_shape', 'ledger_failed', 'ledger_missing', 'checksums']);
    assert.deepEqual(results.filter((r) => !r.ok), []);
    assert.equal(byName(results).checksums[1], '4 applied files match');
  });

  it('passes on a database without a ledger, saying nothing is applied', () => {
    const results = byName(verifyDatabase(db, spec));
    assert.deepEqual(results.ledger_shape, [true, 'no schema_migrations table yet: nothing applied']);
    assert.equal(Object.values(results).every(([ok]) => ok), true);
  });

  it('fails checksums for an applied file edited since, naming it', () => {
    applyAll(spec.slice(0, 2));
    const edited = makeMigration(2, 'add_task_priority', spec[1].sql + '\n-- edited\n', { version: spec[1].version });
    const results = byName(verifyDatabase(db, [spec[0], edited]));
    assert.equal(results.checksums[0], false);
    assert.match(results.checksums[1], /002_add_task_priority \(recorded [0-9a-f]{12}, file [0-9a-f]{12}\)/);
  });

  it('fails ledger_failed while a failed row is left', () => {
    applyAll(spec.slice(0, 1));
    const broken = makeMigration(2, 'broken', 'SELECT * FROM nowhere;');
    assert.equal(applyMigration(db, broken, null, ctx).ok, false);
    const results = byName(verifyDatabase(db, [spec[0], broken]));
    assert.equal(results.ledger_failed[0], false);
    assert.match(results.ledger_failed[1], /002_broken failed at 2025-10-19 14:30:00/);
    assert.equal(results.ledger_missing[0], true);
  });

  it('fails ledger_missing for applied rows whose file is gone', () => {
    applyAll(spec.slice(0, 2));
    const results = byName(verifyDatabase(db, [spec[0]]));
    assert.deepEqual(results.ledger_missing, [false, '002_add_task_priority is in schema_migrations but its file is not in the migrations folder']);
  });

  it('fails foreign_key_check when rows point at missing parents', () => {
    applyAll(spec.slice(0, 1));
    db.run('PRAGMA foreign_keys = OFF');
    db.run("INSERT INTO tasks (id, project_id, title) VALUES (3, 42, 'orphan')");
    const results = byName(verifyDatabase(db, spec.slice(0, 1)));
    assert.deepEqual(results.foreign_key_check, [false, 'tasks rowid 3 references missing projects row']);
  });

  it("fails ledger_shape for another tool's schema_migrations and stops there", () => {
    db.run('CREATE TABLE schema_migrations (version varchar not null primary key)');
    const results = verifyDatabase(db, spec);
    assert.deepEqual(results.map((r) => [r.name, r.ok]), [['integrity_check', true], ['foreign_key_check', true], ['ledger_shape', false]]);
    assert.match(results[2].detail, /Rails/);
  });

  it('does not compare a row recorded without a checksum', () => {
    applyAll(spec.slice(0, 2));
    db.run("UPDATE schema_migrations SET checksum = NULL WHERE version = '1.0.0'");
    const results = byName(verifyDatabase(db, spec.slice(0, 2)));
    assert.deepEqual(results.checksums, [true, '1 applied file matches (1 recorded without a checksum, not compared)']);
  });
});
