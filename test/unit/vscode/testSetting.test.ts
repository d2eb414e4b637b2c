// sqliteMigrations.runTestsBeforeCommit as the editor reads it: Apply runs a migration's test file before its COMMIT
// by default (a failed assertion rolls it back), and applies without it when the setting is false.
import './install';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { MigrationCommands } from '../../../src/vscode/commands';
import { MigrationsModel } from '../../../src/vscode/model';
import { Reporter } from '../../../src/vscode/report';
import { ReportView } from '../../../src/vscode/reportView';
import { ENGINE } from '../helpers/engines';
import { sqlite3 } from '../helpers/sqlite3';
import { makeWorkspace, removeWorkspace } from '../helpers/workspace';
import { fake, window } from './fakeVscode';

describe(`vscode: Apply and sqliteMigrations.runTestsBeforeCommit (${ENGINE})`, function () {
  this.timeout(30_000);
  let root: string;
  const disposables: { dispose(): void }[] = [];

  beforeEach(() => {
    fake.reset();
    root = makeWorkspace({
      'migrations/001_t.sql': 'CREATE TABLE t (id INTEGER PRIMARY KEY);',
      'migrations/001_t.down.sql': 'DROP TABLE t;',
      'migrations/001_t.test.sql': '-- expect: 5\nSELECT count(*) FROM t;',
    });
    fake.folders = [fake.folder(root)];
  });
  afterEach(() => {
    for (const d of disposables.splice(0)) d.dispose();
    removeWorkspace(root);
  });

  async function apply(): Promise<unknown> {
    const model = new MigrationsModel(() => new Date('2025-10-19T14:30:00Z'));
    const reports = new ReportView();
    disposables.push(model, reports, ...new MigrationCommands(model, new Reporter(window.createOutputChannel() as never), reports).register());
    fake.answer = 'Apply';
    return fake.commands.get('sqliteMigrations.applyPending')?.();
  }
  const ledger = () => sqlite3(path.join(root, 'data', 'app.db'), 'SELECT status FROM schema_migrations;').trim();

  it('by default a failed assertion fails the migration: rolled back, ledger "failed", file:line in the message', async () => {
    fake.settings = { 'sqliteMigrations.engine': ENGINE };
    assert.equal(await apply(), false);
    assert.equal(ledger(), 'failed');
    assert.ok(fake.shown.some((s) => s.kind === 'error' && /001_t\.test\.sql:2: .*expected 5, actual 0/.test(s.message)), JSON.stringify(fake.shown));
  });

  it('in a Diesel folder the failed assertion is named by the folder and test.sql, not test.sql alone', async () => {
    removeWorkspace(root);
    root = makeWorkspace({
      'migrations/2024-01-01-000000_t/up.sql': 'CREATE TABLE t (id INTEGER PRIMARY KEY);',
      'migrations/2024-01-01-000000_t/down.sql': 'DROP TABLE t;',
      'migrations/2024-01-01-000000_t/test.sql': '-- expect: 5\nSELECT count(*) FROM t;',
    });
    fake.folders = [fake.folder(root)];
    fake.settings = { 'sqliteMigrations.engine': ENGINE };
    assert.equal(await apply(), false);
    assert.equal(ledger(), 'failed');
    assert.ok(fake.shown.some((s) => s.kind === 'error' && /2024-01-01-000000_t\/test\.sql:2: .*expected 5, actual 0/.test(s.message)), JSON.stringify(fake.shown));
  });

  it('false applies without the tests', async () => {
    fake.settings = { 'sqliteMigrations.engine': ENGINE, 'sqliteMigrations.runTestsBeforeCommit': false };
    assert.equal(await apply(), true, JSON.stringify(fake.shown));
    assert.equal(ledger(), 'applied');
  });
});
