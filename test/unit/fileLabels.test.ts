// Every message names a migration's file so that it says which migration: in Diesel's layout every migration has an
// up.sql, so the label carries its folder. Through the bundled CLI, on the engine this Node picks (sql.js under
// Node 20, native under Node 24), and through discovery. The seed layout's bare names are checked by the other files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverMigrations } from '../../src/core/migrations/catalog';
import { fileLabel } from '../../src/core/migrations/label';
import { ENGINE } from './helpers/engines';
import { cli, cliJson, workspacesPerTest } from './helpers/workspace';

const USERS = '2024-01-01-000000_create_users';
const INDEX = '2024-02-01-000000_index_email';

/** Two Diesel migrations; `second` replaces or drops (undefined) the second one's files. */
function diesel(second: Record<string, string | undefined> = {}): Record<string, string> {
  const files: Record<string, string | undefined> = {
    [`migrations/${USERS}/up.sql`]: 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n',
    [`migrations/${USERS}/down.sql`]: 'DROP TABLE users;\n',
    [`migrations/${USERS}/test.sql`]: "INSERT INTO users (email) VALUES ('a@example.com');\n-- expect: 1\nSELECT count(*) FROM users;\n",
    [`migrations/${INDEX}/up.sql`]: '-- the lookup by email\nCREATE INDEX idx_users_email ON users(email);\n',
    [`migrations/${INDEX}/down.sql`]: 'DROP INDEX idx_users_email;\n',
    ...Object.fromEntries(Object.entries(second).map(([name, text]) => [`migrations/${INDEX}/${name}`, text])),
  };
  return Object.fromEntries(Object.entries(files).filter((e): e is [string, string] => e[1] !== undefined));
}

const MISSPELLED = '-- the lookup by email\nCREATE INDEX idx_users_email ON users(emial);\n';

