import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverMigrations } from '../../src/core/migrations/catalog';
import { createMigration, writeMigrationFiles, type NewMigration, type NewMigrationRequest } from '../../src/core/migrations/scaffold';
import type { Bump } from '../../src/core/migrations/semver';
import { parseTestFile } from '../../src/core/testing/parse';

/** The shipped templates: compiled tests live in out/test/unit. */
const templateDir = path.resolve(__dirname, '..', '..', '..', 'migrations-template');
const now = () => new Date(2025, 9, 19, 12, 0, 0);

describe('scaffold: createMigration', () => {
  let tmp: string;
  let folder: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlm-scaffold-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(tmp, 'm-'));
  });

  const create = (description: string, bump: Bump = 'minor', extra: Partial<NewMigrationRequest> = {}) =>
    createMigration({ folder, templateDir, description, bump, now, ...extra });

  async function created(description: string, bump: Bump = 'minor'): Promise<NewMigration> {
    const r = await create(description, bump);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    return r.value;
  }

  const put = (name: string, text: string) => fs.writeFileSync(path.join(folder, name), text);
  const read = (file: string) => fs.readFileSync(file, 'utf8');

  it('creates the folder and the first migration as 001, version 1.0.0, from the templates', async () => {
    folder = path.join(tmp, 'fresh', 'db', 'migrations');
    const m = await created('Initial schema');
    assert.deepEqual(m, {
      upPath: path.join(folder, '001_initial_schema.sql'),
      downPath: path.join(folder, '001_initial_schema.down.sql'),
      sequenceText: '001',
      version: '1.0.0',
      name: '001_initial_schema',
    });
    const up = read(m.upPath);
    assert.ok(up.startsWith('-- version: 1.0.0\n-- description: Initial schema\n'), up);
    assert.match(up, /001_initial_schema\.sql, created 2025-10-19\./);
    assert.match(up, /one transaction/);
    assert.doesNotMatch(up, /\{\{/);
    const down = read(m.downPath);
    assert.ok(down.startsWith('-- version: 1.0.0\n'), down);
    assert.match(down, /Undo what 001_initial_schema\.sql does/);
    assert.doesNotMatch(down, /\{\{/);

    const catalog = await discoverMigrations(folder);
    assert.deepEqual(catalog.problems, []);
    assert.deepEqual(
      catalog.migrations.map((x) => [x.name, x.version, x.description, x.downPath]),
      [['001_initial_schema', '1.0.0', 'Initial schema', m.downPath]],
    );
  });

  it('writes the description as a sentence, the way names become descriptions', async () => {
    const m = await created('add task   tags');
    assert.equal(path.basename(m.upPath), '001_add_task_tags.sql');
    assert.ok(read(m.upPath).includes('\n-- description: Add task tags\n'));
  });

  it('bumps the highest version by each rule, one sequence at a time', async () => {
    const steps: [string, Bump, string, string][] = [
      ['Initial schema', 'major', '001_initial_schema', '1.0.0'],
      ['Add task tags', 'minor', '002_add_task_tags', '1.1.0'],
      ['Fix tag index', 'patch', '003_fix_tag_index', '1.1.1'],
      ['Another fix', 'patch', '004_another_fix', '1.1.2'],
      ['New column', 'minor', '005_new_column', '1.2.0'],
      ['Drop old column', 'major', '006_drop_old_column', '2.0.0'],
      ['After major', 'patch', '007_after_major', '2.0.1'],
    ];
    for (const [description, bump, name, version] of steps) {
      const m = await created(description, bump);
      assert.deepEqual([m.name, m.version], [name, version], description);
    }
    const catalog = await discoverMigrations(folder);
    assert.deepEqual(catalog.problems.filter((p) => p.code !== 'missing-down'), []);
    assert.deepEqual(catalog.migrations.map((m) => m.version), steps.map((s) => s[3]));
  });

  it('bumps the highest semver in use, not the last file\'s', async () => {
    put('001_a.sql', '-- version: 1.0.0\n');
    put('002_b.sql', '-- version: 1.3.0\n');
    put('003_c.sql', '-- version: 1.2.0\n');
    const m = await created('Next', 'minor');
    assert.deepEqual([m.name, m.version], ['004_next', '1.4.0']);
  });

  it('versions a new migration by its sequence, with no version header, where no existing one has a header', async () => {
    put('001_a.sql', 'SELECT 1;\n');
    put('002_b.sql', 'SELECT 2;\n');
    const m = await created('Third', 'major');
    assert.deepEqual([m.name, m.version], ['003_third', '003']);
    assert.ok(read(m.upPath).startsWith('-- description: Third\n'), read(m.upPath));
    assert.ok(read(m.downPath).startsWith('-- description: Roll back: Third\n'), read(m.downPath));
    const catalog = await discoverMigrations(folder);
    assert.deepEqual(catalog.problems.filter((p) => p.code !== 'missing-down'), []);
    assert.deepEqual(catalog.migrations.map((x) => x.version), ['001', '002', '003']);
  });

  it('keeps semantic versions in a folder where one migration has a version header', async () => {
    put('001_a.sql', 'SELECT 1;\n');
    put('002_b.sql', '-- version: 1.2.0\nSELECT 2;\n');
    const m = await created('Third', 'minor');
    assert.deepEqual([m.name, m.version], ['003_third', '1.3.0']);
    assert.ok(read(m.upPath).startsWith('-- version: 1.3.0\n'), read(m.upPath));
  });

  it('leaves out the template line only true of an empty file when statements are written below', async () => {
    const r = await create('add tags', 'minor', { body: { up: 'CREATE TABLE tags (id INTEGER);\n', down: 'DROP TABLE tags;\n' } });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    const down = read(r.value.downPath);
    assert.doesNotMatch(down, /holds only comments/);
    assert.match(down, /Undo what 001_add_tags\.sql does/);
    assert.ok(down.endsWith('needed.\n\nDROP TABLE tags;\n'), down);
    const empty = await created('no body');
    assert.match(read(empty.downPath), /While this file holds only comments, rolling back 002_no_body changes nothing/);
  });

  const widths: [string[], string][] = [
    [['0007_a.sql'], '0008'],
    [['007_a.sql', '0008_b.sql'], '0009'],
    [['999_a.sql'], '1000'],
    [['009_a.sql', '010_b.sql', '100_c.sql'], '101'],
    [['005_a.down.sql'], '006'],
    [['002_a.sql', '002_b.sql', '004_broken.sql'], '005'],
    [['README.md', 'schema.sql'], '001'],
  ];
  for (const [existing, next] of widths) {
    it(`after ${existing.join(', ')} the next sequence is ${next}`, async () => {
      existing.forEach((name) => put(name, 'SELECT 1;\n'));
      const m = await created('Next step');
      assert.equal(m.sequenceText, next);
      assert.equal(m.upPath, path.join(folder, `${next}_next_step.sql`));
      assert.ok(fs.existsSync(m.upPath) && fs.existsSync(m.downPath));
    });
  }

  it('reads a description typed as a file-name slug as its words, as other tools\' new commands take it', async () => {
    const m = await created('create_users__table');
    assert.equal(m.name, '001_create_users_table');
    assert.ok(read(m.upPath).includes('\n-- description: Create users table\n'), read(m.upPath));
  });

  it('keeps the description as typed in the header, single-line, placeholders untouched', async () => {
    const m = await created('  Rename {{name}}\n to  title  $& ');
    assert.equal(m.name, '001_rename_name_to_title');
    assert.ok(read(m.upPath).startsWith('-- version: 1.0.0\n-- description: Rename {{name}} to title $&\n'));
  });

  const badDescriptions = ['', '   ', '!!!', '日本語'];
  for (const description of badDescriptions) {
    it(`refuses the description ${JSON.stringify(description)} and writes nothing`, async () => {
      const r = await create(description);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.error.code, 'bad-description');
      assert.deepEqual(fs.readdirSync(folder), []);
    });
  }

  it('reports a missing template as an error value', async () => {
    const r = await create('x', 'minor', { templateDir: path.join(tmp, 'no-templates') });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'template-missing');
    assert.deepEqual(fs.readdirSync(folder), []);
  });

  const testTemplate = path.join(templateDir, 'test.sql');
  for (const [layout, existing, testRel] of [
    ['seed', [], '001_add_tags.test.sql'],
    ['flyway', ['V1__init.sql'], 'V2__add_tags.test.sql'],
    ['dbmate', ['20240101000000_init.sql'], undefined],
    ['diesel', ['2024-01-01-000000_init/up.sql', '2024-01-01-000000_init/down.sql'], undefined],
  ] as const) {
    it(`with a test template writes the test file the catalog finds (${layout}), with every annotation as a commented example`, async () => {
      for (const rel of existing) {
        fs.mkdirSync(path.dirname(path.join(folder, rel)), { recursive: true });
        fs.writeFileSync(path.join(folder, rel), layout === 'dbmate' ? '-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 1;\n' : 'SELECT 1;');
      }
      const r = await create('add tags', 'minor', { testTemplate });
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      const m = r.value;
      assert.ok(m.testPath);
      if (testRel) assert.equal(m.testPath, path.join(folder, testRel));
      if (layout === 'diesel') assert.equal(path.basename(m.testPath), 'test.sql');
      const catalog = await discoverMigrations(folder);
      assert.equal(catalog.migrations.find((x) => x.name === m.name)?.testPath, m.testPath, 'the catalog takes it as the new migration\'s test file');
      const text = read(m.testPath);
      for (const a of ['-- -- expect: ', '-- -- expect-rows: ', '-- -- expect-empty', '-- -- expect-error: ', '-- -- expect-plan: ']) assert.ok(text.includes(a), a);
      assert.ok(text.startsWith(`-- Tests of ${path.relative(folder, m.upPath).replace(/\\/g, '/')} (Add tags), created 2025-10-19.`), text.split('\n')[0]);
      // As written it has no statement to run: the examples are comments until the author uncomments one.
      const parsed = parseTestFile(text, m.testPath, 'x');
      assert.ok(parsed.ok && parsed.value.steps.length === 0, parsed.ok ? '' : parsed.error.message);
      const uncommented = parseTestFile(text.replace(/^-- (-- expect-rows: 2|SELECT \* FROM my_table;)$/gm, '$1'), m.testPath, 'x');
      assert.ok(uncommented.ok && uncommented.value.steps.length === 1 && uncommented.value.steps[0].expect?.kind === 'expect-rows', 'an uncommented example is a real annotation');
    });
  }

  it('keeps a test file already there and takes the fresh pair back: all three files or none', async () => {
    put('001_add_tags.test.sql', 'precious');
    const r = await create('add tags', 'minor', { testTemplate });
    assert.equal(!r.ok && r.error.code, 'file-exists');
    assert.match(!r.ok ? r.error.message : '', /001_add_tags\.test\.sql already exists; it was not overwritten/);
    assert.deepEqual(fs.readdirSync(folder), ['001_add_tags.test.sql']);
    assert.equal(read(path.join(folder, '001_add_tags.test.sql')), 'precious');
  });

  it('writes no test file unless asked', async () => {
    const m = await created('add tags');
    assert.equal(m.testPath, undefined);
    assert.deepEqual(fs.readdirSync(folder).sort(), ['001_add_tags.down.sql', '001_add_tags.sql']);
  });

  it('never overwrites: concurrent creations each get their own files or a refusal', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => create('Same name')));
    const made = results.flatMap((r) => (r.ok ? [r.value] : []));
    for (const r of results) {
      assert.ok(r.ok || r.error.code === 'file-exists', r.ok ? '' : r.error.message);
    }
    assert.ok(made.length >= 1);
    assert.equal(new Set(made.map((m) => m.upPath)).size, made.length);
    const files = fs.readdirSync(folder).sort();
    assert.deepEqual(files, made.flatMap((m) => [`${m.name}.down.sql`, `${m.name}.sql`]).sort());
    for (const m of made) {
      assert.ok(read(m.upPath).startsWith(`-- version: ${m.version}\n`), `${m.upPath} holds its own text`);
      assert.ok(read(m.upPath).includes(`${m.name}.sql, created`), `${m.upPath} holds its own text`);
    }
  });
});

