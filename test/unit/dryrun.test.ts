import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scalar, type Connection } from '../../src/core/engine/connection';
import { SqlJsConnection } from '../../src/core/engine/sqljs/connection';
import { loadSqlJs } from '../../src/core/engine/sqljs/load';
import { SqlJsTask } from '../../src/core/engine/sqljs/task';
import { dryRun } from '../../src/core/run/dryrun';
import type { Migration } from '../../src/core/model';
import type { PlanStep } from '../../src/core/run/plan';
import { applyMigration, type RunContext } from '../../src/core/run/runner';
import { dumpDatabase, makeMigration, readDown, specMigration } from '../fixtures/spec/load';
import { copyOf, ENGINE, openEmpty, removeTempDatabases } from './helpers/engines';

const ctx: RunContext = { now: () => new Date('2025-10-19T14:30:00Z'), clock: () => 0 };
const upStep = (m: Migration): PlanStep => ({ direction: 'up', migration: m, downSql: readDown(m) });
const [m001, m002, m003, m004] = [1, 2, 3, 4].map(specMigration);

/** 001 applied and some rows. */
function seedBase(db: Connection): void {
  applyMigration(db, m001, readDown(m001), ctx);
  db.exec(`INSERT INTO projects (id, name) VALUES (1, 'api');
    INSERT INTO milestones (id, project_id, name) VALUES (1, 1, 'm1');
    INSERT INTO tasks (id, project_id, milestone_id, title) VALUES (1, 1, 1, 'a'), (2, 1, 1, 'b');
    INSERT INTO task_comments (task_id, body) VALUES (1, 'x'), (2, 'y'), (2, 'z');`);
}

function hasPriorityLevel(db: Connection): boolean {
  return scalar(db, "SELECT count(*) FROM pragma_table_info('tasks') WHERE name = 'priority_level'") === 1;
}

describe(`dryRun (${ENGINE})`, () => {
  let db: Connection;
  beforeEach(async () => {
    db = await openEmpty();
    seedBase(db);
  });
  afterEach(() => db.close());
  after(removeTempDatabases);

  it('reports outcomes and per-table row counts, leaves the database it was copied from untouched, and closes the copy', async () => {
    const before = dumpDatabase(db);
    const scratch = await copyOf(db);
    const report = dryRun(scratch, [m002, m003, m004].map(upStep), ctx);
    assert.deepEqual(report.outcomes.map((o) => [o.name, o.ok]), [[m002.name, true], [m003.name, true], [m004.name, true]]);
    assert.deepEqual(report.outcomes[0].warnings.map((w) => w.line), [6]);
    assert.deepEqual(report.tablesCreated, []);
    assert.deepEqual(report.tablesDropped, []);
    assert.deepEqual(report.rowCounts, [
      { table: 'milestones', before: 1, after: 1 },
      { table: 'projects', before: 1, after: 1 },
      { table: 'task_comments', before: 3, after: 3 },
      { table: 'tasks', before: 2, after: 2 },
    ]);
    assert.equal(dumpDatabase(db), before);
    assert.equal(hasPriorityLevel(db), false);
    assert.throws(() => scratch.all('SELECT 1'));
  });

  it('starts from an empty database, and lists the tables it would create: the user\'s, not the ledger\'s', async () => {
    const report = dryRun(await openEmpty(), [upStep(m001)], ctx);
    assert.deepEqual(report.tablesCreated, ['milestones', 'projects', 'task_comments', 'tasks']);
    assert.deepEqual(report.tablesDropped, []);
    assert.deepEqual(report.rowCounts.find((r) => r.table === 'tasks'), { table: 'tasks', before: 0, after: 0 });
    assert.equal(report.rowCounts.find((r) => r.table.startsWith('schema_migrations')), undefined);
  });

  it('reports tables dropped and the rows they held, for a down step', async () => {
    const before = dumpDatabase(db);
    const step: PlanStep = { direction: 'down', version: m001.version, name: m001.name, downPath: m001.downPath, downSql: readDown(m001) };
    const report = dryRun(await copyOf(db), [step], ctx);
    assert.deepEqual(report.outcomes.map((o) => [o.direction, o.ok]), [['down', true]]);
    assert.deepEqual(report.tablesDropped, ['milestones', 'projects', 'task_comments', 'tasks']);
    assert.deepEqual(report.rowCounts.find((r) => r.table === 'task_comments'), { table: 'task_comments', before: 3, after: 0 });
    assert.equal(dumpDatabase(db), before);
  });

  it('reports a failure and stops there; the counts show nothing of the failed step', async () => {
    const bad = makeMigration(3, 'bad', "INSERT INTO tasks (project_id, title) VALUES (1, 'c');\nSELECT * FROM nowhere;");
    const report = dryRun(await copyOf(db), [upStep(m002), upStep(bad), upStep(m003)], ctx);
    assert.deepEqual(report.outcomes.map((o) => [o.name, o.ok]), [[m002.name, true], ['003_bad', false]]);
    assert.equal(report.outcomes[1].error?.line, 2);
    assert.deepEqual(report.rowCounts.find((r) => r.table === 'tasks'), { table: 'tasks', before: 2, after: 2 });
  });
});

describe('dryRun on sql.js: the scratch copy comes from the bytes read from the file', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlm-dryrun-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('leaves the bytes, the file and the task\'s own database untouched', async () => {
    const SQL = await loadSqlJs();
    const base = new SqlJsConnection(new SQL.Database());
    seedBase(base);
    const bytes = base.export();
    base.close();
    const file = path.join(dir, 'app.db');
    fs.writeFileSync(file, bytes);
    const copy = Uint8Array.from(bytes);
    const mtime = fs.statSync(file).mtimeMs;

    // As the worker receives them: structured clone turns the main thread's Buffer into a plain Uint8Array.
    const read = new Uint8Array(fs.readFileSync(file));
    const task = new SqlJsTask(SQL, read);
    try {
      const report = dryRun(await task.scratchCopy(), [m002, m003, m004].map(upStep), ctx);
      assert.deepEqual(report.outcomes.map((o) => [o.name, o.ok]), [[m002.name, true], [m003.name, true], [m004.name, true]]);
      assert.equal(hasPriorityLevel(task.conn), false);
    } finally {
      task.close();
    }
    assert.deepEqual(read, copy);
    assert.deepEqual(fs.readFileSync(file), Buffer.from(copy));
    assert.equal(fs.statSync(file).mtimeMs, mtime);
  });
});
