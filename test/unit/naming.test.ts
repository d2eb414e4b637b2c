import * as assert from 'node:assert/strict';
import { isMigrationCandidate, layoutOfName, parseDieselFolder, parseMigrationFileName, type LayoutName } from '../../src/core/migrations/layouts';
import { descriptionFromSlug, slugFromDescription } from '../../src/core/migrations/naming';
import { bumpVersion, compareSemver, highestSemver, parseSemver, type Bump } from '../../src/core/migrations/semver';

describe('naming: parseMigrationFileName in each layout', () => {
  const good: [LayoutName, string, number, string, string, string, 'up' | 'down'][] = [
    ['seed', '001_initial_schema.sql', 1, '001', 'initial_schema', '001_initial_schema', 'up'],
    ['seed', '001_initial_schema.down.sql', 1, '001', 'initial_schema', '001_initial_schema', 'down'],
    ['seed', '100_add_v2_columns.sql', 100, '100', 'add_v2_columns', '100_add_v2_columns', 'up'],
    ['seed', '000_bootstrap.sql', 0, '000', 'bootstrap', '000_bootstrap', 'up'],
    ['seed', '20240101120000_timestamp_style.sql', 20240101120000, '20240101120000', 'timestamp_style', '20240101120000_timestamp_style', 'up'],
    // Any length of digits, and descriptions with capitals, "-" and ".", as other tools write them.
    ['seed', '1_init.sql', 1, '1', 'init', '1_init', 'up'],
    ['seed', '01_add-users.sql', 1, '01', 'add-users', '01_add-users', 'up'],
    ['seed', '007_AddUsers.v2.down.sql', 7, '007', 'AddUsers.v2', '007_AddUsers.v2', 'down'],
    ['dbmate', '20151129054053_test_migration.sql', 20151129054053, '20151129054053', 'test_migration', '20151129054053_test_migration', 'up'],
    ['golang-migrate', '1_init.up.sql', 1, '1', 'init', '1_init', 'up'],
    ['golang-migrate', '000002_add-users.down.sql', 2, '000002', 'add-users', '000002_add-users', 'down'],
    ['golang-migrate', '20230101120000_sqlx_style.up.sql', 20230101120000, '20230101120000', 'sqlx_style', '20230101120000_sqlx_style', 'up'],
    ['flyway', 'V1__init.sql', 1, '1', 'init', 'V1__init', 'up'],
    ['flyway', 'U12__add_users.sql', 12, '12', 'add_users', 'V12__add_users', 'down'],
    ['flyway', 'V003__Add_Users.sql', 3, '003', 'Add_Users', 'V003__Add_Users', 'up'],
  ];
  for (const [layout, fileName, sequence, sequenceText, slug, name, direction] of good) {
    it(`${layout}: accepts ${fileName}`, () => {
      assert.deepEqual(parseMigrationFileName(fileName, layout), { ok: true, value: { sequence, sequenceText, slug, name, direction } });
    });
  }

  const bad: [LayoutName, string, string, RegExp][] = [
    ['seed', '001_initial_schema.SQL', 'uppercase-extension', /lower-case "\.sql", not "\.SQL"/],
    ['seed', '001_initial_schema.DOWN.SQL', 'uppercase-extension', /lower-case "\.down\.sql"/],
    ['golang-migrate', '001_x.UP.sql', 'uppercase-extension', /lower-case "\.up\.sql"/],
    ['seed', '001initial_schema.sql', 'bad-name', /underscore must follow the sequence/],
    ['seed', '001 initial.sql', 'bad-name', /underscore must follow the sequence/],
    ['seed', 'initial_schema.sql', 'bad-name', /must start with a sequence number/],
    ['seed', 'schema.sql', 'bad-name', /must start with a sequence number/],
    ['seed', '001_.sql', 'bad-name', /a description must follow/],
    ['seed', '001.sql', 'bad-name', /underscore must follow/],
    ['seed', '001__initial.sql', 'bad-name', /may hold only letters, digits/],
    ['seed', '001_initial schema.sql', 'bad-name', /may hold only letters, digits/],
    ['seed', '001_café.sql', 'bad-name', /may hold only letters, digits/],
    ['seed', '001_initial.up.sql', 'bad-name', /golang-migrate layout/],
    ['seed', '99999999999999999999_huge.sql', 'bad-name', /too large/],
    ['seed', 'README.md', 'bad-name', /does not end in \.sql/],
    ['golang-migrate', '001_initial.sql', 'bad-name', /must end in \.up\.sql or \.down\.sql/],
    ['flyway', 'R__views.sql', 'bad-name', /repeatable migrations \(R__\) are not supported/],
    ['flyway', 'V1.1__dotted.sql', 'bad-name', /whole number/],
    ['flyway', '001_init.sql', 'bad-name', /V<version>__<description>\.sql/],
    ['diesel', '001_init.sql', 'bad-name', /folder of its own/],
  ];
  for (const [layout, fileName, code, reason] of bad) {
    it(`${layout}: refuses ${fileName} (${code}), naming the file and the layout's pattern`, () => {
      const r = parseMigrationFileName(fileName, layout);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.code, code);
        assert.equal(r.error.severity, 'error');
        assert.match(r.error.message, reason);
        assert.ok(r.error.message.includes(`"${fileName}"`), `message names the file: ${r.error.message}`);
        assert.ok(r.error.message.includes(`The ${layout} layout expects`), r.error.message);
      }
    });
  }

  it('diesel: reads a migration folder, dashed stamps and plain digits', () => {
    assert.deepEqual(parseDieselFolder('2020-01-01-000000_create_users'), {
      ok: true,
      value: { sequence: 20200101000000, sequenceText: '2020-01-01-000000', slug: 'create_users', name: '2020-01-01-000000_create_users' },
    });
    assert.equal(parseDieselFolder('20200101000000_x').ok, true);
    assert.equal(parseDieselFolder('2020-01-01-000000_bad name').ok, false);
  });

  const shapes: [string, boolean, LayoutName | undefined][] = [
    ['001_a.sql', false, 'seed'],
    ['001_a.down.sql', false, undefined],
    ['001_a.up.sql', false, 'golang-migrate'],
    ['V1__a.sql', false, 'flyway'],
    ['U1__a.sql', false, 'flyway'],
    ['R__a.sql', false, 'flyway'],
    ['2020-01-01-000000_a', true, 'diesel'],
    ['docs', true, undefined],
    ['schema.sql', false, undefined],
    ['README.md', false, undefined],
  ];
  for (const [name, folder, layout] of shapes) {
    it(`takes ${name}${folder ? '/' : ''} as ${layout ?? 'no layout in particular'}`, () => assert.equal(layoutOfName(name, folder), layout));
  }

  const candidates: [string, boolean][] = [
    ['001_a.sql', true],
    ['001_a.SQL', true],
    ['schema.sql', true],
    ['README.md', false],
    ['001_a.sql.sha256', false],
    ['.001_a.sql.swp', false],
    ['.hidden.sql', false],
    ['notes.txt', false],
  ];
  for (const [name, expected] of candidates) {
    it(`${expected ? 'looks at' : 'ignores'} ${name}`, () => assert.equal(isMigrationCandidate(name), expected));
  }
});

