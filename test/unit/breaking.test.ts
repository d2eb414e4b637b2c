import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { discoverMigrations } from '../../src/core/migrations/catalog';
import { breakingFindings, levelOf, reviewMigrations, type MigrationReview } from '../../src/core/semver/breaking';
import { ENGINE, openEmpty, removeTempDatabases } from './helpers/engines';
import { cli, cliJson, makeWorkspace, removeWorkspace, REPO, sqlite3 } from './helpers/workspace';

const BASE = `CREATE TABLE tasks (
  id INTEGER PRIMARY KEY,
  title TEXT,
  priority INTEGER CHECK (priority >= 0)
);
CREATE VIEW open_tasks AS SELECT id, title FROM tasks;
CREATE INDEX idx_tasks_title ON tasks(title);
`;

/** A rebuild of tasks into `columns` by SQLite's documented recipe (the view that reads it dropped first); the RENAME is on line 7. */
const rebuild = (columns: string, copy = 'id, title, priority') => `DROP VIEW open_tasks;
CREATE TABLE tasks_new (${columns});
INSERT INTO tasks_new (${copy}) SELECT ${copy} FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_new RENAME TO tasks;
CREATE VIEW open_tasks AS SELECT id, title FROM tasks;
CREATE INDEX idx_tasks_title ON tasks(title);
`;

