import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { scalar, type Connection, type Row } from '../../src/core/engine/connection';
import { readAppliedSql } from '../../src/core/ledger/ledger';
import type { Migration } from '../../src/core/model';
import type { PlanStep } from '../../src/core/run/plan';
import { applyMigration, rollbackMigration, runPlan, sqliteDateTime, type RunContext } from '../../src/core/run/runner';
import { dumpDatabase, makeMigration, readDown, specMigration } from '../fixtures/spec/load';
import { copyOf, ENGINE, openEmpty, removeTempDatabases } from './helpers/engines';

const NOW = new Date('2025-10-19T14:30:00.123Z');

/** A clock that advances 7 ms per reading, so execution_time_ms is exact. */
function context(): RunContext {
  let t = 1000;
  return { now: () => NOW, clock: () => (t += 7) };
}

function up(db: Connection, m: Migration) {
  return applyMigration(db, m, readDown(m), context());
}

function down(db: Connection, m: Migration, downSql: string | null = readDown(m)) {
  return rollbackMigration(db, { version: m.version, name: m.name, downPath: m.downPath, downSql }, context());
}

function ledger(db: Connection): Row[] {
  return db.all('SELECT id, version, status FROM schema_migrations ORDER BY id');
}

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  return text.slice(0, at).split('\n').length;
}

function columns(db: Connection, table: string): Row[] {
  return db.all('SELECT name, "notnull" FROM pragma_table_info(?) ORDER BY cid', [table]);
}

function seed(db: Connection): void {
  db.exec(`PRAGMA foreign_keys = ON;
    INSERT INTO projects (id, name) VALUES (1, 'api'), (2, 'web');
    INSERT INTO milestones (id, project_id, name) VALUES (1, 1, 'm1'), (2, 2, 'm2');
    INSERT INTO tasks (id, project_id, milestone_id, title, status, priority_score) VALUES
      (1, 1, 1, 'one', 'open', 10), (2, 1, 1, 'two', 'done', 20), (3, 2, 2, 'three', 'in_progress', 30), (4, 2, NULL, 'four', 'blocked', 40);
    INSERT INTO task_comments (task_id, body) VALUES (1, 'a'), (1, 'b'), (2, 'c'), (3, 'd'), (4, 'e'), (4, 'f');`);
}