describe('naming: descriptions and slugs', () => {
  const fromSlug: [string, string][] = [
    ['add_task_tags', 'Add task tags'],
    ['initial_schema', 'Initial schema'],
    ['x', 'X'],
    ['2fa_support', '2fa support'],
    ['add-users', 'Add users'],
    ['AddUsers.v2', 'AddUsers.v2'],
  ];
  for (const [slug, description] of fromSlug) {
    it(`describes ${slug} as "${description}"`, () => assert.equal(descriptionFromSlug(slug), description));
  }

  const toSlug: [string, string][] = [
    ['Add task tags!', 'add_task_tags'],
    ['  Add   task tags  ', 'add_task_tags'],
    ['Make task.title NOT NULL', 'make_task_title_not_null'],
    ['Café menu', 'cafe_menu'],
    ['v2 -> v3: rename columns', 'v2_v3_rename_columns'],
    ['add_task_tags', 'add_task_tags'],
    ['AddTaskTags', 'addtasktags'],
  ];
  for (const [description, slug] of toSlug) {
    it(`names "${description}" ${slug}`, () => assert.deepEqual(slugFromDescription(description), { ok: true, value: slug }));
  }

  it('keeps long slugs readable by cutting at a word boundary', () => {
    const r = slugFromDescription('word '.repeat(40));
    assert.ok(r.ok);
    assert.ok(r.value.length <= 60 && r.value.length > 50, r.value);
    assert.match(r.value, /^word(_word)*$/);
  });

  for (const description of ['', '   ', '!!!', '日本語', '---']) {
    it(`refuses the description "${description}"`, () => {
      const r = slugFromDescription(description);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.code, 'bad-description');
        assert.match(r.error.message, /no letters or digits/);
      }
    });
  }

  it('round-trips a slug through its description', () => {
    for (const slug of ['add_task_tags', 'initial_schema', 'drop_v1_index']) {
      assert.deepEqual(slugFromDescription(descriptionFromSlug(slug)), { ok: true, value: slug });
    }
  });
});

