import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { applyEnvironment, resolveConfig } from '../../src/core/config';
import { confirmationProblem, parseEnvironments, selectEnvironment } from '../../src/core/environments';
import { CLI, cli, cliJson, makeWorkspace, removeWorkspace, sqlite3 } from './helpers/workspace';

const FILE = '/ws/.vscode/settings.json';

describe('environments', () => {
  describe('settings', () => {
    it('reads each environment\'s database, backups folder, retention and confirm', () => {
      const r = parseEnvironments({ production: { databaseFile: 'data/prod.db', backupsFolder: 'bk/prod', retention: 'all', confirm: true } }, FILE);
      assert.deepEqual(r, { ok: true, value: { production: { databaseFile: 'data/prod.db', backupsFolder: 'bk/prod', retention: 'all', confirm: true } } });
    });

    const bad: Array<[string, unknown, RegExp]> = [
      ['not an object', ['production'], /must be an object mapping names/],
      ['an entry that is not an object', { production: 'data/prod.db' }, /"production" must be an object/],
      ['an unknown key', { production: { database: 'x.db' } }, /"production" has an unknown key "database" \(known: databaseFile, backupsFolder, retention, confirm\)/],
      ['an empty database file', { production: { databaseFile: '' } }, /"production.databaseFile" must be a non-empty string/],
      ['a confirm that is not a boolean', { production: { confirm: 'yes' } }, /"production.confirm" must be true or false/],
      ['a bad retention', { staging: { retention: '30 days' } }, /"staging.retention" must be a count \(5\), an age \(12h, 30d, 2w\) or "all", not "30 days"/],
      ['a name with a space', { 'my env': {} }, /has a name "my env"/],
    ];
    for (const [what, value, message] of bad) {
      it(`refuses ${what} in one sentence naming the settings file`, () => {
        const r = parseEnvironments(value, FILE);
        assert.ok(!r.ok);
        assert.ok(r.error.message.startsWith(`${FILE}: "sqliteMigrations.environments"`), r.error.message);
        assert.match(r.error.message, message);
        assert.equal(r.error.file, FILE);
      });
    }
  });

  describe('selection', () => {
    const envs = { staging: {}, development: {}, production: {} };
    it('takes the one asked for', () => {
      const r = selectEnvironment(envs, 'production', '--env');
      assert.ok(r.ok && r.value);
      assert.equal(r.value.name, 'production');
      assert.deepEqual(r.value.selected.names, ['staging', 'development', 'production']);
    });
    it('without a choice takes development, else the first listed', () => {
      const a = selectEnvironment(envs, undefined, FILE);
      assert.ok(a.ok && a.value);
      assert.equal(a.value.name, 'development');
      const b = selectEnvironment({ staging: {}, production: {} }, undefined, FILE);
      assert.ok(b.ok && b.value);
      assert.equal(b.value.name, 'staging');
    });
    it('an unknown name is one sentence naming the known ones', () => {
      const r = selectEnvironment(envs, 'prod', '--env');
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'unknown-environment');
      assert.equal(r.error.message, '--env: there is no environment "prod"; the known ones are staging, development, production.');
    });
    it('with none configured there is no environment, and asking for one says none are configured', () => {
      assert.deepEqual(selectEnvironment({}, undefined, FILE), { ok: true, value: undefined });
      const r = selectEnvironment({}, 'production', '--env');
      assert.ok(!r.ok);
      assert.match(r.error.message, /no environments are configured/);
    });
  });

  describe('the spec\'s defaults', () => {
    const settings = {
      databaseFile: 'data/app.db',
      backupRetention: 7,
      environments: { development: { databaseFile: 'data/dev.db' }, staging: { databaseFile: 'data/staging.db' }, production: { databaseFile: 'data/prod.db', backupsFolder: 'vault' }, qa: {} },
    };
    const cases: Array<[string, unknown, boolean]> = [
      ['development', { kind: 'count', count: 5 }, false],
      ['staging', { kind: 'age', ms: 30 * 86400_000, text: '30d' }, false],
      ['production', { kind: 'all' }, true],
      // A name the spec does not know keeps the top-level retention and does not ask.
      ['qa', { kind: 'count', count: 7 }, false],
    ];
    for (const [name, retention, confirm] of cases) {
      it(`${name}: retention ${JSON.stringify(retention)}, confirm ${confirm}`, () => {
        const r = applyEnvironment(settings, name, '--env');
        assert.ok(r.ok);
        const config = resolveConfig('/ws', r.value.settings, r.value.environment);
        assert.deepEqual(config.backupRetention, retention);
        assert.equal(config.environment?.confirm, confirm);
        assert.equal(config.environment?.name, name);
      });
    }
    it('an environment\'s own values win over the defaults, and its paths replace the top-level ones', () => {
      const r = applyEnvironment({ environments: { production: { databaseFile: 'p.db', backupsFolder: 'vault', retention: '2w', confirm: false } } }, 'production', '--env');
      assert.ok(r.ok);
      const config = resolveConfig('/ws', r.value.settings, r.value.environment);
      assert.equal(config.databaseFile, '/ws/p.db');
      assert.equal(config.backupsFolder, '/ws/vault');
      assert.deepEqual(config.backupRetention, { kind: 'age', ms: 14 * 86400_000, text: '2w' });
      assert.equal(config.environment?.confirm, false);
    });
    it('without environments the config is exactly the top-level one', () => {
      const r = applyEnvironment({ databaseFile: 'data/app.db', backupRetention: 3 }, undefined, FILE);
      assert.ok(r.ok);
      assert.equal(r.value.environment, undefined);
      const config = resolveConfig('/ws', r.value.settings, r.value.environment);
      assert.deepEqual(config, { ...resolveConfig('/ws', { databaseFile: 'data/app.db', backupRetention: 3 }), environment: null });
      assert.equal(config.environment, null);
    });
  });

  describe('confirmation', () => {
    const production = { name: 'production', confirm: true, names: ['development', 'production'] };
    it('the exact name confirms', () => assert.equal(confirmationProblem(production, '"up"', 'production'), undefined));
    it('another name does not, and says nothing changed', () => {
      const p = confirmationProblem(production, '"up"', 'prod');
      assert.equal(p?.code, 'confirm-needed');
      assert.match(p!.message, /^Not confirmed: "prod" is not "production", so "up" did not run\. Nothing was changed\.$/);
    });
    it('with nobody to ask it needs --yes', () => assert.match(confirmationProblem(production, '"up"', undefined)!.message, /run it again with --yes/));
    it('an environment without confirm never asks', () => assert.equal(confirmationProblem({ ...production, confirm: false }, '"up"', undefined), undefined));
  });

  describe('through the CLI', () => {
    let root: string;
    const db = (name: string) => path.join(root, 'data', `${name}.db`);
    const hasNotes = (file: string) => sqlite3(file, "SELECT count(*) FROM sqlite_master WHERE name = 'notes';").trim() === '1';
    beforeEach(() => {
      root = makeWorkspace({
        'migrations/001_notes.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n',
        'migrations/001_notes.down.sql': 'DROP TABLE notes;\n',
        '.vscode/settings.json': JSON.stringify({
          'sqliteMigrations.environments': {
            development: { databaseFile: 'data/dev.db' },
            staging: { databaseFile: 'data/staging.db' },
            production: { databaseFile: 'data/prod.db' },
          },
        }),
      });
      fs.mkdirSync(path.join(root, 'data'));
      for (const name of ['dev', 'staging', 'prod']) sqlite3(db(name), 'CREATE TABLE scratch (x); DROP TABLE scratch;');
    });
    afterEach(() => removeWorkspace(root));

    it('without --env writes the development database and says which environment it used', () => {
      const run = cli(root, ['up']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /environment: development \(.*data\/dev\.db\)/);
      assert.ok(hasNotes(db('dev')));
      assert.ok(!hasNotes(db('staging')) && !hasNotes(db('prod')));
    });

    it('the selected environment in settings.json decides, --env overrides it', () => {
      const settings = JSON.parse(fs.readFileSync(path.join(root, '.vscode', 'settings.json'), 'utf8'));
      fs.writeFileSync(path.join(root, '.vscode', 'settings.json'), JSON.stringify({ ...settings, 'sqliteMigrations.environment': 'staging' }));
      assert.equal(cli(root, ['up']).code, 0);
      assert.ok(hasNotes(db('staging')) && !hasNotes(db('dev')));
      assert.equal(cli(root, ['up', '--env', 'development']).code, 0);
      assert.ok(hasNotes(db('dev')));
    });

    it('an unknown --env exits 2 naming the known environments, nothing changed', () => {
      const run = cli(root, ['up', '--env', 'prod']);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--env: there is no environment "prod"; the known ones are development, staging, production\./);
      assert.ok(!hasNotes(db('dev')) && !hasNotes(db('prod')));
    });

    it('an unknown selected environment in settings.json exits 2 naming the file', () => {
      const file = path.join(root, '.vscode', 'settings.json');
      fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), 'sqliteMigrations.environment': 'qa' }));
      const run = cli(root, ['status']);
      assert.equal(run.code, 2);
      assert.ok(run.stderr.includes(`${file}: there is no environment "qa"`), run.stderr);
    });

    it('production without a terminal refuses "up" unless --yes, and changes nothing', () => {
      const refused = cliJson(root, ['up', '--env', 'production']);
      assert.equal(refused.code, 2);
      assert.equal(refused.json.problems[0].code, 'confirm-needed');
      assert.match(refused.json.problems[0].message, /The "production" environment asks before "up" on .*prod\.db, and there is no terminal to ask on: run it again with --yes/);
      assert.ok(!hasNotes(db('prod')));
      assert.ok(!fs.existsSync(path.join(root, 'data', 'backups')), 'not even a backup was made');
      const run = cli(root, ['up', '--env', 'production', '--yes']);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(hasNotes(db('prod')));
      assert.equal(cli(root, ['down', '--env', 'production']).code, 2, 'down asks too');
      assert.ok(hasNotes(db('prod')));
    });

    it('reading production (status, verify, dry-run) never asks', () => {
      for (const command of ['status', 'verify', 'dry-run']) {
        const run = cli(root, [command, '--env', 'production']);
        assert.notEqual(run.code, 2, `${command}: ${run.stderr}`);
        assert.doesNotMatch(run.stderr, /--yes/);
      }
    });

    it('an environment\'s database outside the workspace is refused, naming that environment\'s entry', () => {
      fs.writeFileSync(path.join(root, '.vscode', 'settings.json'), JSON.stringify({ 'sqliteMigrations.environments': { production: { databaseFile: '../elsewhere.db' } } }));
      const run = cli(root, ['status', '--env', 'production']);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /"sqliteMigrations\.environments\.production\.databaseFile" resolves to .*elsewhere\.db, outside the workspace folder/);
    });

    it('--yes on a command that does not write is a usage error', () => {
      assert.equal(cli(root, ['status', '--yes']).code, 2);
    });

    describe('on a terminal', () => {
      /** Runs the CLI under `script`, so its stdin is a real terminal, typing `typed` at the prompt. */
      function onTerminal(args: string[], typed: string) {
        const command = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
        const run = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: root, input: `${typed}\n`, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
        return { code: run.status, output: run.stdout };
      }

      it('typing the environment\'s name goes ahead', () => {
        const run = onTerminal(['up', '--env', 'production'], 'production');
        assert.match(run.output, /up writes to the "production" environment \(.*prod\.db\)\. Type its name to go ahead:/);
        assert.equal(run.code, 0, run.output);
        assert.ok(hasNotes(db('prod')));
      });

      it('typing anything else changes nothing, exit 2', () => {
        const run = onTerminal(['up', '--env', 'production'], 'staging');
        assert.equal(run.code, 2, run.output);
        assert.match(run.output, /Not confirmed: "staging" is not "production"/);
        assert.ok(!hasNotes(db('prod')));
      });
    });
  });
});
