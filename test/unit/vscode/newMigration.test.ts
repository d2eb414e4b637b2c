// New Migration's questions over the fake vscode API, writing real files: the version level is asked only where
// the folder's migrations carry semantic versions; a folder versioned by sequence numbers (written for another
// tool) has none to ask about.
import './install';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type * as vscode from 'vscode';
import { FileCommands } from '../../../src/vscode/fileCommands';
import { MigrationsModel } from '../../../src/vscode/model';
import { Reporter } from '../../../src/vscode/report';
import type { ChecksumDiagnostics } from '../../../src/vscode/diagnostics';
import { ENGINE } from '../helpers/engines';
import { makeWorkspace, removeWorkspace } from '../helpers/workspace';
import { fake, Uri, window } from './fakeVscode';

const BUMP_TITLE = 'New Migration: version bump';

describe(`New Migration's questions (${ENGINE})`, function () {
  this.timeout(30_000);
  let root: string;
  let model: MigrationsModel;

  async function create(files: Record<string, string>): Promise<string[]> {
    root = makeWorkspace(files);
    fake.folders = [fake.folder(root)];
    fake.settings = { 'sqliteMigrations.engine': ENGINE };
    model = new MigrationsModel(() => new Date('2025-10-19T14:30:00Z'));
    const reporter = new Reporter(window.createOutputChannel() as unknown as vscode.LogOutputChannel);
    const commands = new FileCommands(model, undefined as unknown as ChecksumDiagnostics, reporter, Uri.file(path.resolve(__dirname, '../../../..')) as unknown as vscode.Uri, () => new Date('2025-10-19T14:30:00Z'));
    await commands.newMigration(undefined, { description: 'add tags' });
    return fs.readdirSync(path.join(root, 'migrations')).sort();
  }
  beforeEach(() => fake.reset());
  afterEach(() => {
    model.dispose();
    removeWorkspace(root);
  });

  it('asks the version level where migrations carry versions, and writes the one picked', async () => {
    fake.pick = 'patch';
    const names = await create({ 'migrations/001_base.sql': '-- version: 1.2.0\nCREATE TABLE tasks (id INTEGER PRIMARY KEY);\n' });
    assert.deepEqual(fake.picks, [BUMP_TITLE]);
    assert.ok(names.includes('002_add_tags.sql'), names.join(', '));
    assert.match(fs.readFileSync(path.join(root, 'migrations', '002_add_tags.sql'), 'utf8'), /^-- version: 1\.2\.1$/m);
  });

  it('creates nothing when the version question is dismissed', async () => {
    const names = await create({ 'migrations/001_base.sql': '-- version: 1.2.0\nCREATE TABLE tasks (id INTEGER PRIMARY KEY);\n' });
    assert.deepEqual(fake.picks, [BUMP_TITLE]);
    assert.deepEqual(names, ['001_base.sql']);
  });

  it('asks no version level where migrations are versioned by sequence numbers', async () => {
    const names = await create({ 'migrations/000001_base.up.sql': 'CREATE TABLE tasks (id INTEGER PRIMARY KEY);\n', 'migrations/000001_base.down.sql': 'DROP TABLE tasks;\n' });
    assert.deepEqual(fake.picks, []);
    assert.deepEqual(names, ['000001_base.down.sql', '000001_base.up.sql', '000002_add_tags.down.sql', '000002_add_tags.up.sql']);
    assert.doesNotMatch(fs.readFileSync(path.join(root, 'migrations', '000002_add_tags.up.sql'), 'utf8'), /^-- version:/m);
  });
});