describe('scaffold: writeMigrationFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlm-write-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses to overwrite an existing up file and leaves it byte for byte', async () => {
    const up = path.join(dir, '001_a.sql');
    const down = path.join(dir, '001_a.down.sql');
    fs.writeFileSync(up, 'precious');
    const r = await writeMigrationFiles(up, 'new up', down, 'new down');
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'file-exists');
    assert.match(!r.ok ? r.error.message : '', /001_a\.sql already exists; it was not overwritten/);
    assert.equal(fs.readFileSync(up, 'utf8'), 'precious');
    assert.equal(fs.existsSync(down), false);
  });

  it('refuses to overwrite an existing down file and removes the up file it had just written', async () => {
    const up = path.join(dir, '001_a.sql');
    const down = path.join(dir, '001_a.down.sql');
    fs.writeFileSync(down, 'precious down');
    const r = await writeMigrationFiles(up, 'new up', down, 'new down');
    assert.equal(!r.ok && r.error.file, down);
    assert.equal(fs.readFileSync(down, 'utf8'), 'precious down');
    assert.equal(fs.existsSync(up), false);
  });

  it('writes both files when neither exists', async () => {
    const up = path.join(dir, '001_a.sql');
    const down = path.join(dir, '001_a.down.sql');
    assert.deepEqual(await writeMigrationFiles(up, 'U', down, 'D'), { ok: true, value: true });
    assert.deepEqual([fs.readFileSync(up, 'utf8'), fs.readFileSync(down, 'utf8')], ['U', 'D']);
  });
});
