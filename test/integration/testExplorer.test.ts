import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { api, eventually, folder, inWorkspace, resetWorkspace } from './helpers';

// The example's migrations and their test files (the spec's post-migration checks), copied into the workspace:
// the Test Explorer's items, a run of all of them, then one broken assertion seen failing at its line.
const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'examples', 'dashboard-api', 'docs', 'dashboard-api', 'migrations');
const DIR = 'example-migrations';
const settings = () => vscode.workspace.getConfiguration('sqliteMigrations', folder().uri);
const file = (name: string) => inWorkspace(DIR, name);

suite('Test Explorer: the migrations\' test files', () => {
  suiteSetup(async () => {
    fs.cpSync(EXAMPLE, inWorkspace(DIR), { recursive: true });
    await settings().update('migrationsFolder', DIR, vscode.ConfigurationTarget.WorkspaceFolder);
    await settings().update('databaseFile', 'data/example.db', vscode.ConfigurationTarget.WorkspaceFolder);
  });

  suiteTeardown(async () => {
    await settings().update('migrationsFolder', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await settings().update('databaseFile', 'data/app.db', vscode.ConfigurationTarget.WorkspaceFolder);
    fs.rmSync(inWorkspace(DIR), { recursive: true, force: true });
    await resetWorkspace();
  });

  test('one item per test file with its assertions at their lines, and a reversible item per migration', async () => {
    const tests = (await api()).tests;
    const items = await eventually(async () => {
      await tests.refresh();
      const found = tests.items();
      assert.equal(found.filter((i) => i.id.startsWith('test:')).length, 5, JSON.stringify(found.map((i) => i.id)));
      return found;
    }, 'the example\'s five test files in the Test Explorer');
    const first = items.find((i) => i.id === `test:${file('001_initial_schema.test.sql')}`);
    assert.ok(first);
    assert.equal(first.label, '001_initial_schema.test.sql');
    // The gutter item starts at the annotation; the suite reports the statement's line.
    assert.deepEqual(first.children.slice(0, 3).map((c) => [c.label, c.line]), [
      ['expect: milestones,projects,repositories,schema_migrations,tasks', 5],
      ['expect-empty', 9],
      ['expect-plan: USING INDEX idx_tasks_priority_queue', 13],
    ]);
    assert.deepEqual(items.filter((i) => i.id.startsWith('reversible:')).map((i) => i.label), ['001_initial_schema: reversible', '002_add_task_tags: reversible', '003_optimize_task_queries: reversible', '004_task_title_not_null: reversible', '005_seed_demo_data: reversible']);
  });

  test('running every item passes them all and never creates the workspace database', async () => {
    const tests = (await api()).tests;
    await tests.refresh();
    const records = await tests.run();
    const failed = records.filter((r) => r.state !== 'passed');
    assert.deepEqual(failed, [], 'every test and reversibility check passes');
    const assertions = tests.items().flatMap((i) => i.children.map((c) => c.id));
    assert.ok(assertions.length >= 20, `${assertions.length} assertions`);
    for (const id of assertions) assert.ok(records.some((r) => r.id === id && r.state === 'passed'), `${id} passed`);
    assert.equal(records.filter((r) => r.id.startsWith('reversible:') && r.state === 'passed').length, 5);
    assert.equal(fs.existsSync(inWorkspace('data', 'example.db')), false, 'the tests ran on a scratch in-memory database');
  });

  test('a broken assertion fails at its line with expected and actual; the rest still pass', async () => {
    const tests = (await api()).tests;
    const target = file('001_initial_schema.test.sql');
    const lines = fs.readFileSync(target, 'utf8').split('\n');
    assert.equal(lines[22], '-- expect: 1|1', 'line 23 is the "completed" counter check');
    lines[22] = '-- expect: 1|2';
    fs.writeFileSync(target, lines.join('\n'));
    // The folder's watcher tells the model, and the items follow the file without being asked to refresh.
    await eventually(async () => {
      const item = tests.items().find((i) => i.id === `test:${target}`)?.children.find((c) => c.id === `${target}:24`);
      assert.equal(item?.label, 'expect: 1|2');
    }, 'the edited assertion in the Test Explorer');
    const records = await tests.run([`test:${target}`]);
    const broken = records.find((r) => r.id === `${target}:24`);
    assert.ok(broken, JSON.stringify(records));
    assert.equal(broken.state, 'failed');
    assert.deepEqual(broken.messages, [{ message: '001_initial_schema.test.sql:24: expect: 1|2: expected 1|2, actual 1|1', file: target, line: 24, expected: '1|2', actual: '1|1' }]);
    assert.equal(records.find((r) => r.id === `test:${target}`)?.state, 'failed', 'its file is failed too');
    const others = records.filter((r) => r.id !== `${target}:24` && r.id !== `test:${target}`);
    assert.ok(others.length > 5 && others.every((r) => r.state === 'passed'), JSON.stringify(others.filter((r) => r.state !== 'passed')));
    assert.ok(!records.some((r) => r.id.startsWith('test:') && r.id !== `test:${target}`), 'only the selected file and its assertions were reported');
    assert.equal(fs.existsSync(inWorkspace('data', 'example.db')), false);
  });

  test('a test file being typed shows its problems at their lines', async () => {
    const target = file('002_add_task_tags.test.sql');
    const doc = await vscode.workspace.openTextDocument(target);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '-- expect-rows: lots\nSELECT 1;\n-- expect-colums: 2\nSELECT 1;\n'));
    const marks = await eventually(() => {
      const found = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'SQLite Migrations');
      assert.equal(found.length, 2);
      return found;
    }, 'the two annotation problems in the Problems panel');
    assert.deepEqual(marks.map((d) => [d.range.start.line + 1, d.message, d.severity]), [
      [1, '-- expect-rows takes a whole number, not "lots".', vscode.DiagnosticSeverity.Error],
      [3, 'unknown annotation "-- expect-colums"; expected one of -- expect, -- expect-rows, -- expect-empty, -- expect-error, -- expect-plan.', vscode.DiagnosticSeverity.Error],
    ]);
    await vscode.commands.executeCommand('undo');
    await eventually(() => assert.equal(vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'SQLite Migrations').length, 0), 'the marks gone after undo');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