describe('semver', () => {
  it('parses MAJOR.MINOR.PATCH and nothing else', () => {
    assert.deepEqual(parseSemver('1.2.3'), { major: 1, minor: 2, patch: 3 });
    assert.deepEqual(parseSemver('0.0.0'), { major: 0, minor: 0, patch: 0 });
    assert.deepEqual(parseSemver('10.20.300'), { major: 10, minor: 20, patch: 300 });
    for (const bad of ['', '1', '1.2', '1.2.3.4', 'v1.2.3', '1.02.3', '01.2.3', '1.2.3-beta', '1.2.x', ' 1.2.3', '005', '1..3']) {
      assert.equal(parseSemver(bad), undefined, bad);
    }
  });

  const bumps: [string, Bump, string][] = [
    ['1.0.0', 'patch', '1.0.1'],
    ['1.0.0', 'minor', '1.1.0'],
    ['1.0.0', 'major', '2.0.0'],
    ['1.1.1', 'patch', '1.1.2'],
    ['1.1.1', 'minor', '1.2.0'],
    ['1.1.1', 'major', '2.0.0'],
    ['2.9.9', 'minor', '2.10.0'],
    ['0.9.9', 'major', '1.0.0'],
    ['1.2.9', 'patch', '1.2.10'],
  ];
  for (const [from, bump, to] of bumps) {
    it(`${bump} bump of ${from} is ${to}`, () => assert.equal(bumpVersion(from, bump), to));
  }

  it('refuses to bump a version that is not semver (a caller bug)', () => {
    assert.throws(() => bumpVersion('005', 'minor'), RangeError);
  });

  it('compares numerically, not as text', () => {
    assert.ok(compareSemver('1.10.0', '1.9.0') > 0);
    assert.ok(compareSemver('1.9.0', '1.10.0') < 0);
    assert.ok(compareSemver('2.0.0', '1.99.99') > 0);
    assert.ok(compareSemver('1.0.10', '1.0.9') > 0);
    assert.equal(compareSemver('1.2.3', '1.2.3'), 0);
  });

  it('sorts sequence-as-version text before semver, numerically among itself', () => {
    const sorted = ['1.0.0', '010', '0.1.0', '9', '002'].sort(compareSemver);
    assert.deepEqual(sorted, ['002', '9', '010', '0.1.0', '1.0.0']);
  });

  it('finds the highest semver, ignoring other text', () => {
    assert.equal(highestSemver(['1.2.0', '005', '1.10.0', '1.9.9']), '1.10.0');
    assert.equal(highestSemver(['001', '002']), undefined);
    assert.equal(highestSemver([]), undefined);
  });
});
