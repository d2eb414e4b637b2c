import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { dryRun } from '../../src/core/run/dryrun';
import type { Migration } from '../../src/core/model';
import type { PlanStep } from '../../src/core/run/plan';
import { applyMigration, type RunContext } from '../../src/core/run/runner';
import { loadSqlJs } from '../../src/core/engine/sqljs/load';
import { dumpDatabase, makeMigration, readDown, specMigration } from '../fixtures/spec/load';

const ctx: RunContext = { now: () => new Date('2025-10-19T14:30:00Z'), clock: () => 0 };
const upStep = (m: Migration): PlanStep => ({ direction: 'up', migration: m, downSql: readDown(m) });

describe('dryRun', () => {
  let SQL: SqlJsStatic;
  let dir: string;
  const [m001, m002, m003, m004] = [1, 2, 3, 4].map(specMigration);

  before(async () => {
    SQL = await loadSqlJs();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlm-dryrun-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A database file with 001 applied and some rows. */
  function baseBytes(): Uint8Array {
    const db = new SQL.Database();
    applyMigration(db, m001, readDown(m001), ctx);
    db.exec(`INSERT INTO projects (id, name) VALUES (1, 'api');
      INSERT INTO milestones (id, project_id, name) VALUES (1, 1, 'm1');
      INSERT INTO tasks (id, project_id, milestone_id, title) VALUES (1, 1, 1, 'a'), (2, 1, 1, 'b');
      INSERT INTO task_comments (task_id, body) VALUES (1, 'x'), (2, 'y'), (2, 'z');`);
    const bytes = db.export();
    db.close();
    return bytes;
  }

  it('reports outcomes and per-table row counts, and leaves the bytes and the file untouched', () => {
    const bytes = baseBytes();
    const file = path.join(dir, 'app.db');
    fs.writeFileSync(file, bytes);
    const copy = Uint8Array.from(bytes);
    const mtime = fs.statSync(file).mtimeMs;

    const report = dryRun(SQL, fs.readFileSync(file), [m002, m003, m004].map(upStep), ctx);
    assert.deepEqual(report.outcomes.map((o) => [o.name, o.ok]), [[m002.name, true], [m003.name, true], [m004.name, true]]);
    assert.deepEqual(report.outcomes[0].warnings.map((w) => w.line), [6]);
    assert.deepEqual(report.tablesCreated, []);
    assert.deepEqual(report.tablesDropped, []);
    assert.deepEqual(report.rowCounts, [
      { table: 'milestones', before: 1, after: 1 },
      { table: 'projects', before: 1, after: 1 },
      { table: 'schema_migrations', before: 1, after: 4 },
      { table: 'schema_migrations_sql', before: 1, after: 4 },
      { table: 'task_comments', before: 3, after: 3 },
      { table: 'tasks', before: 2, after: 2 },
    ]);
    assert.deepEqual(bytes, copy);
    assert.deepEqual(fs.readFileSync(file), Buffer.from(copy));
    assert.equal(fs.statSync(file).mtimeMs, mtime);
    const reopened = new SQL.Database(bytes);
    assert.equal(reopened.exec("SELECT count(*) FROM pragma_table_info('tasks') WHERE name = 'priority_level'")[0].values[0][0], 0);
    reopened.close();
  });

  it('starts from an empty database when there are no bytes, and lists the tables it would create', () => {
    const report = dryRun(SQL, null, [upStep(m001)], ctx);
    assert.deepEqual(report.tablesCreated, ['milestones', 'projects', 'schema_migrations', 'schema_migrations_sql', 'task_comments', 'tasks']);
    assert.deepEqual(report.tablesDropped, []);
    assert.deepEqual(report.rowCounts.find((r) => r.table === 'tasks'), { table: 'tasks', before: 0, after: 0 });
    assert.deepEqual(report.rowCounts.find((r) => r.table === 'schema_migrations'), { table: 'schema_migrations', before: 0, after: 1 });
  });

  it('reports tables dropped and the rows they held, for a down step', () => {
    const db = new SQL.Database(baseBytes());
    const bytes = db.export();
    const before = dumpDatabase(db);
    db.close();
    const step: PlanStep = { direction: 'down', version: m001.version, name: m001.name, downPath: m001.downPath, downSql: readDown(m001) };
    const report = dryRun(SQL, bytes, [step], ctx);
    assert.deepEqual(report.outcomes.map((o) => [o.direction, o.ok]), [['down', true]]);
    assert.deepEqual(report.tablesDropped, ['milestones', 'projects', 'task_comments', 'tasks']);
    assert.deepEqual(report.rowCounts.find((r) => r.table === 'task_comments'), { table: 'task_comments', before: 3, after: 0 });
    const again = new SQL.Database(bytes);
    assert.equal(dumpDatabase(again), before);
    again.close();
  });

  it('reports a failure and stops there; the counts show nothing of the failed step', () => {
    const bad = makeMigration(3, 'bad', "INSERT INTO tasks (project_id, title) VALUES (1, 'c');\nSELECT * FROM nowhere;");
    const report = dryRun(SQL, baseBytes(), [upStep(m002), upStep(bad), upStep(m003)], ctx);
    assert.deepEqual(report.outcomes.map((o) => [o.name, o.ok]), [[m002.name, true], ['003_bad', false]]);
    assert.equal(report.outcomes[1].error?.line, 2);
    assert.deepEqual(report.rowCounts.find((r) => r.table === 'tasks'), { table: 'tasks', before: 2, after: 2 });
  });
});
