// The bundled example (examples/dashboard-api) is the spec's own project. It is copied to a temp folder,
// migrated with the bundled CLI, and checked with Debian's sqlite3 (neither sql.js nor node:sqlite, so the
// checks do not share the engine's SQLite): the spec's seven Post-Migration Checks after applying everything,
// and again after rolling everything back and re-applying it.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { cli, cliJson, makeWorkspace, removeWorkspace, REPO, sqlite3 } from './helpers/workspace';
import { hasSqlite3 } from './helpers/sqlite3';

const EXAMPLE = path.join(REPO, 'examples', 'dashboard-api');
const MIGRATIONS = ['001_initial_schema', '002_add_task_tags', '003_optimize_task_queries', '004_task_title_not_null', '005_seed_demo_data'];
const VERSIONS = ['1.0.0', '1.1.0', '1.1.1', '1.2.0', '1.2.1'];
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SEED_MILESTONES = [
  { id: 1, total_tasks: 6, completed_tasks: 3, completion_percentage: 50 },
  { id: 2, total_tasks: 4, completed_tasks: 1, completion_percentage: 25 },
  { id: 3, total_tasks: 4, completed_tasks: 1, completion_percentage: 25 },
  { id: 4, total_tasks: 3, completed_tasks: 0, completion_percentage: 0 },
];

type Row = Record<string, unknown>;

/** Statements run in one sqlite3 session with foreign keys on (the shell's default is off); list-mode output lines. */
function run(db: string, sql: string): string[] {
  const out = sqlite3(db, `PRAGMA foreign_keys = ON;\n${sql}\n`).trim();
  return out ? out.split('\n') : [];
}

/** The rows of one query, as sqlite3's JSON mode prints them. */
function rows(db: string, sql: string): Row[] {
  const out = sqlite3(db, `PRAGMA foreign_keys = ON;\n.mode json\n${sql}\n`).trim();
  return out ? (JSON.parse(out) as Row[]) : [];
}

function value(db: string, sql: string): unknown {
  return Object.values(rows(db, sql)[0] ?? {})[0];
}

/** The error sqlite3 stops with; fails the test if the statement was accepted. */
function rejected(db: string, sql: string): string {
  try {
    run(db, sql);
  } catch (e) {
    return (e as Error).message.split('\nSQL:')[0];
  }
  assert.fail(`accepted: ${sql}`);
}

function counters(db: string, id: number): [number, number] {
  const [row] = rows(db, `SELECT total_tasks, completed_tasks FROM milestones WHERE id = ${id}`);
  return [Number(row.total_tasks), Number(row.completed_tasks)];
}

/** Milestones whose counters disagree with their tasks: the triggers' whole job. */
function miscounted(db: string): Row[] {
  return rows(db, `SELECT m.id, m.total_tasks, m.completed_tasks FROM milestones AS m
    WHERE m.total_tasks <> (SELECT count(*) FROM tasks WHERE milestone_id = m.id)
       OR m.completed_tasks <> (SELECT count(*) FROM tasks WHERE milestone_id = m.id AND status = 'done')`);
}

function tasksSequence(db: string): number {
  return Number(value(db, "SELECT seq FROM sqlite_sequence WHERE name = 'tasks'"));
}

function schemaOf(db: string, table: string): string[] {
  return rows(db, `SELECT type || ' ' || name AS o FROM sqlite_master WHERE tbl_name = '${table}' ORDER BY type, name`).map((r) => String(r.o));
}

function titleNotNull(db: string): number {
  return Number(value(db, "SELECT \"notnull\" FROM pragma_table_info('tasks') WHERE name = 'title'"));
}

function upAll(root: string): void {
  const up = cliJson(root, ['up', '--root', root]);
  assert.equal(up.code, 0, up.stderr + JSON.stringify(up.json.outcomes));
  assert.deepEqual(up.json.outcomes.map((o: any) => [o.name, o.direction, o.ok]), MIGRATIONS.map((n) => [n, 'up', true]));
  // Clean files, as users write them: no BEGIN/COMMIT or ledger writes for the runner to skip.
  assert.deepEqual(up.json.outcomes.flatMap((o: any) => o.warnings), []);
}