describe(`breaking-change checks (${ENGINE})`, function () {
  this.timeout(30_000);
  const roots: string[] = [];
  after(() => {
    for (const r of roots) removeWorkspace(r);
    removeTempDatabases();
  });

  /** 001 (BASE, 1.0.0) then 002 with `sql` at `version`; the review of 002. */
  async function review(sql: string, version = '1.1.0'): Promise<{ review: MigrationReview; all: MigrationReview[] }> {
    const root = makeWorkspace({
      'migrations/001_base.sql': `-- version: 1.0.0\n${BASE}`,
      'migrations/002_change.sql': `-- version: ${version}\n-- description: change\n${sql}`,
    });
    roots.push(root);
    const catalog = await discoverMigrations(path.join(root, 'migrations'));
    assert.deepEqual(catalog.problems.filter((p) => p.severity === 'error'), []);
    const all = await reviewMigrations(catalog.migrations, openEmpty);
    assert.equal(all.length, 2, 'both migrations ran');
    return { review: all[1], all };
  }
  const classes = (r: MigrationReview) => r.changes.map((c) => `${c.class}: ${c.what}`);

  describe('additive', () => {
    const cases: Array<[string, string, string]> = [
      ['a new table', 'CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL);', 'additive: adds table tags'],
      ['a new index', 'CREATE INDEX idx_tasks_priority ON tasks(priority);', 'additive: adds index idx_tasks_priority'],
      ['a new trigger', 'CREATE TRIGGER tasks_title AFTER INSERT ON tasks BEGIN UPDATE tasks SET title = trim(NEW.title) WHERE id = NEW.id; END;', 'additive: adds trigger tasks_title'],
      ['a new view', 'CREATE VIEW urgent AS SELECT id FROM tasks WHERE priority > 5;', 'additive: adds view urgent'],
      ['a nullable column', 'ALTER TABLE tasks ADD COLUMN assignee TEXT;', 'additive: adds column tasks.assignee'],
      ['a NOT NULL column with a default', "ALTER TABLE tasks ADD COLUMN status TEXT NOT NULL DEFAULT 'open';", 'additive: adds column tasks.status'],
      ['a rebuild that only adds a nullable column', rebuild('id INTEGER PRIMARY KEY, title TEXT, priority INTEGER CHECK (priority >= 0), note TEXT'), 'additive: adds column tasks.note'],
    ];
    for (const [what, sql, expected] of cases) {
      it(`${what} is additive (MINOR), with no breaking change`, async () => {
        const { review: r } = await review(sql);
        assert.deepEqual(classes(r), [expected]);
        assert.equal(levelOf(r.changes), 'minor');
        assert.equal(r.needsMajor, undefined);
        assert.deepEqual(breakingFindings([r]), []);
      });
    }
    it("the spec's Scenario 1 (002_add_task_priority.sql, BEGIN/COMMIT and ledger UPDATE included) is additive", async () => {
      const scenario = `BEGIN TRANSACTION;\n\nALTER TABLE tasks ADD COLUMN priority_level TEXT DEFAULT 'medium';\n\nUPDATE schema_migrations\nSET version = '1.1.0', description = 'Add task priority level'\nWHERE id = (SELECT MAX(id) FROM schema_migrations);\n\nCOMMIT;\n`;
      const { review: r } = await review(scenario);
      assert.deepEqual(classes(r), ['additive: adds column tasks.priority_level']);
      assert.equal(levelOf(r.changes), 'minor');
    });
    it('a dropped index, a removed CHECK or a data change is neither (PATCH)', async () => {
      for (const sql of ['DROP INDEX idx_tasks_title;', "UPDATE tasks SET title = 'x';", rebuild('id INTEGER PRIMARY KEY, title TEXT, priority INTEGER')]) {
        const { review: r } = await review(sql);
        assert.deepEqual(r.changes.filter((c) => c.class === 'breaking'), [], sql);
        assert.equal(levelOf(r.changes), 'patch', sql);
      }
    });
  });

  describe('breaking', () => {
    const cases: Array<[string, string, string, number]> = [
      ['a dropped table', 'DROP VIEW open_tasks;\nDROP TABLE tasks;', 'breaking: drops table tasks (or renames it)', 4],
      ['a renamed table', 'DROP VIEW open_tasks;\nALTER TABLE tasks RENAME TO todo;', 'breaking: drops table tasks (or renames it)', 4],
      ['a dropped view', '\nDROP VIEW open_tasks;', 'breaking: drops view open_tasks (or renames it)', 4],
      ['a dropped column', 'DROP INDEX idx_tasks_title;\nDROP VIEW open_tasks;\nALTER TABLE tasks DROP COLUMN title;', 'breaking: drops column tasks.title (or renames it)', 5],
      ['a renamed column', 'ALTER TABLE tasks RENAME COLUMN title TO name;', 'breaking: drops column tasks.title (or renames it)', 3],
      ['a column made NOT NULL by a rebuild', rebuild('id INTEGER PRIMARY KEY, title TEXT NOT NULL, priority INTEGER CHECK (priority >= 0)'), 'breaking: makes column tasks.title NOT NULL', 7],
      ['a stricter CHECK by a rebuild', rebuild('id INTEGER PRIMARY KEY, title TEXT, priority INTEGER CHECK (priority BETWEEN 0 AND 10)'), 'breaking: adds or changes a CHECK constraint on tasks: CHECK (priority between 0 and 10)', 7],
      ['a rebuild that removes a column', rebuild('id INTEGER PRIMARY KEY, title TEXT', 'id, title'), 'breaking: drops column tasks.priority (or renames it)', 7],
      ['a rebuild that adds a NOT NULL column without a default', rebuild('id INTEGER PRIMARY KEY, title TEXT, priority INTEGER CHECK (priority >= 0), owner TEXT NOT NULL', 'id, title, priority, owner').replace('SELECT id, title, priority, owner', "SELECT id, title, priority, 'x'"), 'breaking: adds column tasks.owner NOT NULL without a default', 7],
    ];
    for (const [what, sql, expected, line] of cases) {
      it(`${what} is breaking, found at line ${line} in a MINOR version`, async () => {
        const { review: r } = await review(sql);
        assert.ok(classes(r).includes(expected), JSON.stringify(classes(r)));
        assert.equal(levelOf(r.changes), 'major');
        assert.equal(r.needsMajor, '2.0.0');
        const findings = breakingFindings([r]);
        const finding = findings.find((f) => f.message.includes(expected.replace('breaking: ', '')));
        assert.ok(finding, JSON.stringify(findings));
        assert.equal(finding.severity, 'warning');
        assert.equal(finding.code, 'breaking-change');
        assert.equal(finding.line, line);
        assert.match(finding.message, new RegExp(`^002_change\\.sql:${line}: .*: a breaking change in 1\\.1\\.0, which is not a MAJOR bump over 1\\.0\\.0; make it 2\\.0\\.0`));
      });
    }
    it('is no finding in a MAJOR bump (2.0.0 over 1.0.0)', async () => {
      const { review: r } = await review('ALTER TABLE tasks RENAME COLUMN title TO name;', '2.0.0');
      assert.equal(levelOf(r.changes), 'major');
      assert.equal(r.needsMajor, undefined);
      assert.deepEqual(breakingFindings([r]), []);
    });
    it('is a finding in a PATCH bump too', async () => {
      const { review: r } = await review('ALTER TABLE tasks RENAME COLUMN title TO name;', '1.0.1');
      assert.equal(breakingFindings([r]).length, 1);
    });
  });

  describe("the spec's own examples (examples/dashboard-api)", () => {
    let reviews: MigrationReview[];
    before(async () => {
      const catalog = await discoverMigrations(path.join(REPO, 'examples', 'dashboard-api', 'docs', 'dashboard-api', 'migrations'));
      reviews = await reviewMigrations(catalog.migrations, openEmpty);
    });
    const named = (prefix: string) => reviews.find((r) => r.migration.name.startsWith(prefix))!;

    it('002 (adds a table with a default column, and an index) is additive', () => {
      assert.equal(levelOf(named('002').changes), 'minor');
      assert.deepEqual(named('002').changes.filter((c) => c.class === 'breaking'), []);
    });
    it('003 (adds an index) is additive', () => assert.equal(levelOf(named('003').changes), 'minor'));
    it('004 (title NOT NULL through a rebuild) is breaking, found at its RENAME, in 1.2.0 which should be 2.0.0', () => {
      const r = named('004');
      assert.ok(classes(r).includes('breaking: makes column tasks.title NOT NULL'), JSON.stringify(classes(r)));
      assert.equal(r.needsMajor, '2.0.0');
      const [finding] = breakingFindings([r]);
      const renameLine = r.migration.sql.split('\n').findIndex((l) => /^ALTER TABLE tasks_new RENAME TO tasks/.test(l)) + 1;
      assert.equal(finding.line, renameLine);
    });
  });

  describe('through the CLI (warnings: the exit code is unchanged)', () => {
    let root: string;
    before(() => {
      root = makeWorkspace({
        'migrations/001_base.sql': `-- version: 1.0.0\n${BASE}`,
        'migrations/002_rename.sql': '-- version: 1.1.0\n-- description: rename\n\nALTER TABLE tasks RENAME COLUMN title TO name;\n',
        'migrations/002_rename.down.sql': 'ALTER TABLE tasks RENAME COLUMN name TO title;\n',
        'migrations/001_base.down.sql': 'DROP INDEX idx_tasks_title;\nDROP VIEW open_tasks;\nDROP TABLE tasks;\n',
      });
      roots.push(root);
    });

    it('"test" warns with the statement\'s file:line and still exits 0', () => {
      const run = cli(root, ['test']);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.stderr.includes(`${path.join(root, 'migrations', '002_rename.sql')}:4: warning: drops column tasks.title (or renames it): a breaking change in 1.1.0, which is not a MAJOR bump over 1.0.0; make it 2.0.0`), run.stderr);
      const json = cliJson(root, ['test']);
      assert.equal(json.json.warnings[0].code, 'breaking-change');
      assert.equal(json.json.warnings[0].line, 4);
    });

    it('"verify" warns the same way and still passes', () => {
      assert.equal(cli(root, ['up']).code, 0);
      const run = cliJson(root, ['verify']);
      assert.equal(run.code, 0, JSON.stringify(run.json));
      const note = run.json.notes.find((n: { code: string }) => n.code === 'breaking-change');
      assert.ok(note, JSON.stringify(run.json.notes));
      assert.equal(note.line, 4);
      assert.equal(note.file, path.join(root, 'migrations', '002_rename.sql'));
    });
  });

  describe('new --from FILE', () => {
    let root: string;
    beforeEach(() => {
      root = makeWorkspace({
        'migrations/001_base.sql': `-- version: 1.0.0\n${BASE}`,
        'migrations/001_base.down.sql': 'DROP TABLE tasks;\n',
        'rename.sql': 'ALTER TABLE tasks RENAME COLUMN title TO name;\n',
        'add.sql': 'ALTER TABLE tasks ADD COLUMN note TEXT;\n',
      });
      roots.push(root);
    });
    const created = (run: { json: { upPath: string; version: string } }) => ({ version: run.json.version, text: fs.readFileSync(run.json.upPath, 'utf8') });

    it('without --bump takes MAJOR for a breaking change and puts the SQL in the up file', () => {
      const run = cliJson(root, ['new', 'rename title', '--from', 'rename.sql']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /note: major bump: it drops column tasks\.title \(or renames it\)/);
      const m = created(run);
      assert.equal(m.version, '2.0.0');
      assert.match(m.text, /^-- version: 2\.0\.0$/m);
      assert.ok(m.text.trimEnd().endsWith('ALTER TABLE tasks RENAME COLUMN title TO name;'));
    });

    it('without --bump takes MINOR for an addition', () => {
      const run = cliJson(root, ['new', 'add note', '--from', 'add.sql']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(created(run).version, '1.1.0');
    });

    it('with a lower --bump keeps it and warns', () => {
      const run = cliJson(root, ['new', 'rename title', '--from', 'rename.sql', '--bump', 'patch']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(created(run).version, '1.0.1');
      assert.match(run.stderr, /warning: --bump patch, but it drops column tasks\.title \(or renames it\), which calls for a major bump/);
    });

    it('SQL that fails on the scratch database: SQLite\'s message with FILE:line as a warning, the files still created', () => {
      fs.writeFileSync(path.join(root, 'bad.sql'), 'SELECT 1;\n\nALTER TABLE tasks DROP COLUMN nope;\n');
      const run = cliJson(root, ['new', 'drop nope', '--from', 'bad.sql']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /bad\.sql:3: warning: no such column: "?nope"?/);
      assert.match(run.stderr, /its level is unknown; using --bump minor/);
      assert.equal(created(run).version, '1.1.0');
      for (const f of fs.readdirSync(path.join(root, 'migrations'))) if (f.startsWith('002_')) fs.rmSync(path.join(root, 'migrations', f));
      // With --bump given, the same warning (it said nothing before).
      const given = cliJson(root, ['new', 'drop nope again', '--from', 'bad.sql', '--bump', 'patch']);
      assert.equal(given.code, 0, given.stderr);
      assert.match(given.stderr, /bad\.sql:3: warning: no such column: "?nope"?/);
      assert.equal(created(given).version, '1.0.1');
    });

    it('in a folder versioned by sequence numbers: no level noted, --bump noted as having no effect, SQL errors still said', () => {
      const plain = makeWorkspace({
        'migrations/001_base.sql': BASE,
        'migrations/001_base.down.sql': 'DROP TABLE tasks;\n',
        'rename.sql': 'ALTER TABLE tasks RENAME COLUMN title TO name;\n',
        'bad.sql': 'ALTER TABLE tasks DROP COLUMN nope;\n',
      });
      roots.push(plain);
      const run = cliJson(plain, ['new', 'rename title', '--from', 'rename.sql']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.json.version, '002');
      assert.doesNotMatch(run.stderr, /bump/, run.stderr);
      const given = cliJson(plain, ['new', 'drop nope', '--from', 'bad.sql', '--bump', 'major']);
      assert.equal(given.code, 0, given.stderr);
      assert.equal(given.json.version, '003');
      assert.match(given.stderr, /bad\.sql:1: warning: no such column: "?nope"?/);
      assert.match(given.stderr, /note: --bump major has no effect here: these migrations are versioned by their sequence numbers/);
      assert.doesNotMatch(given.stderr, /level is unknown/);
    });

    it('a --from file that does not exist is one sentence, exit 2, nothing created', () => {
      const run = cli(root, ['new', 'x', '--from', 'nope.sql']);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--from: .*nope\.sql cannot be read/);
      assert.deepEqual(fs.readdirSync(path.join(root, 'migrations')).sort(), ['001_base.down.sql', '001_base.sql']);
    });
  });

  it('rolling back an additive migration that was followed by data: the dry run names the values it would drop', () => {
    const root = makeWorkspace({
      'migrations/001_base.sql': `-- version: 1.0.0\n${BASE}`,
      'migrations/001_base.down.sql': 'DROP INDEX idx_tasks_title;\nDROP VIEW open_tasks;\nDROP TABLE tasks;\n',
      'migrations/002_note.sql': '-- version: 1.1.0\nALTER TABLE tasks ADD COLUMN note TEXT;\n',
      'migrations/002_note.down.sql': 'ALTER TABLE tasks DROP COLUMN note;\n',
    });
    roots.push(root);
    assert.equal(cli(root, ['up']).code, 0);
    sqlite3(path.join(root, 'data', 'app.db'), "INSERT INTO tasks (title, note) VALUES ('a', 'keep me'), ('b', 'me too');");
    const run = cliJson(root, ['dry-run', '--down']);
    assert.equal(run.code, 0, JSON.stringify(run.json));
    assert.deepEqual(run.json.dryRun.loss.columnsDropped, [{ table: 'tasks', columns: ['note'], rows: 2 }]);
    assert.match(cli(root, ['dry-run', '--down']).stdout, /column dropped\s+tasks\.note\s+2/);
  });
});