describe(`file labels: each message says which migration's file (${ENGINE})`, () => {
  const ws = workspacesPerTest();
  const abs = (root: string, name: string) => path.join(root, 'migrations', INDEX, name);

  const labels: [string, string, string][] = [
    ['a seed file', path.join('/p', 'migrations', '001_users.sql'), '001_users.sql'],
    ['a seed down file', path.join('/p', 'migrations', '001_users.down.sql'), '001_users.down.sql'],
    ['a seed test file', path.join('/p', 'migrations', '001_users.test.sql'), '001_users.test.sql'],
    ['a Flyway file', path.join('/p', 'sql', 'V1__users.sql'), 'V1__users.sql'],
    ['Diesel\'s up.sql', path.join('/p', 'migrations', USERS, 'up.sql'), `${USERS}/up.sql`],
    ['Diesel\'s down.sql', path.join('/p', 'migrations', USERS, 'down.sql'), `${USERS}/down.sql`],
    ['Diesel\'s test.sql', path.join('/p', 'migrations', USERS, 'test.sql'), `${USERS}/test.sql`],
    ['a Diesel folder itself', path.join('/p', 'migrations', USERS), USERS],
    ['up.sql in a folder that is no migration', path.join('/p', 'migrations', 'misc', 'up.sql'), 'up.sql'],
    ['a seed file in a folder named like a Diesel migration', path.join('/p', '1_db', '001_users.sql'), '001_users.sql'],
  ];
  for (const [what, file, label] of labels) {
    it(`fileLabel: ${what} is "${label}"`, () => assert.equal(fileLabel(file), label));
  }

  it('up: the failing statement is named at <folder>/up.sql:LINE; the printed line shows the path once', () => {
    const root = ws(diesel({ 'up.sql': MISSPELLED }));
    const json = cliJson(root, ['up']);
    assert.equal(json.code, 1, json.stderr);
    const error = json.json.outcomes.find((o: { ok: boolean }) => !o.ok).error;
    assert.match(error.message, new RegExp(`^${INDEX}/up\\.sql:2: no such column: "?emial"?`));
    assert.equal(error.file, abs(root, 'up.sql'), 'the file field stays the absolute path');
    assert.equal(error.line, 2);
    const run = cli(root, ['up']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`^${escape(abs(root, 'up.sql'))}:2: error: no such column: "?emial"?`, 'm'), run.stderr);
    assert.doesNotMatch(run.stderr, /error: [^\n]*up\.sql:2/, 'the label is not repeated after the path');
  });

  it('lint: a misspelled column in the second migration is named at <folder>/up.sql:LINE:COLUMN', () => {
    const root = ws(diesel({ 'up.sql': MISSPELLED }));
    const json = cliJson(root, ['lint']);
    assert.equal(json.code, 1, json.stderr);
    assert.deepEqual(json.json.findings.map((f: { message: string; file: string }) => [f.message.replace(/, in statement.*/, ''), f.file]), [
      [`${INDEX}/up.sql:2:39: no such column: emial`, abs(root, 'up.sql')],
    ]);
    assert.match(cli(root, ['lint']).stdout, new RegExp(`^migrations/${INDEX}/up\\.sql:2:39: error: no such column: emial$`, 'm'));
  });

  it('test: a failing assertion in the second migration\'s test.sql is named at <folder>/test.sql:LINE, in the report and JUnit', () => {
    const root = ws(diesel({ 'test.sql': '-- expect: 5\nSELECT count(*) FROM users;\n' }));
    const run = cli(root, ['test', '--junit', 'junit.xml']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, new RegExp(`^pass {2}${USERS}/test\\.sql:3 {2}expect: 1$`, 'm'));
    assert.match(run.stdout, new RegExp(`^FAIL {2}${INDEX}/test\\.sql:2 {2}expect: 5\\n {8}expected: 5\\n {8}actual: {3}0$`, 'm'));
    assert.match(fs.readFileSync(path.join(root, 'junit.xml'), 'utf8'), new RegExp(`<testcase name="${INDEX}/test\\.sql:2 expect: 5" classname="${INDEX}" file="${escape(abs(root, 'test.sql'))}" line="2">`));
  });

  it('test: a second migration that cannot be applied is listed once with <folder>/up.sql:LINE', () => {
    const root = ws(diesel({ 'up.sql': MISSPELLED }));
    const run = cli(root, ['test']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, new RegExp(`^FAIL {2}${INDEX} {2}could not be applied: ${INDEX}/up\\.sql:2: no such column: "?emial"?`, 'm'));
    assert.doesNotMatch(run.stdout, /up\.sql:2: [^\n]*up\.sql:2/, 'the place is said once');
  });

  it('test: a test.sql that does not parse is named with its folder', () => {
    const root = ws(diesel({ 'test.sql': 'SELECT 1;\n-- expect-colums: 2\nSELECT 1;\n' }));
    const run = cli(root, ['test']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`^${escape(abs(root, 'test.sql'))}:2: error: unknown annotation "-- expect-colums"`, 'm'));
    const json = cliJson(root, ['test']);
    assert.match(json.json.problems[0].message, new RegExp(`^${INDEX}/test\\.sql:2: unknown annotation`));
  });

  it('rolling back a migration applied without a down file names the down file its folder lacks', () => {
    const root = ws(diesel({ 'down.sql': undefined }));
    assert.equal(cli(root, ['up']).code, 0);
    const down = cli(root, ['down']);
    assert.equal(down.code, 2, down.stderr);
    assert.match(down.stderr, new RegExp(`${INDEX} has no ${INDEX}/down\\.sql, so it cannot be rolled back\\. Nothing was run\\.`), down.stderr);
    assert.match(cli(root, ['status']).stdout, /^2024-02-01-000000 .*\bapplied\b/m, 'the migration is still applied');
  });

  it('discovery: a bad header, a missing down and a duplicate sequence each name the folder', async () => {
    const files: Record<string, string> = {
      ...diesel({ 'up.sql': '-- version: one\nCREATE INDEX idx_users_email ON users(email);\n' }),
      'migrations/2024-03-01-000000_posts/up.sql': 'CREATE TABLE posts (id INTEGER PRIMARY KEY);\n',
      'migrations/2024-03-01-000000_tags/up.sql': 'CREATE TABLE tags (id INTEGER PRIMARY KEY);\n',
    };
    delete files[`migrations/${USERS}/down.sql`];
    const root = ws(files);
    const catalog = await discoverMigrations(path.join(root, 'migrations'));
    assert.equal(catalog.layout, 'diesel');
    assert.deepEqual(catalog.problems.map((p) => [p.code, p.message]).sort(), [
      ['bad-header', `${INDEX}/up.sql:1: "one" is not a MAJOR.MINOR.PATCH version (e.g. 1.2.0).`],
      ['duplicate-sequence', '2024-03-01-000000_posts/up.sql has the same sequence as 2024-03-01-000000_tags/up.sql; neither is used until one is renumbered.'],
      ['duplicate-sequence', '2024-03-01-000000_tags/up.sql has the same sequence as 2024-03-01-000000_posts/up.sql; neither is used until one is renumbered.'],
      ['missing-down', `${USERS}/up.sql has no ${USERS}/down.sql, so it cannot be rolled back.`],
    ]);
    const header = catalog.problems.find((p) => p.code === 'bad-header')!;
    assert.deepEqual([header.file, header.line], [abs(root, 'up.sql'), 1], 'file and line stay the absolute path and the line');
    const run = cli(root, ['status']);
    assert.match(run.stderr, new RegExp(`^${escape(abs(root, 'up.sql'))}:1: error: "one" is not a MAJOR\\.MINOR\\.PATCH version`, 'm'), run.stderr);
    assert.match(run.stderr, new RegExp(`^${escape(path.join(root, 'migrations', USERS, 'up.sql'))}: warning: has no ${USERS}/down\\.sql, so it cannot be rolled back\\.$`, 'm'));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