/** The spec's "Data Integrity Verification -> Post-Migration Checks", 1 to 7, on the seeded database. */
function specPostMigrationChecks(dbPath: () => string): void {
  it('1. every table exists', () => {
    const tables = rows(dbPath(), "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((r) => r.name);
    assert.deepEqual(tables, ['milestones', 'projects', 'repositories', 'schema_migrations', 'schema_migrations_sql', 'sqlite_sequence', 'task_tags', 'tasks']);
    assert.deepEqual(rows(dbPath(), 'SELECT (SELECT count(*) FROM projects) AS p, (SELECT count(*) FROM tasks) AS t, (SELECT count(*) FROM task_tags) AS g'), [{ p: 2, t: 20, g: 26 }]);
  });

  it('2. PRAGMA foreign_key_check is empty and integrity_check is ok', () => {
    assert.deepEqual(rows(dbPath(), 'PRAGMA foreign_key_check'), []);
    assert.equal(value(dbPath(), 'PRAGMA integrity_check'), 'ok');
  });

  it('3. the priority queue query searches idx_tasks_priority_queue', () => {
    const plan = run(dbPath(), `EXPLAIN QUERY PLAN SELECT * FROM tasks WHERE project_id = 1 AND status IN ('open', 'in_progress')
      ORDER BY priority_score DESC LIMIT 100;`).join('\n');
    assert.match(plan, /SEARCH tasks USING INDEX idx_tasks_priority_queue \(project_id=\? AND status=\?\)/);
  });

  it('4. the triggers move the milestone counters on insert, update to done, and delete', () => {
    const lines = run(dbPath(), `SELECT total_tasks, completed_tasks FROM milestones WHERE id = 1;
      INSERT INTO tasks (project_id, milestone_id, title, status) VALUES (1, 1, 'Test Task', 'open');
      SELECT total_tasks, completed_tasks FROM milestones WHERE id = 1;
      UPDATE tasks SET status = 'done' WHERE id = last_insert_rowid();
      SELECT total_tasks, completed_tasks FROM milestones WHERE id = 1;
      DELETE FROM tasks WHERE id = last_insert_rowid();
      SELECT changes();
      SELECT total_tasks, completed_tasks FROM milestones WHERE id = 1;`);
    assert.deepEqual(lines, ['6|3', '7|3', '7|4', '1', '6|3']);
  });

  it('4. moving a task between milestones moves its counts; deleting a milestone detaches its tasks', () => {
    run(dbPath(), 'UPDATE tasks SET milestone_id = 2 WHERE id = 1;');
    assert.deepEqual([counters(dbPath(), 1), counters(dbPath(), 2)], [[5, 2], [5, 2]]);
    assert.deepEqual(miscounted(dbPath()), []);
    run(dbPath(), 'UPDATE tasks SET milestone_id = 1 WHERE id = 1;');
    assert.deepEqual([counters(dbPath(), 1), counters(dbPath(), 2)], [[6, 3], [4, 1]]);
    const detached = run(dbPath(), `BEGIN; DELETE FROM milestones WHERE id = 2;
      SELECT count(*) FROM tasks WHERE milestone_id IS NULL AND project_id = 1; ROLLBACK;`);
    assert.deepEqual(detached, ['6'], 'ON DELETE SET NULL: 2 tasks without a milestone + the 4 of milestone 2');
    assert.deepEqual(miscounted(dbPath()), []);
  });

  const badRows: { why: string; sql: string; error: RegExp }[] = [
    { why: 'an unknown status (spec)', sql: "INSERT INTO tasks (project_id, title, status, priority_score) VALUES (1, 'Test', 'invalid_status', 5000);", error: /CHECK constraint failed: status IN/ },
    { why: 'priority 15000 (spec)', sql: "INSERT INTO tasks (project_id, title, status, priority_score) VALUES (1, 'Test', 'open', 15000);", error: /CHECK constraint failed: priority_score BETWEEN 0 AND 10000/ },
    { why: 'a negative priority', sql: "INSERT INTO tasks (project_id, title, priority_score) VALUES (1, 'Test', -1);", error: /CHECK constraint failed: priority_score/ },
    { why: 'no title (004)', sql: 'INSERT INTO tasks (project_id, title) VALUES (1, NULL);', error: /NOT NULL constraint failed: tasks\.title/ },
    { why: 'a project that does not exist', sql: "INSERT INTO tasks (project_id, title) VALUES (99, 'Test');", error: /FOREIGN KEY constraint failed/ },
    { why: 'a timestamp that is not ISO 8601', sql: "INSERT INTO tasks (project_id, title, created_at, updated_at) VALUES (1, 'T', '2025-10-19 10:00:00', '2025-10-19 10:00:00');", error: /CHECK constraint failed: created_at GLOB/ },
    { why: 'updated_at before created_at', sql: "UPDATE tasks SET updated_at = '2000-01-01T00:00:00.000Z' WHERE id = 2;", error: /CHECK constraint failed: updated_at >= created_at/ },
    { why: 'more completed than total tasks', sql: 'UPDATE milestones SET completed_tasks = total_tasks + 1 WHERE id = 1;', error: /CHECK constraint failed: total_tasks >= 0/ },
    { why: 'a tag that is not lower-case', sql: "INSERT INTO task_tags (task_id, tag) VALUES (1, 'Bug');", error: /CHECK constraint failed: tag <> ''/ },
  ];
  for (const bad of badRows) {
    it(`5. the constraints reject ${bad.why}`, () => {
      assert.match(rejected(dbPath(), bad.sql), bad.error);
      assert.equal(value(dbPath(), 'SELECT count(*) FROM tasks'), 20);
      assert.deepEqual(miscounted(dbPath()), []);
    });
  }

  it('5. the constraints accept the edges of the ranges (priority 0 and 10000)', () => {
    const out = run(dbPath(), `INSERT INTO tasks (project_id, title, priority_score) VALUES (1, 'Low', 0), (1, 'High', 10000);
      SELECT changes(); DELETE FROM tasks WHERE title IN ('Low', 'High');`);
    assert.deepEqual(out, ['2']);
  });

  it('6. completion_percentage = completed_tasks * 100 / total_tasks, and 0 for a milestone without tasks', () => {
    const milestones = rows(dbPath(), 'SELECT id, total_tasks, completed_tasks, completion_percentage FROM milestones ORDER BY id');
    assert.deepEqual(milestones, SEED_MILESTONES);
    const empty = run(dbPath(), `BEGIN; INSERT INTO milestones (project_id, name) VALUES (1, 'Empty');
      SELECT total_tasks, completion_percentage FROM milestones WHERE id = last_insert_rowid(); ROLLBACK;`);
    assert.deepEqual(empty, ['0|0']);
  });

  it('7. timestamps are ISO 8601 and updated_at is later than created_at after an update', () => {
    for (const t of rows(dbPath(), 'SELECT created_at, updated_at FROM tasks')) {
      assert.match(String(t.created_at), ISO_8601);
      assert.equal(new Date(String(t.updated_at)).toISOString(), t.updated_at);
    }
    const [before] = rows(dbPath(), 'SELECT created_at, updated_at FROM tasks WHERE id = 1');
    run(dbPath(), "UPDATE tasks SET title = 'Updated' WHERE id = 1;");
    const [after] = rows(dbPath(), 'SELECT created_at, updated_at, updated_at > created_at AS updated_after_created FROM tasks WHERE id = 1');
    assert.equal(after.updated_after_created, 1);
    assert.equal(after.created_at, before.created_at);
    assert.ok(String(after.updated_at) > String(before.updated_at), `${after.updated_at} > ${before.updated_at}`);
  });

  it('7. updated_at moves 1 ms past its old value when the clock has not (same millisecond, or a clock set back)', () => {
    // A stored time ahead of the clock makes "the clock has not moved on" deterministic.
    const out = run(dbPath(), `INSERT INTO tasks (project_id, title, created_at, updated_at)
        VALUES (1, 'Fresh', '2999-01-01T00:00:00.000Z', '2999-01-01T00:00:00.000Z');
      UPDATE tasks SET title = 'Fresh 2' WHERE id = last_insert_rowid();
      SELECT updated_at, updated_at > created_at FROM tasks WHERE id = last_insert_rowid();
      UPDATE tasks SET status = 'done' WHERE id = last_insert_rowid();
      SELECT updated_at FROM tasks WHERE id = last_insert_rowid();
      DELETE FROM tasks WHERE id = last_insert_rowid();`);
    assert.deepEqual(out, ['2999-01-01T00:00:00.001Z|1', '2999-01-01T00:00:00.002Z']);
  });
}

describe('examples/dashboard-api: the spec\'s project, migrated by the CLI', function () {
  this.timeout(60_000);
  let root: string;
  let db: string;
  const dbPath = (): string => db;

  before(function () {
    if (!hasSqlite3()) {
      this.skip(); // the checks deliberately use a SQLite other than the engine's
    }
    root = makeWorkspace();
    fs.cpSync(EXAMPLE, root, { recursive: true, filter: (src) => path.relative(EXAMPLE, src).split(path.sep)[0] !== 'data' });
    db = path.join(root, 'data', 'dashboard.db');
  });
  after(() => root && removeWorkspace(root));

  it('is set up the way the spec lays it out: settings, migration pairs, README', () => {
    const settings = JSON.parse(fs.readFileSync(path.join(root, '.vscode', 'settings.json'), 'utf8'));
    assert.deepEqual(settings, { 'sqliteMigrations.databaseFile': 'data/dashboard.db', 'sqliteMigrations.migrationsFolder': 'docs/dashboard-api/migrations' });
    const files = fs.readdirSync(path.join(root, 'docs', 'dashboard-api', 'migrations')).sort();
    assert.deepEqual(files, [...MIGRATIONS.flatMap((n) => [`${n}.down.sql`, `${n}.sql`, `${n}.test.sql`]), 'README.md'].sort());
    assert.ok(fs.existsSync(path.join(root, 'docs', 'dashboard-api', 'schema.sql')));
    const status = cliJson(root, ['status', '--root', root]);
    assert.equal(status.code, 0, status.stderr);
    assert.deepEqual(status.json.migrations.map((m: any) => [m.name, m.version, m.status]), MIGRATIONS.map((n, i) => [n, VERSIONS[i], 'pending']));
    assert.equal(fs.existsSync(db), false);
  });

  it('`sqlite-migrations test` passes every test file (the spec\'s checks 1-7) and every down file is reversible', () => {
    const run = cliJson(root, ['test', '--root', root]);
    assert.equal(run.code, 0, JSON.stringify(run.json, null, 2));
    const perMigration = MIGRATIONS.map((n) => run.json.tests.filter((t: any) => t.migration === n && t.status === 'passed').length);
    assert.ok(perMigration.every((n) => n > 0), `every migration has passing tests: ${perMigration.join(', ')}`);
    assert.ok(run.json.tests.some((t: any) => t.name === 'expect-plan: USING INDEX idx_tasks_priority_queue'));
    assert.deepEqual(run.json.reversibility.map((r: any) => [r.migration, r.status]), MIGRATIONS.map((n) => [n, 'passed']));
    assert.equal(fs.existsSync(db), false, 'the database file is never opened');
  });

  describe('after `up`', () => {
    before(() => upAll(root));

    it('verify exits 0 with every check passing', () => {
      const verify = cliJson(root, ['verify', '--root', root]);
      assert.equal(verify.code, 0, JSON.stringify(verify.json.checks));
      assert.deepEqual(verify.json.checks.filter((c: any) => !c.ok), []);
      assert.equal(verify.json.checks.length, 8);
      assert.deepEqual(verify.json.checks.find((c: any) => c.name === 'migration_tests'), { name: 'migration_tests', ok: true, detail: "005_seed_demo_data.test.sql passes (the newest applied migration's tests, rolled back)" });
    });

    it('the committed schema.sql is the generated one: `up` left it as it was and `schema --check` exits 0', () => {
      const file = path.join(root, 'docs', 'dashboard-api', 'schema.sql');
      assert.equal(fs.readFileSync(file, 'utf8'), fs.readFileSync(path.join(EXAMPLE, 'docs', 'dashboard-api', 'schema.sql'), 'utf8'));
      const check = cli(root, ['schema', '--check', '--root', root]);
      assert.equal(check.code, 0, check.stderr);
      assert.match(check.stdout, /schema\.sql matches the schema the applied migrations produce/);
    });

    it('docs/dashboard-api/schema.sql is exactly the schema the migrations produce', () => {
      const fresh = path.join(root, 'data', 'from-schema-sql.db');
      sqlite3(fresh, fs.readFileSync(path.join(root, 'docs', 'dashboard-api', 'schema.sql'), 'utf8'));
      const objects = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name NOT LIKE 'schema_migrations%' ORDER BY type, name";
      assert.deepEqual(rows(fresh, objects), rows(db, objects));
      fs.rmSync(fresh);
    });

    specPostMigrationChecks(dbPath);
  });

  describe('004 rebuilds tasks with rows and child rows in it, both ways', () => {
    const data = (): string => JSON.stringify([rows(db, 'SELECT * FROM tasks ORDER BY id'), rows(db, 'SELECT * FROM task_tags ORDER BY task_id, tag'), rows(db, 'SELECT * FROM milestones ORDER BY id')]);
    let sequence = 0;
    let extraId = 0;

    it('down --only 4 keeps every task, tag, counter, index, trigger and the AUTOINCREMENT counter', () => {
      const [dataBefore, schemaBefore] = [data(), schemaOf(db, 'tasks')];
      sequence = tasksSequence(db);
      assert.ok(sequence > Number(value(db, 'SELECT max(id) FROM tasks')), 'the checks above inserted and deleted tasks');
      const down = cli(root, ['down', '--only', '4', '--root', root]);
      assert.equal(down.code, 0, down.stderr);
      assert.equal(titleNotNull(db), 0);
      assert.equal(data(), dataBefore);
      assert.deepEqual(schemaOf(db, 'tasks'), schemaBefore);
      assert.equal(tasksSequence(db), sequence);
      assert.deepEqual(rows(db, 'PRAGMA foreign_key_check'), []);
    });

    it('up --only 4 names an untitled task instead of failing, and never reuses a deleted task\'s id', () => {
      run(db, 'INSERT INTO tasks (project_id, title) VALUES (1, NULL);');
      extraId = Number(value(db, 'SELECT max(id) FROM tasks'));
      assert.equal(extraId, sequence + 1);
      const dataBefore = data();
      const up = cli(root, ['up', '--only', '4', '--root', root]);
      assert.equal(up.code, 0, up.stderr);
      assert.equal(titleNotNull(db), 1);
      assert.equal(value(db, `SELECT title FROM tasks WHERE id = ${extraId}`), `Untitled task ${extraId}`);
      assert.equal(data(), dataBefore.replace(`"title":null`, `"title":"Untitled task ${extraId}"`));
      assert.equal(tasksSequence(db), extraId);
      assert.deepEqual(miscounted(db), []);
    });

    it('rolling the seed back is refused while a task of your own still belongs to a demo project', () => {
      const down = cliJson(root, ['down', '--to', '0', '--root', root]);
      assert.equal(down.code, 1);
      assert.equal(down.json.outcomes.length, 1);
      assert.equal(down.json.outcomes[0].error.code, 'foreign-key-violations');
      assert.match(down.json.outcomes[0].error.message, new RegExp(`005_seed_demo_data\\.down\\.sql: PRAGMA foreign_key_check .*tasks rowid ${extraId} references missing projects row`));
      assert.deepEqual(down.json.migrations.map((m: any) => m.status), MIGRATIONS.map(() => 'applied'));
      assert.equal(value(db, 'SELECT count(*) FROM tasks'), 21);
      run(db, `DELETE FROM tasks WHERE id = ${extraId};`);
    });
  });

  describe('after `down --to 0`', () => {
    before(() => {
      const down = cliJson(root, ['down', '--to', '0', '--root', root]);
      assert.equal(down.code, 0, down.stderr + JSON.stringify(down.json.outcomes));
      assert.deepEqual(down.json.outcomes.map((o: any) => [o.name, o.direction, o.ok]), [...MIGRATIONS].reverse().map((n) => [n, 'down', true]));
    });

    it('only the ledger and its companion are left in the schema', () => {
      const objects = rows(db, "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name");
      assert.deepEqual(objects, [{ type: 'table', name: 'schema_migrations' }, { type: 'table', name: 'schema_migrations_sql' }]);
    });

    it('every ledger row is rolled_back and keeps its checksum', () => {
      const ledger = rows(db, 'SELECT version, status, length(checksum) AS sha FROM schema_migrations ORDER BY id');
      assert.deepEqual(ledger, VERSIONS.map((version) => ({ version, status: 'rolled_back', sha: 64 })));
    });
  });

  describe('after re-applying everything', () => {
    before(() => upAll(root));

    it('verify exits 0 and the ledger shows each version applied once', () => {
      const verify = cli(root, ['verify', '--root', root]);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      assert.deepEqual(rows(db, 'SELECT id, version, status FROM schema_migrations ORDER BY id'), VERSIONS.map((version, i) => ({ id: i + 1, version, status: 'applied' })));
    });

    specPostMigrationChecks(dbPath);
  });
});
