// The adapters' own logic in plain Node, over a fake of the vscode API and the real engine on real files:
// the model's queue and error boundary, the commands' choice of migration, per-document debouncing and
// the status bar's text. What VS Code shows of them is tested in the real host (test/integration).
import './install';
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import * as fs from 'fs';
import * as path from 'path';
import { MigrationCommands } from '../../../src/vscode/commands';
import { ChecksumDiagnostics } from '../../../src/vscode/diagnostics';
import { MigrationsModel } from '../../../src/vscode/model';
import { Reporter } from '../../../src/vscode/report';
import { ReportView } from '../../../src/vscode/reportView';
import { MigrationsStatusBar } from '../../../src/vscode/statusBar';
import { MigrationsTree } from '../../../src/vscode/tree';
import { ENGINE } from '../helpers/engines';
import { hasSqlite3, sqlite3 } from '../helpers/sqlite3';
import { makeWorkspace, removeWorkspace } from '../helpers/workspace';
import { fake, Uri, window } from './fakeVscode';

const PAIR = (table: string) => ({ up: `CREATE TABLE ${table} (id INTEGER PRIMARY KEY);\n`, down: `DROP TABLE ${table};\n` });
const FILES = {
  'migrations/001_projects.sql': PAIR('projects').up,
  'migrations/001_projects.down.sql': PAIR('projects').down,
  'migrations/002_tasks.sql': PAIR('tasks').up,
  'migrations/002_tasks.down.sql': PAIR('tasks').down,
};

