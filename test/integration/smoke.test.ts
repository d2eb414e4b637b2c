// The host itself works: the extension under development is loaded from the repo, activates, and
// the fixture workspace is open, trusted or (for tests tagged @untrusted) in Restricted Mode.
// If these fail, no other integration test result means anything.
import * as assert from 'node:assert/strict';
import * as path from 'path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'sqlite-migrations.sqlite-migrations';
const FIXTURE_MIGRATIONS = [
  '001_create_users.sql',
  '001_create_users.down.sql',
  '002_add_user_email.sql',
  '002_add_user_email.down.sql',
];

function ourExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not among the extensions the host loaded`);
  return extension;
}

suite('Smoke: the extension in a real VS Code', () => {
  test('the extension under development is loaded from this repository', () => {
    const repoRoot = path.resolve(__dirname, '..', '..', '..');
    assert.equal(path.resolve(ourExtension().extensionPath), repoRoot);
  });

  test('it activates', async () => {
    const extension = ourExtension();
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  test('a trusted copy of the fixture workspace is open', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'expected exactly one workspace folder');
    assert.equal(vscode.workspace.isTrusted, true);
    const fixture = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace');
    assert.notEqual(path.resolve(folders[0].uri.fsPath), fixture, 'tests must run on a copy, never on the fixture itself');
    // Other suites add migrations to the same copy, so only the fixture's own files are certain.
    const found = await vscode.workspace.findFiles('migrations/*.sql');
    const names = new Set(found.map((uri) => path.basename(uri.fsPath)));
    for (const name of FIXTURE_MIGRATIONS) assert.ok(names.has(name), `${name} not found; found ${[...names].join(', ')}`);
  });
});

suite('Smoke: Restricted Mode @untrusted', () => {
  test('the fixture workspace is open but not trusted', () => {
    assert.equal(vscode.workspace.workspaceFolders?.length, 1, 'expected exactly one workspace folder');
    assert.equal(vscode.workspace.isTrusted, false);
  });

  test('the extension still activates (it declares limited support for untrusted workspaces)', async () => {
    const extension = ourExtension();
    await extension.activate();
    assert.equal(extension.isActive, true);
  });
});