describe(`runner (${ENGINE})`, () => {
  let db: Connection;
  const spec = [1, 2, 3, 4].map(specMigration);
  const [m001, m002, m003, m004] = spec;

  beforeEach(async () => {
    db = await openEmpty();
  });
  afterEach(() => db.close());
  after(removeTempDatabases);

  describe('applying', () => {
    it("applies the spec's 001 and records the row and the applied texts in the same transaction", () => {
      const outcome = up(db, m001);
      assert.equal(outcome.error, undefined);
      assert.deepEqual([outcome.ok, outcome.direction, outcome.version, outcome.executionTimeMs], [true, 'up', '1.0.0', 7]);
      const row = db.all('SELECT version, description, applied_at, checksum, execution_time_ms, status FROM schema_migrations');
      assert.deepEqual(row, [['1.0.0', m001.description, '2025-10-19 14:30:00', m001.checksum, 7, 'applied']]);
      assert.deepEqual(readAppliedSql(db, '1.0.0'), { upSql: m001.sql, downSql: readDown(m001) });
      const objects = db.all("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite%' AND name NOT LIKE 'schema%' ORDER BY type, name");
      assert.deepEqual(objects, [
        ['index', 'idx_tasks_priority_queue'],
        ['table', 'milestones'],
        ['table', 'projects'],
        ['table', 'task_comments'],
        ['table', 'tasks'],
        ['trigger', 'trg_tasks_count_delete'],
        ['trigger', 'trg_tasks_count_insert'],
        ['trigger', 'trg_tasks_count_update'],
      ]);
      // The file's own INSERT INTO schema_migrations was skipped, with its line.
      assert.deepEqual(
        outcome.warnings.map((w) => [w.code, w.file, w.line]),
        [['ledger-write-skipped', m001.upPath, lineOf(m001.sql, 'INSERT INTO schema_migrations')]],
      );
      assert.equal(scalar(db, 'PRAGMA foreign_keys'), 1);
    });

    it("runs the spec's example migrations as written (BEGIN/COMMIT and ledger writes included), then rolls them back", () => {
      for (const m of spec) assert.equal(up(db, m).ok, true, m.name);
      assert.deepEqual(ledger(db), [[1, '1.0.0', 'applied'], [2, '1.1.0', 'applied'], [3, '1.1.1', 'applied'], [4, '1.2.0', 'applied']]);
      assert.deepEqual(columns(db, 'tasks').map((c) => c[0]).at(-1), 'priority_level');
      assert.deepEqual(columns(db, 'tasks').find((c) => c[0] === 'title'), ['title', 1]);
      assert.equal(scalar(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('idx_tasks_status_updated', 'idx_tasks_priority_queue')"), 2);
      assert.equal(scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tasks'"), 3);

      assert.equal(down(db, m004).ok, true);
      assert.deepEqual(columns(db, 'tasks').find((c) => c[0] === 'title'), ['title', 0]);
      assert.equal(down(db, m003).ok, true);
      assert.equal(scalar(db, "SELECT count(*) FROM sqlite_master WHERE name = 'idx_tasks_status_updated'"), 0);
      const rolled = down(db, m002);
      assert.equal(rolled.ok, true);
      assert.equal(rolled.direction, 'down');
      assert.equal(columns(db, 'tasks').some((c) => c[0] === 'priority_level'), false);
      assert.deepEqual(rolled.warnings.map((w) => [w.code, w.line]), [['ledger-write-skipped', 6]]);
      assert.deepEqual(ledger(db), [[1, '1.0.0', 'applied'], [2, '1.1.0', 'rolled_back'], [3, '1.1.1', 'rolled_back'], [4, '1.2.0', 'rolled_back']]);

      // Re-applying updates the same row: one row per version.
      assert.equal(up(db, m002).ok, true);
      assert.deepEqual(ledger(db)[1], [2, '1.1.0', 'applied']);
      assert.equal(scalar(db, 'SELECT count(*) FROM schema_migrations'), 4);
    });

    it('skips the ledger writes of Scenarios 1, 2 and 3 with a warning at their lines', () => {
      up(db, m001);
      const lines = [m002, m003, m004].map((m) => up(db, m).warnings.map((w) => [w.code, w.line]));
      assert.deepEqual(lines, [
        [['ledger-write-skipped', 6]],
        [['ledger-write-skipped', 7]],
        [['ledger-write-skipped', lineOf(m004.sql, 'INSERT INTO schema_migrations')]],
      ]);
      // Scenario 1's UPDATE would have renamed the latest row's version; it did not run.
      assert.deepEqual(ledger(db).map((r) => r[1]), ['1.0.0', '1.1.0', '1.1.1', '1.2.0']);
    });

    it('a table rebuild under a child with ON DELETE CASCADE keeps every child row', async () => {
      for (const m of [m001, m002, m003]) up(db, m);
      seed(db);
      const comments = db.all('SELECT * FROM task_comments ORDER BY id');
      const tasks = db.all('SELECT * FROM tasks ORDER BY id');
      assert.equal(comments.length, 6);

      // Control: the same file run naively with foreign keys on loses the children.
      const naive = await copyOf(db);
      try {
        assert.equal(scalar(naive, 'SELECT count(*) FROM task_comments'), 6);
        naive.exec('PRAGMA foreign_keys = ON');
        naive.exec(m004.sql.replace(/INSERT INTO schema_migrations[^;]*;/, ''));
        assert.equal(scalar(naive, 'SELECT count(*) FROM task_comments'), 0);
      } finally {
        naive.close();
      }

      const outcome = up(db, m004);
      assert.equal(outcome.ok, true, outcome.error?.message);
      assert.deepEqual(db.all('SELECT * FROM task_comments ORDER BY id'), comments);
      assert.deepEqual(db.all('SELECT * FROM tasks ORDER BY id'), tasks);
      assert.deepEqual(db.all('PRAGMA foreign_key_check'), []);
      assert.equal(scalar(db, 'PRAGMA foreign_keys'), 1);
      // The recreated triggers work, and the child still cascades from the rebuilt parent.
      assert.deepEqual(db.all('SELECT total_tasks, completed_tasks FROM milestones WHERE id = 1'), [[2, 1]]);
      db.run("INSERT INTO tasks (project_id, milestone_id, title, status) VALUES (1, 1, 'five', 'done')");
      assert.deepEqual(db.all('SELECT total_tasks, completed_tasks FROM milestones WHERE id = 1'), [[3, 2]]);
      db.run('DELETE FROM tasks WHERE id = 1');
      assert.equal(scalar(db, 'SELECT count(*) FROM task_comments WHERE task_id = 1'), 0);
    });

    it('a failing statement in the middle of a file leaves schema and data as they were, then records a failed row', () => {
      for (const m of [m001, m002, m003]) up(db, m);
      seed(db);
      db.run("INSERT INTO tasks (id, project_id, title) VALUES (5, 1, NULL)");
      const before = dumpDatabase(db, ['schema_migrations']);
      const ledgerBefore = db.all('SELECT * FROM schema_migrations ORDER BY id');

      const outcome = up(db, m004);
      assert.equal(outcome.ok, false);
      const line = lineOf(m004.sql, 'INSERT INTO tasks_new SELECT * FROM tasks;');
      assert.deepEqual([outcome.error?.code, outcome.error?.file, outcome.error?.line], ['statement-failed', m004.upPath, line]);
      assert.match(outcome.error?.message ?? '', new RegExp(`^004_task_title_not_null\\.sql:${line}: `));
      assert.match(outcome.error?.message ?? '', /NOT NULL constraint failed: tasks_new\.title/);
      assert.match(outcome.error?.message ?? '', /"INSERT INTO tasks_new SELECT \* FROM tasks"/);

      assert.equal(dumpDatabase(db, ['schema_migrations']), before);
      const ledgerAfter = db.all('SELECT * FROM schema_migrations ORDER BY id');
      assert.deepEqual(ledgerAfter.slice(0, 3), ledgerBefore);
      assert.deepEqual(ledgerAfter[3].slice(1), ['1.2.0', m004.description, '2025-10-19 14:30:00', m004.checksum, null, 'failed']);
      assert.equal(readAppliedSql(db, '1.2.0'), undefined);
      assert.equal(scalar(db, 'PRAGMA foreign_keys'), 1);

      // Fixed data, second attempt: the failed row becomes the applied row.
      db.run("UPDATE tasks SET title = 'five' WHERE id = 5");
      const retry = up(db, m004);
      assert.equal(retry.ok, true, retry.error?.message);
      assert.deepEqual(ledger(db)[3], [ledgerAfter[3][0], '1.2.0', 'applied']);
      assert.equal(scalar(db, 'SELECT count(*) FROM schema_migrations'), 4);
    });

    it("absorbs the file's BEGIN/COMMIT/END: a failure after a COMMIT still undoes everything before it", () => {
      const m = makeMigration(7, 'commits_early', 'BEGIN;\nCREATE TABLE a(x);\nCOMMIT;\nCREATE TABLE b(x);\nEND TRANSACTION;\nBEGIN IMMEDIATE;\nINSERT INTO nowhere VALUES (1);\nCOMMIT;\n');
      up(db, makeMigration(1, 'base', 'CREATE TABLE base(x);'));
      const before = dumpDatabase(db, ['schema_migrations']);
      const outcome = up(db, m);
      assert.equal(outcome.ok, false);
      assert.equal(outcome.error?.line, 7);
      assert.match(outcome.error?.message ?? '', /no such table: nowhere/);
      assert.equal(dumpDatabase(db, ['schema_migrations']), before);
    });

    it('reports a syntax error with the line of the statement, quoting at most 200 characters of it', () => {
      const long = `CREATE TABLE t (${Array.from({ length: 60 }, (_, i) => `c${i} TEXT`).join(', ')},)`;
      const m = makeMigration(3, 'bad', `-- header\n\nCREATE TABLE ok1(x);\n/* note */\n${long};\n`);
      const outcome = up(db, m);
      assert.equal(outcome.error?.line, 5);
      assert.match(outcome.error?.message ?? '', /^003_bad\.sql:5: .*syntax error/);
      const quoted = /in statement: "(.*)"$/.exec(outcome.error?.message ?? '')?.[1] ?? '';
      assert.equal(quoted, long.slice(0, 200) + '…');
      assert.equal(scalar(db, "SELECT count(*) FROM sqlite_master WHERE name = 'ok1'"), 0);
    });

    const refusals: [string, string][] = [
      ['VACUUM', 'VACUUM'],
      ['PRAGMA journal_mode = WAL', 'journal_mode'],
      ["ATTACH DATABASE ':memory:' AS other", 'ATTACH'],
      ['DETACH other', 'DETACH'],
      ['ROLLBACK', 'ROLLBACK'],
      ['SAVEPOINT s1', 'SAVEPOINT'],
      ['RELEASE s1', 'RELEASE'],
    ];
    for (const [statement, word] of refusals) {
      it(`refuses ${statement} before anything runs, naming the line`, () => {
        up(db, makeMigration(1, 'base', 'CREATE TABLE base(x);'));
        const before = dumpDatabase(db);
        const m = makeMigration(2, 'refused', `CREATE TABLE a(x);\nINSERT INTO base VALUES (1);\n${statement};\n`);
        const outcome = up(db, m);
        assert.deepEqual([outcome.ok, outcome.error?.code, outcome.error?.line, outcome.error?.file], [false, 'statement-refused', 3, m.upPath]);
        assert.ok(outcome.error?.message.includes(word));
        assert.equal(dumpDatabase(db), before);
      });
    }

    it("refuses to run when schema_migrations has another tool's shape, and runs nothing", () => {
      db.run('CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null)');
      const before = dumpDatabase(db);
      const outcome = up(db, m001);
      assert.deepEqual([outcome.ok, outcome.error?.code], [false, 'ledger-foreign']);
      assert.match(outcome.error?.message ?? '', /golang-migrate/);
      assert.equal(dumpDatabase(db), before);
    });

    it('refuses a migration that alters the ledger (ALTER) before anything runs, and keeps the ledger as it was', () => {
      up(db, makeMigration(1, 'base', 'CREATE TABLE base(x);'));
      const before = dumpDatabase(db);
      const outcome = up(db, makeMigration(2, 'ledger_ddl', 'CREATE TABLE a(x);\nALTER TABLE schema_migrations ADD COLUMN note TEXT;'));
      assert.deepEqual([outcome.ok, outcome.error?.code, outcome.error?.line], [false, 'statement-refused', 2]);
      assert.equal(dumpDatabase(db), before);
    });

    for (const [statement, found] of [['DROP TABLE schema_migrations', /dropped it/]] as const) {
      it(`fails a migration that changes the ledger itself (${statement.split(' ')[0]}) and keeps the ledger as it was`, () => {
        up(db, makeMigration(1, 'base', 'CREATE TABLE base(x);'));
        const before = dumpDatabase(db, ['schema_migrations']);
        const outcome = up(db, makeMigration(2, 'ledger_ddl', `CREATE TABLE a(x);\n${statement};`));
        assert.deepEqual([outcome.ok, outcome.error?.code], [false, 'ledger-changed']);
        assert.match(outcome.error?.message ?? '', found);
        assert.equal(dumpDatabase(db, ['schema_migrations']), before);
        assert.deepEqual(ledger(db), [[1, '001', 'applied'], [2, '002', 'failed']]);
      });
    }

    it('refuses a version that is already applied', () => {
      up(db, m001);
      const before = dumpDatabase(db);
      const again = up(db, m001);
      assert.deepEqual([again.ok, again.error?.code], [false, 'already-applied']);
      assert.equal(dumpDatabase(db), before);
    });

    it('fails when foreign_key_check is not empty before COMMIT, naming the violations', () => {
      up(db, m001);
      const before = dumpDatabase(db, ['schema_migrations']);
      const m = makeMigration(5, 'orphans', "INSERT INTO projects (id, name) VALUES (1, 'p');\nINSERT INTO tasks (id, project_id, title) VALUES (7, 99, 'orphan');\n");
      const outcome = up(db, m);
      assert.deepEqual([outcome.ok, outcome.error?.code], [false, 'foreign-key-violations']);
      assert.match(outcome.error?.message ?? '', /tasks rowid 7 references missing projects row/);
      assert.equal(dumpDatabase(db, ['schema_migrations']), before);
      assert.equal(scalar(db, "SELECT status FROM schema_migrations WHERE version = '005'"), 'failed');
      assert.equal(scalar(db, 'PRAGMA foreign_keys'), 1);
    });

    it('fails a rename-first rebuild that leaves foreign keys pointing at a dropped table, even with no child rows', () => {
      up(db, m001);
      const before = dumpDatabase(db, ['schema_migrations']);
      const sql = [
        'ALTER TABLE tasks RENAME TO tasks_old;',
        'CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER, milestone_id INTEGER, title TEXT NOT NULL, status TEXT, priority_score INTEGER, created_at TEXT, updated_at TEXT);',
        'INSERT INTO tasks SELECT * FROM tasks_old;',
        'DROP TABLE tasks_old;',
      ].join('\n');
      const outcome = up(db, makeMigration(5, 'rename_first', sql));
      assert.deepEqual([outcome.ok, outcome.error?.code], [false, 'foreign-key-dangling']);
      assert.match(outcome.error?.message ?? '', /task_comments\.task_id references tasks_old/);
      assert.equal(dumpDatabase(db, ['schema_migrations']), before);
    });

    it('rolls back cleanly when a trigger RAISE(ROLLBACK) already ended the transaction', () => {
      up(db, makeMigration(1, 'base', 'CREATE TABLE base(x);'));
      const before = dumpDatabase(db, ['schema_migrations']);
      const sql = "CREATE TABLE guarded(x);\nCREATE TRIGGER no_insert BEFORE INSERT ON guarded BEGIN SELECT RAISE(ROLLBACK, 'guarded says no'); END;\nINSERT INTO guarded VALUES (1);";
      const outcome = up(db, makeMigration(2, 'raise', sql));
      assert.deepEqual([outcome.ok, outcome.error?.line], [false, 3]);
      assert.match(outcome.error?.message ?? '', /guarded says no/);
      assert.equal(dumpDatabase(db, ['schema_migrations']), before);
      assert.equal(scalar(db, "SELECT status FROM schema_migrations WHERE version = '002'"), 'failed');
    });

    it('refuses to start inside a transaction the caller left open, and records nothing', () => {
      up(db, makeMigration(1, 'base', 'CREATE TABLE base(x);'));
      db.run('BEGIN');
      const outcome = up(db, makeMigration(2, 'x', 'CREATE TABLE x(y);'));
      db.run('ROLLBACK');
      assert.deepEqual([outcome.ok, outcome.error?.code], [false, 'transaction-open']);
      assert.equal(scalar(db, 'SELECT count(*) FROM schema_migrations'), 1);
    });

    it('turns foreign keys back on and restores legacy_alter_table; renames inside run with it off', () => {
      db.run('PRAGMA legacy_alter_table = ON');
      const sql = 'CREATE TABLE p(id INTEGER PRIMARY KEY);\nCREATE TABLE c(p_id REFERENCES p(id));\nCREATE VIEW v AS SELECT * FROM p;\nALTER TABLE p RENAME TO parent;';
      assert.equal(up(db, makeMigration(1, 'rename', sql)).ok, true);
      assert.equal(scalar(db, 'PRAGMA foreign_keys'), 1);
      assert.equal(scalar(db, 'PRAGMA legacy_alter_table'), 1);
      assert.match(String(scalar(db, "SELECT sql FROM sqlite_master WHERE name = 'c'")), /REFERENCES "parent"/);
      assert.match(String(scalar(db, "SELECT sql FROM sqlite_master WHERE name = 'v'")), /"parent"/);
      assert.equal(up(db, makeMigration(2, 'fails', 'CREATE TABLE z(x);\nSELECT * FROM nowhere;')).ok, false);
      assert.equal(scalar(db, 'PRAGMA foreign_keys'), 1);
      assert.equal(scalar(db, 'PRAGMA legacy_alter_table'), 1);
    });

    it('records an empty migration as applied, with an info line', () => {
      const outcome = up(db, makeMigration(1, 'nothing', '-- nothing yet\nBEGIN;\nCOMMIT;\n'));
      assert.equal(outcome.ok, true);
      assert.deepEqual(outcome.warnings.map((w) => [w.code, w.severity]), [['empty-migration', 'info']]);
      assert.deepEqual(ledger(db), [[1, '001', 'applied']]);
    });
  });

  describe('rolling back', () => {
    it('refuses without a down file, and runs nothing', () => {
      up(db, m001);
      up(db, m002);
      const before = dumpDatabase(db);
      const outcome = down(db, m002, null);
      assert.deepEqual([outcome.ok, outcome.error?.code], [false, 'no-down']);
      assert.match(outcome.error?.message ?? '', /002_add_task_priority/);
      assert.equal(dumpDatabase(db), before);
    });

    it('rolls back as a no-op when the down file is empty, comments only, or only transaction control and ledger writes; a warning when the up changed the schema', () => {
      up(db, m001);
      up(db, m002);
      const schema = dumpDatabase(db, ['schema_migrations', 'schema_migrations_sql']);
      const cases = ['', '-- nothing to undo\n/* really */\n', "BEGIN TRANSACTION;\nUPDATE schema_migrations SET status = 'rolled_back' WHERE version = '1.1.0';\nCOMMIT;"];
      for (const downSql of cases) {
        const outcome = down(db, m002, downSql);
        assert.equal(outcome.ok, true, `${JSON.stringify(downSql)}: ${outcome.error?.message}`);
        const notes = outcome.warnings.filter((w) => w.code === 'empty-down');
        // 002 added a column: a down that runs nothing leaves it, and applying 002 again would meet it.
        assert.deepEqual(notes.map((w) => w.severity), ['warning'], JSON.stringify(downSql));
        assert.match(notes[0].message, /has no statements to run, so 002_\w+ is marked rolled back but what its up file changed stays \(line \d+: ALTER TABLE/);
        assert.equal(scalar(db, "SELECT status FROM schema_migrations WHERE version = '1.1.0'"), 'rolled_back');
        assert.equal(dumpDatabase(db, ['schema_migrations', 'schema_migrations_sql']), schema, 'nothing but the ledger changed');
        // The schema still has 002's column, so the next case starts from the row marked applied again.
        db.run("UPDATE schema_migrations SET status = 'applied' WHERE version = '1.1.0'");
      }
    });

    it('refuses to roll back what is not applied: pending, failed or already rolled back', () => {
      up(db, m001);
      assert.deepEqual([down(db, m002).ok, down(db, m002).error?.code], [false, 'not-applied']);
      up(db, m002);
      assert.equal(down(db, m002).ok, true);
      const again = down(db, m002);
      assert.deepEqual([again.ok, again.error?.code], [false, 'not-applied']);
      assert.match(again.error?.message ?? '', /rolled_back/);
      applyMigration(db, makeMigration(9, 'broken', 'SELECT * FROM nowhere;'), 'SELECT 1;', context());
      const failed = rollbackMigration(db, { version: '009', name: '009_broken', downSql: 'SELECT 1;' }, context());
      assert.deepEqual([failed.ok, failed.error?.code], [false, 'not-applied']);
    });

    it("refuses on another tool's ledger, naming its shape", () => {
      db.run('CREATE TABLE schema_migrations (version varchar not null primary key)');
      const outcome = down(db, m002);
      assert.deepEqual([outcome.ok, outcome.error?.code], [false, 'ledger-foreign']);
      assert.match(outcome.error?.message ?? '', /Rails/);
    });

    it('a failing down file leaves the schema and the applied row as they were, naming the down file and line', () => {
      up(db, m001);
      up(db, m002);
      const before = dumpDatabase(db);
      const downPath = '/virtual/002_add_task_priority.down.sql';
      const outcome = rollbackMigration(db, { version: '1.1.0', name: m002.name, downPath, downSql: 'ALTER TABLE tasks DROP COLUMN priority_level;\n\nDROP TABLE nowhere;' }, context());
      assert.deepEqual([outcome.ok, outcome.error?.file, outcome.error?.line], [false, downPath, 3]);
      assert.match(outcome.error?.message ?? '', /^002_add_task_priority\.down\.sql:3: no such table: nowhere/);
      assert.equal(dumpDatabase(db), before);
    });

    it('can roll back with the down SQL recorded when it was applied', () => {
      up(db, m001);
      up(db, m002);
      const recorded = readAppliedSql(db, '1.1.0')?.downSql ?? null;
      const outcome = rollbackMigration(db, { version: '1.1.0', name: m002.name, downSql: recorded }, context());
      assert.equal(outcome.ok, true, outcome.error?.message);
      assert.equal(columns(db, 'tasks').some((c) => c[0] === 'priority_level'), false);
    });

    it('the spec 004 rebuild back keeps every child row too', () => {
      for (const m of [m001, m002, m003]) up(db, m);
      seed(db);
      up(db, m004);
      const tasks = db.all('SELECT * FROM tasks ORDER BY id');
      const comments = db.all('SELECT * FROM task_comments ORDER BY id');
      const outcome = down(db, m004);
      assert.equal(outcome.ok, true, outcome.error?.message);
      assert.deepEqual(columns(db, 'tasks').find((c) => c[0] === 'title'), ['title', 0]);
      assert.deepEqual(db.all('SELECT * FROM tasks ORDER BY id'), tasks);
      assert.deepEqual(db.all('SELECT * FROM task_comments ORDER BY id'), comments);
      assert.equal(comments.length, 6);
      assert.deepEqual(db.all('PRAGMA foreign_key_check'), []);
    });
  });

  describe('runPlan', () => {
    const step = (m: Migration): PlanStep => ({ direction: 'up', migration: m, downSql: readDown(m) });

    it('applies in order and stops at the first failure', () => {
      const bad = makeMigration(3, 'bad', 'SELECT * FROM nowhere;');
      const outcomes = runPlan(db, [step(m001), step(m002), step(bad), step(m003)], context());
      assert.deepEqual(outcomes.map((o) => [o.name, o.ok]), [[m001.name, true], [m002.name, true], ['003_bad', false]]);
      assert.deepEqual(ledger(db).map((r) => [r[1], r[2]]), [['1.0.0', 'applied'], ['1.1.0', 'applied'], ['003', 'failed']]);
    });

    it('checks every step before running any: a refused statement in a later file runs nothing', () => {
      const bad = makeMigration(3, 'vacuum', 'CREATE TABLE v(x);\nVACUUM;');
      const outcomes = runPlan(db, [step(m001), step(bad)], context());
      assert.deepEqual(outcomes.map((o) => [o.name, o.ok, o.error?.code, o.error?.line]), [['003_vacuum', false, 'statement-refused', 2]]);
      assert.equal(scalar(db, 'SELECT count(*) FROM sqlite_master'), 0);
    });

    it('checks down steps too: no down SQL for a later step runs nothing', () => {
      for (const m of [m001, m002, m003]) up(db, m);
      const before = dumpDatabase(db);
      const steps: PlanStep[] = [
        { direction: 'down', version: m003.version, name: m003.name, downPath: m003.downPath, downSql: readDown(m003) },
        { direction: 'down', version: m002.version, name: m002.name, downSql: null },
      ];
      const outcomes = runPlan(db, steps, context());
      assert.deepEqual(outcomes.map((o) => [o.name, o.direction, o.error?.code]), [[m002.name, 'down', 'no-down']]);
      assert.equal(dumpDatabase(db), before);
    });
  });

  it('formats applied_at as SQLite datetime in UTC', () => {
    assert.equal(sqliteDateTime(new Date('2025-01-02T03:04:05.999Z')), '2025-01-02 03:04:05');
    assert.ok(fs.existsSync(m001.upPath));
  });
});