describe(`vscode adapters over a fake vscode API (${ENGINE})`, function () {
  this.timeout(30_000);
  let root: string;
  let model: MigrationsModel;
  const disposables: { dispose(): void }[] = [];

  beforeEach(() => {
    fake.reset();
    root = makeWorkspace(FILES);
    fake.folders = [fake.folder(root)];
    fake.settings = { 'sqliteMigrations.engine': ENGINE };
    model = new MigrationsModel(() => new Date('2025-10-19T14:30:00Z'), (p) => fake.logged.push(`read error: ${p.message}`));
    disposables.push(model);
  });
  afterEach(() => {
    for (const d of disposables.splice(0)) d.dispose();
    removeWorkspace(root);
  });

  const folder = () => fake.folders[0] as unknown as vscode.WorkspaceFolder;
  const db = () => path.join(root, 'data', 'app.db');
  const commands = () => {
    const reports = new ReportView();
    disposables.push(reports, ...new MigrationCommands(model, new Reporter(window.createOutputChannel() as never), reports).register());
    return (id: string, ...args: unknown[]) => fake.commands.get(`sqliteMigrations.${id}`)?.(...args) as Promise<unknown>;
  };

  it('Roll Back Last asks about the migration the engine will roll back, and rolls back that one', async () => {
    const run = commands();
    fake.answer = 'Apply';
    assert.equal(await run('applyPending'), true);
    // 002 stays applied in the database while its files are gone: the engine's last applied migration.
    fs.rmSync(path.join(root, 'migrations', '002_tasks.sql'));
    fs.rmSync(path.join(root, 'migrations', '002_tasks.down.sql'));
    model.invalidate();
    fake.shown = [];
    fake.answer = 'Roll Back';
    assert.equal(await run('rollbackLast'), true);
    assert.match(fake.shown[0].message, /^Roll back 002_tasks\?/, 'the prompt names the migration that is rolled back');
    assert.equal(sqlite3(db(), 'SELECT version, status FROM schema_migrations ORDER BY id;'), '001|applied\n002|rolled_back\n');
    assert.equal(sqlite3(db(), "SELECT count(*) FROM sqlite_master WHERE name = 'projects';"), '1\n', '001 was left alone');
  });

  it('Apply Pending counts failed and rolled-back migrations as the engine will apply them', async () => {
    const run = commands();
    fake.answer = 'Apply';
    await run('applyPending');
    fake.answer = 'Roll Back';
    await run('rollbackLast');
    fake.shown = [];
    fake.answer = undefined;
    assert.equal(await run('applyPending'), false, 'dismissed');
    assert.match(fake.shown[0].message, /^Apply 1 pending migration/);
  });

  it('Apply asks "Apply Anyway" when applied files were edited since, names them, and applies only on that answer', async () => {
    const run = commands();
    fake.answer = 'Apply';
    await run('applyPending');
    fs.writeFileSync(path.join(root, 'migrations', '001_projects.sql'), PAIR('projects').up + '-- edited\n');
    fs.writeFileSync(path.join(root, 'migrations', '003_tags.sql'), PAIR('tags').up);
    model.invalidate();
    fake.shown = [];
    assert.equal(await run('applyPending'), false, '"Apply" is not an answer to this question');
    assert.match(fake.shown[0].message, /001_projects \(file edited\)/);
    assert.equal(sqlite3(db(), "SELECT count(*) FROM sqlite_master WHERE name = 'tags';"), '0\n');
    fake.answer = 'Apply Anyway';
    assert.equal(await run('applyPending'), true);
    assert.equal(sqlite3(db(), "SELECT count(*) FROM sqlite_master WHERE name = 'tags';"), '1\n');
  });

  it('a status read that fails is shown, logged once, and read again next time instead of being kept', async () => {
    const migrations = path.join(root, 'migrations');
    fs.renameSync(migrations, migrations + '-real');
    fs.symlinkSync(migrations, migrations); // a symlink to itself: ELOOP for anything that follows it
    const tree = new MigrationsTree(model);
    disposables.push(tree);
    const failed = await tree.getChildren();
    assert.equal(failed.length, 1);
    assert.equal(failed[0].kind, 'error');
    assert.equal(tree.getTreeItem(failed[0]).command?.command, 'sqliteMigrations.refresh', 'the error item retries on click');
    await model.folderStatus(folder());
    assert.equal(fake.logged.filter((l) => l.startsWith('read error:')).length, 1, 'the same error is logged once');
    fs.rmSync(migrations);
    fs.renameSync(migrations + '-real', migrations);
    // No invalidate(): the failed read was not cached, so the next read finds the fixed folder.
    assert.deepEqual((await tree.getChildren()).map((n) => n.kind), ['migration', 'migration']);
  });

  it('runs operations on one folder one at a time, in the order they were asked for', async () => {
    const events: string[] = [];
    const op = (name: string, ms: number) => async () => {
      events.push(`${name} start`);
      await new Promise((r) => setTimeout(r, ms));
      events.push(`${name} end`);
      return { ok: true as const, value: name };
    };
    const [a, b] = await Promise.all([model.write(folder(), op('a', 60)), model.query(folder(), op('b', 0))]);
    assert.deepEqual([a, b].map((r) => r.ok && r.value), ['a', 'b']);
    assert.deepEqual(events, ['a start', 'a end', 'b start', 'b end']);
  });

  it('Back Up Now waits its turn in the folder queue', async () => {
    const run = commands();
    fake.answer = 'Apply';
    await run('applyPending');
    const order: string[] = [];
    const slow = model.write(folder(), async () => {
      await new Promise((r) => setTimeout(r, 80));
      order.push('migration');
      return { ok: true as const, value: undefined };
    });
    const backup = (run('backup') as Promise<string | undefined>).then((file) => (order.push('backup'), file));
    await slow;
    const file = await backup;
    assert.deepEqual(order, ['migration', 'backup']);
    assert.ok(file && fs.existsSync(file));
  });

  it('the status bar counts what up would apply and shows the version of what down would roll back', async () => {
    const bar = new MigrationsStatusBar(model);
    disposables.push(bar);
    await bar.update();
    assert.equal(bar.text, '$(database) empty · 2 pending');
    const run = commands();
    fake.answer = 'Apply';
    await run('applyPending');
    await bar.update();
    assert.equal(bar.text, '$(database) 002 · up to date');
    assert.match(bar.tooltip, new RegExp(`Engine: ${ENGINE === 'native' ? 'native' : 'sql\\.js'}`));
    fake.answer = 'Roll Back';
    await run('rollbackLast');
    await bar.update();
    assert.equal(bar.text, '$(database) 001 · 1 pending', 'a rolled-back migration is pending again');
    fake.settings['sqliteMigrations.databaseFile'] = '../outside.db';
    model.invalidate();
    await bar.update();
    assert.equal(bar.text, '$(error) Migrations: error');
    assert.match(bar.tooltip, /outside the workspace folder/);
  });

  it('edits to two applied files in quick succession warn on both (one debounce timer per document)', async () => {
    const run = commands();
    fake.answer = 'Apply';
    await run('applyPending');
    const diagnostics = new ChecksumDiagnostics(model);
    disposables.push(diagnostics);
    await diagnostics.reload();
    const doc = (name: string, text: string) => ({ uri: Uri.file(path.join(root, 'migrations', name)), getText: () => text });
    const one = doc('001_projects.sql', '-- edited\n' + PAIR('projects').up);
    const two = doc('002_tasks.sql', '-- edited\n' + PAIR('tasks').up);
    fake.documents = [one, two];
    fake.onDidChangeTextDocument.fire({ document: one });
    fake.onDidChangeTextDocument.fire({ document: two });
    const warnings = (d: { uri: Uri }) => fake.diagnostics.get(d.uri.fsPath) ?? [];
    // Waits for the second file's warning (the later of the two timers), then looks at both.
    for (let waited = 0; warnings(two).length === 0 && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.equal(warnings(two).length, 1);
    assert.equal(warnings(one).length, 1, 'the first file still warns');
    assert.match(warnings(one)[0].message, /Migration 001 was applied on 2025-10-19 14:30:00 UTC with a different checksum/);
  });

  it('a change that worked says so: what was applied or rolled back, and where the backup is', async () => {
    const run = commands();
    fake.answer = 'Apply';
    assert.equal(await run('applyPending'), true);
    assert.deepEqual(fake.shown.at(-1), { kind: 'info', message: 'Applied 001_projects, 002_tasks.' });
    fake.answer = 'Roll Back';
    assert.equal(await run('rollbackLast'), true);
    assert.equal(fake.shown.at(-1)!.kind, 'info');
    assert.match(fake.shown.at(-1)!.message, /^Rolled back 002_tasks\. Backup: \S+app\.db_\d{8}T\d{9}Z\.db$/);
  });

  it('Apply saves the migration files open with unsaved changes first: what runs is what the editor shows', async () => {
    const run = commands();
    fake.answer = 'Apply';
    assert.equal(await run('applyPending'), true);
    const file = path.join(root, 'migrations', '003_index.sql');
    fs.writeFileSync(file, 'CREATE TABLE t3 (x);\n');
    fs.writeFileSync(path.join(root, 'migrations', '003_index.down.sql'), 'DROP TABLE t3;\n');
    const shown = 'CREATE TABLE t3 (x);\nCREATE INDEX i3 ON t3 (x);\n';
    const other = path.join(root, 'notes.sql');
    const applied = path.join(root, 'migrations', '001_projects.sql');
    const edited = (p: string) => ({ uri: Uri.file(p), isDirty: true, getText: () => shown, save: async () => (fs.writeFileSync(p, shown), true) });
    fake.documents = [edited(file), edited(other), edited(applied)];
    model.invalidate();
    assert.equal(await run('applyPending'), true);
    assert.equal(fs.readFileSync(file, 'utf8'), shown, 'saved first');
    assert.equal(fs.existsSync(other), false, 'a file outside the migrations folder is left alone');
    assert.equal(fs.readFileSync(applied, 'utf8'), PAIR('projects').up, 'an applied migration\'s up file never runs again: its edit stays unsaved');
    assert.equal(sqlite3(db(), "SELECT count(*) FROM sqlite_master WHERE name = 'i3';"), '1\n', 'the text the editor showed ran');
  });

  it('Roll Back asks with what the down plan would really remove: the table and its rows', async () => {
    fs.writeFileSync(path.join(root, 'migrations', '003_seed_projects.sql'), 'INSERT INTO projects (id) VALUES (1), (2), (3);\n');
    fs.writeFileSync(path.join(root, 'migrations', '003_seed_projects.down.sql'), 'DELETE FROM projects;\n');
    const run = commands();
    fake.answer = 'Apply';
    assert.equal(await run('applyPending'), true);
    fake.shown = [];
    fake.answer = undefined; // dismissed: nothing is rolled back
    assert.equal(await run('rollbackLast'), false);
    assert.equal(fake.shown[0].message, 'Roll back 003_seed_projects?\n\nDeletes 3 rows from projects (3 before, 0 after).\nA backup is made first.');
    assert.equal(sqlite3(db(), 'SELECT count(*) FROM projects;'), '3\n', 'the preview ran on a copy');
  });

  it('Roll Back of a down that only has comments, under an up that changed the schema, says so before asking', async () => {
    fs.writeFileSync(path.join(root, 'migrations', '003_due.sql'), 'ALTER TABLE tasks ADD COLUMN due TEXT;\n');
    fs.writeFileSync(path.join(root, 'migrations', '003_due.down.sql'), '-- Undo what 003_due.sql does.\n');
    const run = commands();
    fake.answer = 'Apply';
    assert.equal(await run('applyPending'), true);
    fake.shown = [];
    fake.answer = undefined;
    assert.equal(await run('rollbackLast'), false);
    assert.match(fake.shown[0].message, /^Roll back 003_due\?\n\n003_due\.down\.sql: has no statements to run, so 003_due is marked rolled back but what its up file changed stays \(line 1: ALTER TABLE tasks ADD COLUMN due TEXT\); applying it again will meet that change\./);
  });

  it('Roll Back that the preview shows would fail is not offered: the error is shown and nothing changes', async () => {
    fs.writeFileSync(path.join(root, 'migrations', '003_bad_down.sql'), 'CREATE TABLE t3 (x);\n');
    fs.writeFileSync(path.join(root, 'migrations', '003_bad_down.down.sql'), 'DROP TABLE t3;\nUPDATE nowhere SET x = 1;\n');
    const run = commands();
    fake.answer = 'Apply';
    assert.equal(await run('applyPending'), true);
    fake.shown = [];
    fake.answer = 'Roll Back';
    assert.equal(await run('rollbackLast'), false);
    assert.deepEqual(fake.shown.map((m) => m.kind), ['error'], 'no question, only the error');
    assert.match(fake.shown[0].message, /^003_bad_down cannot be rolled back: the rollback would fail: 003_bad_down\.down\.sql:2: no such table: nowhere/);
    assert.equal(sqlite3(db(), "SELECT status FROM schema_migrations WHERE version = '003';"), 'applied\n');
  });

  it('an out-of-order rollback names the later migrations that stay applied, and "no data is removed" when so', async () => {
    const run = commands();
    fake.answer = 'Apply';
    assert.equal(await run('applyPending'), true);
    const tree = new MigrationsTree(model);
    disposables.push(tree);
    const first = (await tree.getChildren()).find((n) => n.kind === 'migration' && n.state.name === '001_projects');
    fake.shown = [];
    fake.answer = undefined;
    assert.equal(await run('rollback', first), false);
    assert.equal(
      fake.shown[0].message,
      'Roll back 001_projects?\n\nDrops table projects (0 rows).\nNo data is removed.\n002_tasks was applied after it and stays applied.\nA backup is made first.',
    );
  });

  it('shows both files of a duplicate sequence in the tree with the error, and Apply refuses with the reason', async () => {
    fs.writeFileSync(path.join(root, 'migrations', '002_other.sql'), 'CREATE TABLE other (id INTEGER);\n');
    const tree = new MigrationsTree(model);
    disposables.push(tree);
    const nodes = await tree.getChildren();
    const items = nodes.map((n) => tree.getTreeItem(n));
    assert.deepEqual(items.map((i) => [i.label, i.description]), [
      ['001 Projects', '001'],
      ['002_other.sql', 'duplicate sequence'],
      ['002_tasks.sql', 'duplicate sequence'],
    ]);
    assert.equal((items[1].iconPath as { id: string }).id, 'error');
    assert.match((items[2].tooltip as { value: string }).value, /002\\?_tasks\.sql has the same sequence as 002\\?_other\.sql/);
    const bar = new MigrationsStatusBar(model);
    disposables.push(bar);
    await bar.update();
    assert.equal(bar.text, '$(error) empty · 2 problems');
    const run = commands();
    fake.answer = 'Apply';
    assert.equal(await run('applyPending'), false);
    assert.match(fake.shown.at(-1)!.message, /^Cannot apply while 2 migration files have errors: 002_other\.sql has the same sequence as 002_tasks\.sql; neither is used until one is renumbered\.$/);
    assert.equal(fs.existsSync(db()), false, 'nothing was applied');
  });

  it('Dry Run and Verify open one report view, replaced in place when run again', async () => {
    const run = commands();
    assert.equal(await run('dryRun'), true);
    assert.equal(await run('dryRun'), true);
    assert.equal(fake.panels.length, 1, 'one view, reused');
    assert.match(fake.panels[0].html, /<h1>Dry run: /);
    assert.match(fake.panels[0].html, /<td>001_projects<\/td><td>001<\/td><td><span class="ok">would apply<\/span><\/td>/);
    fake.answer = 'Apply';
    await run('applyPending');
    assert.equal(await run('verify'), true);
    assert.equal(fake.panels.length, 1);
    assert.equal(fake.panels[0].title.startsWith('Verify: '), true);
    assert.match(fake.panels[0].html, /foreign key check<\/td><td>Every row that refers to a row of another table/);
    fake.panels[0].dispose();
    assert.equal(await run('dryRun'), true);
    assert.equal(fake.panels.length, 2, 'a closed view is opened anew');
  });

  it('Baseline Existing Database: past where the schema stands it is refused naming the --to; where none matches, a warning', async function () {
    if (!hasSqlite3()) this.skip();
    fs.mkdirSync(path.dirname(db()), { recursive: true });
    sqlite3(db(), PAIR('projects').up);
    const run = commands();
    assert.equal(await run('baseline', undefined, { confirmed: true }), false);
    assert.match(fake.shown.at(-1)!.message, /^Baseline failed: Not baselined: the database has the schema that the migrations up to 001_projects produce, not up to 002_tasks: .*baseline --to 1/);
    sqlite3(db(), 'ALTER TABLE projects ADD COLUMN note TEXT;');
    fake.shown = [];
    assert.equal(await run('baseline', undefined, { confirmed: true, to: 1 }), true);
    assert.deepEqual(fake.shown.map((m) => m.kind), ['warning']);
    assert.match(fake.shown[0].message, /^Baseline: Recorded as asked, although its schema differs from what the migrations up to 001_projects produce: column projects\.note exists in the database but in no migration/);
  });

  it("Baseline Existing Database takes over golang-migrate's schema_migrations, which fails the status, after asking", async function () {
    if (!hasSqlite3()) this.skip();
    fs.mkdirSync(path.dirname(db()), { recursive: true });
    sqlite3(db(), `${PAIR('projects').up} CREATE TABLE schema_migrations (version uint64, dirty bool); INSERT INTO schema_migrations VALUES (1, 0);`);
    assert.equal((await model.folderStatus(folder())).errors[0]?.code, 'ledger-foreign');
    const run = commands();
    assert.equal(await run('baseline'), false, 'not confirmed: nothing done');
    assert.match(fake.shown.at(-1)!.message, /^Take \S*app\.db over from the other migration tool\? schema_migrations has columns .*golang-migrate's/);
    assert.equal(sqlite3(db(), "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations_golang_migrate';"), '0\n');
    fake.answer = 'Baseline';
    assert.equal(await run('baseline'), true);
    assert.equal(sqlite3(db(), 'SELECT version FROM schema_migrations;'), '001\n');
    assert.equal(sqlite3(db(), 'SELECT version FROM schema_migrations_golang_migrate;'), '1\n');
  });

  it('a migration refused before it ran says "was refused", not "failed", and leaves the ledger as it was', async () => {
    fs.writeFileSync(path.join(root, 'migrations', '003_vacuum.sql'), 'CREATE TABLE t3 (x);\nVACUUM;\n');
    fs.writeFileSync(path.join(root, 'migrations', '003_vacuum.down.sql'), 'DROP TABLE t3;\n');
    const run = commands();
    fake.answer = 'Apply';
    assert.equal(await run('applyPending'), false);
    assert.match(fake.shown.at(-1)!.message, /^003_vacuum was refused: 003_vacuum\.sql:2: VACUUM cannot run inside a transaction; remove it\. Nothing was run\./);
    assert.ok(fake.logged.some((line) => /^003_vacuum \(003\) apply: REFUSED \(nothing was run\)$/.test(line)), fake.logged.join('\n'));
    model.invalidate();
    const status = await model.folderStatus(fake.folders[0] as never);
    assert.equal(status.states.find((s) => s.name === '003_vacuum')?.status, 'pending', JSON.stringify(status.errors));
  });

  it('a failed migration says so: its tooltip has "Failed at", never "Applied at", and the status bar counts it', async () => {
    fs.writeFileSync(path.join(root, 'migrations', '003_broken.sql'), 'INSERT INTO no_such_table (id) VALUES (1);\n');
    fs.writeFileSync(path.join(root, 'migrations', '003_broken.down.sql'), 'SELECT 1;\n');
    const run = commands();
    fake.answer = 'Apply';
    assert.equal(await run('applyPending'), false);
    assert.match(fake.shown.at(-1)!.message, /^003_broken failed: 003_broken\.sql:1: no such table: no_such_table/);
    const logged = fake.logged.find((l) => l.includes('no such table: no_such_table'));
    assert.equal(logged?.startsWith(`${path.join(root, 'migrations', '003_broken.sql')}:1: no such table`), true, `the file is named once: ${logged}`);
    const tree = new MigrationsTree(model);
    disposables.push(tree);
    const node = (await tree.getChildren()).find((n) => n.kind === 'migration' && n.state.name === '003_broken')!;
    const tooltip = (tree.getTreeItem(node).tooltip as { value: string }).value;
    assert.match(tooltip, /Failed at: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    assert.doesNotMatch(tooltip, /Applied at/);
    const bar = new MigrationsStatusBar(model);
    disposables.push(bar);
    await bar.update();
    assert.equal(bar.text, '$(error) 002 · 1 failed');
    assert.match(bar.tooltip, /^\S*data\/app\.db: version 002, 1 failed\n1 to apply: 1 failed\.\nEngine: /);
  });

  it('a problem file in a Diesel folder is shown by its label, the folder and up.sql, sorted among the migrations', async () => {
    for (const name of Object.keys(FILES)) fs.rmSync(path.join(root, name));
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, 'migrations', rel)), { recursive: true });
      fs.writeFileSync(path.join(root, 'migrations', rel), text);
    };
    write('2024-01-01-000000_users/up.sql', PAIR('users').up);
    write('2024-01-01-000000_users/down.sql', PAIR('users').down);
    write('2024-02-01-000000_bad/up.sql', '-- version: one\nCREATE TABLE bad (id INTEGER);\n');
    write('2024-03-01-000000_tags/up.sql', PAIR('tags').up);
    write('2024-03-01-000000_tags/down.sql', PAIR('tags').down);
    const tree = new MigrationsTree(model);
    disposables.push(tree);
    const items = (await tree.getChildren()).map((n) => tree.getTreeItem(n));
    assert.deepEqual(items.map((i) => [i.label, i.description]), [
      ['2024-01-01-000000 Users', '2024-01-01-000000'],
      ['2024-02-01-000000_bad/up.sql', 'bad header'],
      ['2024-03-01-000000 Tags', '2024-03-01-000000'],
    ]);
    assert.match((items[1].tooltip as { value: string }).value, /^\*\*2024-02-01-000000\\_bad\/up\.sql\*\* — not used\n\n\$\(error\) 2024-02-01-000000\\_bad\/up\.sql:1: "one" is not a MAJOR\.MINOR\.PATCH version/);
    assert.match(items[1].accessibilityInformation!.label, /^2024-02-01-000000_bad\/up\.sql, error: /);
  });

  it('a folder whose only migration file has a bad name still shows that file with its problem', async () => {
    for (const name of Object.keys(FILES)) fs.rmSync(path.join(root, name));
    fs.writeFileSync(path.join(root, 'migrations', '1-create.sql'), 'CREATE TABLE a (id INTEGER);\n');
    const tree = new MigrationsTree(model);
    disposables.push(tree);
    const items = (await tree.getChildren()).map((n) => tree.getTreeItem(n));
    assert.deepEqual(items.map((i) => [i.label, i.description]), [['1-create.sql', 'bad name']]);
    assert.match((items[0].tooltip as { value: string }).value, /an underscore must follow the sequence/);
  });
});
