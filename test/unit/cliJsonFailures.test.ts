import * as assert from 'node:assert/strict';
import { cli, workspacesPerTest } from './helpers/workspace';

/** With --json every failure is one JSON object on stdout with the same keys, whatever failed and when. */
describe('CLI: --json failures and bad options', () => {
  const workspace = workspacesPerTest();
  const parse = (stdout: string) => JSON.parse(stdout) as { engine: string | null; ok: boolean; problems: { code: string; message: string }[] };

  it('an unknown option: one clear sentence on stderr, or the failure document on stdout with --json', () => {
    const root = workspace({ 'migrations/001_a.sql': 'CREATE TABLE a (x);\n' });
    const plain = cli(root, ['status', '--bogus']);
    assert.equal(plain.code, 2);
    assert.equal(plain.stderr, 'sqlite-migrations: unknown option --bogus; "sqlite-migrations --help" lists the options\n');
    const json = cli(root, ['status', '--json', '--bogus']);
    assert.equal(json.code, 2);
    assert.deepEqual(parse(json.stdout), { engine: null, ok: false, problems: [{ code: 'bad-options', severity: 'error', message: 'unknown option --bogus; "sqlite-migrations --help" lists the options.' }] });
    assert.equal(json.stderr, '');
  });

  it('a missing value, a value given to a switch and a bad combination are said in our words, as JSON too', () => {
    const root = workspace();
    assert.match(cli(root, ['status', '--db']).stderr, /^sqlite-migrations: --db needs a value\nRun "sqlite-migrations --help" for usage\.\n$/);
    assert.match(cli(root, ['status', '--check=1']).stderr, /^sqlite-migrations: --check takes no value\n/);
    assert.match(cli(root, ['status', '--db', '--verbose']).stderr, /^sqlite-migrations: --db needs a value; to give one that starts with "-", write --db=VALUE\n/);
    assert.match(parse(cli(root, ['status', '--db', '--json']).stdout).problems[0].message, /^--db needs a value; to give one that starts with "-", write --db=VALUE\.$/);
    const combo = cli(root, ['status', '--steps', '2', '--json']);
    assert.equal(combo.code, 2);
    assert.match(parse(combo.stdout).problems[0].message, /^--steps only applies to "down"/);
  });

  it('failures before any engine ran carry "engine": null, like the others carry their engine', () => {
    const root = workspace({ 'migrations/001_a.sql': 'CREATE TABLE a (x);\n' });
    for (const args of [['up', '--dir', 'missing'], ['lint', '--dir', 'missing'], ['restore', 'nope.db'], ['status', '--env', 'nope']]) {
      const run = cli(root, [...args, '--json']);
      assert.equal(run.code, 2, args.join(' '));
      const doc = parse(run.stdout);
      assert.ok('engine' in doc, `${args.join(' ')}: ${run.stdout}`);
      assert.equal(doc.engine, null, args.join(' '));
      assert.equal(doc.ok, false);
      assert.ok(doc.problems.length > 0);
    }
  });
});
