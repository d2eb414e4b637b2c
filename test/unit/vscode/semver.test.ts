// The breaking-change warning in the editor and its quick fix, over the fake vscode API with the real review
// (a sql.js worker on a scratch database) and the real engine on real files.
import './install';
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import * as fs from 'fs';
import * as path from 'path';
import * as engine from '../../../src/core/engine';
import { MigrationsModel } from '../../../src/vscode/model';
import { folderConfig } from '../../../src/vscode/settings';
import { BREAKING_CODE, BumpVersionActions, SemverDiagnostics } from '../../../src/vscode/semverDiagnostics';
import { ENGINE } from '../helpers/engines';
import { makeWorkspace, removeWorkspace } from '../helpers/workspace';
import { fake, Range, Uri, type WorkspaceEdit } from './fakeVscode';

const BASE = '-- version: 1.0.0\nCREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT);\n';
const RENAME = '-- version: 1.1.0\n-- description: rename\n\nALTER TABLE tasks RENAME COLUMN title TO name;\n';

describe(`breaking changes in the editor (${ENGINE})`, function () {
  this.timeout(30_000);
  let root: string;
  let model: MigrationsModel;
  let semver: SemverDiagnostics;

  function setUp(second: string) {
    root = makeWorkspace({ 'migrations/001_base.sql': BASE, 'migrations/002_rename.sql': second });
    fake.folders = [fake.folder(root)];
    fake.settings = { 'sqliteMigrations.engine': ENGINE };
    model = new MigrationsModel(() => new Date('2025-10-19T14:30:00Z'));
    semver = new SemverDiagnostics(model);
  }
  beforeEach(() => fake.reset());
  afterEach(() => {
    semver.dispose();
    model.dispose();
    removeWorkspace(root);
  });

  const file = () => path.join(root, 'migrations', '002_rename.sql');
  /** The document as the editor would hand it to the quick fix provider. */
  const doc = () => {
    const text = fs.readFileSync(file(), 'utf8');
    return { uri: Uri.file(file()), getText: () => text, lineAt: (i: number) => ({ text: text.split('\n')[i] }) } as unknown as vscode.TextDocument;
  };
  const actions = () => new BumpVersionActions(semver).provideCodeActions(doc(), new Range(3, 0, 3, 0) as never, { diagnostics: fake.diagnostics.get(file()) ?? [] } as never);

  it('warns on the statement and offers to bump the header to the next MAJOR', async () => {
    setUp(RENAME);
    await semver.reload();
    const diagnostics = fake.diagnostics.get(file()) ?? [];
    assert.equal(diagnostics.length, 1);
    const [d] = diagnostics;
    assert.equal(d.code, BREAKING_CODE);
    assert.equal((d.range as unknown as Range).startLine, 3, 'line 4: the RENAME COLUMN');
    assert.match(d.message, /^drops column tasks\.title \(or renames it\): a breaking change in 1\.1\.0, which is not a MAJOR bump over 1\.0\.0; make it 2\.0\.0/);
    const [action] = actions();
    assert.equal(action.title, 'Bump the version to 2.0.0 (MAJOR: a breaking change)');
    const [[uri, range, text]] = (action.edit as unknown as WorkspaceEdit).replacements;
    assert.equal(uri.fsPath, file());
    assert.deepEqual([range.startLine, range.startCharacter, range.endLine, range.endCharacter], [0, 12, 0, 17], 'exactly "1.1.0" on line 1');
    assert.equal(text, '2.0.0');
  });

  it('says nothing about an additive migration, or a breaking one in a MAJOR version', async () => {
    setUp('-- version: 1.1.0\nALTER TABLE tasks ADD COLUMN note TEXT;\n');
    await semver.reload();
    assert.deepEqual(fake.diagnostics.get(file()) ?? [], []);
    fs.writeFileSync(file(), RENAME.replace('1.1.0', '2.0.0'));
    await semver.reload();
    assert.deepEqual(fake.diagnostics.get(file()) ?? [], []);
    assert.deepEqual(actions(), []);
  });

  it('an applied migration keeps the warning but gets no quick fix (its checksum is recorded)', async () => {
    setUp(RENAME);
    const config = folderConfig(fake.folders[0] as unknown as vscode.WorkspaceFolder);
    assert.ok(config.ok);
    const up = await engine.migrateUp(config.value, {});
    assert.ok(up.ok && up.value.written);
    model.invalidate();
    await semver.reload();
    assert.equal((fake.diagnostics.get(file()) ?? []).length, 1);
    assert.deepEqual(actions(), []);
  });

  it('runs nothing in an untrusted workspace', async () => {
    setUp(RENAME);
    fake.trusted = false;
    await semver.reload();
    assert.deepEqual(fake.diagnostics.get(file()) ?? [], []);
  });
});
