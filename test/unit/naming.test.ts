import * as assert from 'node:assert/strict';
import { descriptionFromSlug, isMigrationCandidate, parseMigrationFileName, slugFromDescription } from '../../src/core/migrations/naming';
import { bumpVersion, compareSemver, highestSemver, parseSemver, type Bump } from '../../src/core/migrations/semver';

describe('naming: parseMigrationFileName', () => {
  const good: [string, number, string, string, 'up' | 'down'][] = [
    ['001_initial_schema.sql', 1, '001', 'initial_schema', 'up'],
    ['001_initial_schema.down.sql', 1, '001', 'initial_schema', 'down'],
    ['002_add_task_tags.sql', 2, '002', 'add_task_tags', 'up'],
    ['010_x.sql', 10, '010', 'x', 'up'],
    ['100_add_v2_columns.sql', 100, '100', 'add_v2_columns', 'up'],
    ['0007_four_digits.sql', 7, '0007', 'four_digits', 'up'],
    ['1000_wider.down.sql', 1000, '1000', 'wider', 'down'],
    ['000_bootstrap.sql', 0, '000', 'bootstrap', 'up'],
    ['003_2fa_support.sql', 3, '003', '2fa_support', 'up'],
    ['20240101120000_timestamp_style.sql', 20240101120000, '20240101120000', 'timestamp_style', 'up'],
  ];
  for (const [name, sequence, sequenceText, slug, direction] of good) {
    it(`accepts ${name}`, () => {
      const r = parseMigrationFileName(name);
      assert.deepEqual(r, { ok: true, value: { sequence, sequenceText, slug, direction } });
    });
  }

  const bad: [string, string, RegExp][] = [
    ['001_initial_schema.SQL', 'uppercase-extension', /lower-case "\.sql", not "\.SQL"/],
    ['001_initial_schema.Sql', 'uppercase-extension', /not "\.Sql"/],
    ['001_initial_schema.DOWN.SQL', 'uppercase-extension', /lower-case "\.down\.sql"/],
    ['001_initial_schema.Down.sql', 'uppercase-extension', /not "\.Down\.sql"/],
    ['001initial_schema.sql', 'bad-name', /underscore must follow the sequence/],
    ['001-initial-schema.sql', 'bad-name', /underscore must follow the sequence/],
    ['001 initial.sql', 'bad-name', /underscore must follow the sequence/],
    ['01_initial_schema.sql', 'bad-name', /needs at least 3 digits, e\.g\. "001"/],
    ['1_initial_schema.sql', 'bad-name', /needs at least 3 digits/],
    ['initial_schema.sql', 'bad-name', /must start with a sequence number/],
    ['schema.sql', 'bad-name', /must start with a sequence number/],
    ['V1__init.sql', 'bad-name', /must start with a sequence number/],
    ['001_.sql', 'bad-name', /a description must follow/],
    ['001.sql', 'bad-name', /underscore must follow/],
    ['001_.down.sql', 'bad-name', /a description must follow/],
    ['001_InitialSchema.sql', 'bad-name', /"InitialSchema" is not snake_case/],
    ['001_Initial_schema.sql', 'bad-name', /not snake_case/],
    ['001_initial-schema.sql', 'bad-name', /not snake_case/],
    ['001_initial__schema.sql', 'bad-name', /not snake_case/],
    ['001__initial.sql', 'bad-name', /not snake_case/],
    ['001_initial_.sql', 'bad-name', /not snake_case/],
    ['001_initial schema.sql', 'bad-name', /not snake_case/],
    ['001_café.sql', 'bad-name', /not snake_case/],
    ['001_initial.schema.sql', 'bad-name', /not snake_case/],
    ['001_initial.up.sql', 'bad-name', /not snake_case/],
    ['001_initial.down.down.sql', 'bad-name', /not snake_case/],
    ['99999999999999999999_huge.sql', 'bad-name', /too large/],
    ['README.md', 'bad-name', /does not end in \.sql/],
    ['001_initial_schema.sql.sha256', 'bad-name', /does not end in \.sql/],
  ];
  for (const [name, code, reason] of bad) {
    it(`refuses ${name} (${code})`, () => {
      const r = parseMigrationFileName(name);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.code, code);
        assert.equal(r.error.severity, 'error');
        assert.match(r.error.message, reason);
        assert.ok(r.error.message.includes(`"${name}"`), `message names the file: ${r.error.message}`);
      }
    });
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
