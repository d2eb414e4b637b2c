// The test-file diagnostics over the fake vscode API: core's parser on the editor's text, each problem at its
// line, debounced per document, only for test files in the migrations folder. The real host checks the same
// in test/integration/testFiles.test.ts.
import './install';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { TestFileDiagnostics } from '../../../src/vscode/testFileDiagnostics';
import { makeWorkspace, removeWorkspace } from '../helpers/workspace';
import { fake, Uri, type Diagnostic } from './fakeVscode';

const GOOD = "INSERT INTO t VALUES (1);\n-- expect: 1\nSELECT count(*) FROM t;\n";
const BAD = [
  'SELECT 1;', // 1
  '-- expect-colums: 2', // 2 unknown annotation
  'SELECT 1;', // 3
  '-- expect-rows: many', // 4 malformed value
  'SELECT 1;', // 5
  '-- expect-empty: nothing', // 6 expect-empty takes no value
  'SELECT 1;', // 7
  'BEGIN;', // 8 transaction control
  '-- expect: 1', // 9 dangling
].join('\n');

describe('vscode: test file diagnostics (fake vscode)', () => {
  let root: string;
  const disposables: { dispose(): void }[] = [];
  const doc = (rel: string, text: string) => {
    const d = { uri: Uri.file(path.join(root, rel)), text, getText() { return this.text; } };
    fake.documents.push(d);
    return d;
  };
  const marks = (rel: string): Diagnostic[] | undefined => fake.diagnostics.get(path.join(root, rel));
  const lines = (rel: string) => (marks(rel) ?? []).map((d) => [d.range.startLine + 1, d.message]);
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeEach(() => {
    fake.reset();
    root = makeWorkspace({ 'db/migrations/001_t.sql': 'CREATE TABLE t (id INTEGER);' });
    fake.folders = [fake.folder(root)];
    fake.settings = { 'sqliteMigrations.migrationsFolder': 'db/migrations' };
  });
  afterEach(() => {
    for (const d of disposables.splice(0)) d.dispose();
    removeWorkspace(root);
  });

  it('flags every problem of an open test file at its own line, with the parser\'s words', () => {
    doc('db/migrations/001_t.test.sql', BAD);
    disposables.push(new TestFileDiagnostics(10));
    assert.deepEqual(lines('db/migrations/001_t.test.sql'), [
      [2, 'unknown annotation "-- expect-colums"; expected one of -- expect, -- expect-rows, -- expect-empty, -- expect-error, -- expect-plan.'],
      [4, '-- expect-rows takes a whole number, not "many".'],
      [6, '-- expect-empty takes no value (found "nothing").'],
      [8, 'BEGIN cannot be used in a test: every test runs inside a savepoint that is rolled back.'],
      [9, '-- expect is followed by no statement.'],
    ]);
    const d = marks('db/migrations/001_t.test.sql')![0];
    assert.equal(d.severity, 0, 'an error: "sqlite-migrations test" refuses the file');
    assert.equal(d.source, 'SQLite Migrations');
  });

  it('re-checks the text as it is typed, once per burst, per document', async () => {
    const a = doc('db/migrations/001_t.test.sql', GOOD);
    const b = doc('db/migrations/002_u.test.sql', GOOD);
    disposables.push(new TestFileDiagnostics(80));
    assert.deepEqual(lines('db/migrations/001_t.test.sql'), []);
    a.text = '-- expect-rows: x\nSELECT 1;';
    fake.onDidChangeTextDocument.fire({ document: a });
    b.text = '-- expect-nothing\nSELECT 1;';
    fake.onDidChangeTextDocument.fire({ document: b });
    assert.deepEqual(lines('db/migrations/001_t.test.sql'), [], 'not before the pause in typing');
    await wait(40);
    a.text = '-- expect-rows: y\nSELECT 1;';
    fake.onDidChangeTextDocument.fire({ document: a });
    await wait(60);
    assert.equal(lines('db/migrations/002_u.test.sql').length, 1, "another document's edit did not delay this one");
    assert.deepEqual(lines('db/migrations/001_t.test.sql'), [], 'the second keystroke restarted this document\'s wait');
    await wait(60);
    assert.deepEqual(lines('db/migrations/001_t.test.sql'), [[1, '-- expect-rows takes a whole number, not "y".']], 'checked once, on the latest text');
    a.text = GOOD;
    fake.onDidChangeTextDocument.fire({ document: a });
    await wait(120);
    assert.deepEqual(lines('db/migrations/001_t.test.sql'), [], 'fixed: the mark goes away');
  });

  it('leaves other files alone: migrations, test files outside the migrations folder, other .sql', () => {
    doc('db/migrations/001_t.sql', '-- expect-colums: 2\nSELECT 1;');
    doc('tests/other.test.sql', 'BEGIN;\n-- expect-colums: 2\nSELECT 1;');
    doc('db/migrations/2024-01-01-000000_init/test.sql', '-- expect-colums: 2\nSELECT 1;');
    doc('db/migrations/misc/test.sql', '-- expect-colums: 2\nSELECT 1;');
    disposables.push(new TestFileDiagnostics(10));
    assert.equal(marks('db/migrations/001_t.sql'), undefined);
    assert.equal(marks('tests/other.test.sql'), undefined);
    assert.equal(marks('db/migrations/misc/test.sql'), undefined, 'test.sql is a test file only in a Diesel migration folder');
    // Its label (FOLDER/test.sql) leads the parser's message; the mark shows the message without it, as for any test file.
    assert.deepEqual(lines('db/migrations/2024-01-01-000000_init/test.sql'), [[1, 'unknown annotation "-- expect-colums"; expected one of -- expect, -- expect-rows, -- expect-empty, -- expect-error, -- expect-plan.']], "Diesel's test.sql in a migration's folder is one");
  });

  it('drops the marks of a file that stops being a test file when the migrations folder setting changes', async () => {
    const d = doc('db/migrations/001_t.test.sql', BAD);
    disposables.push(new TestFileDiagnostics(10));
    assert.equal(lines('db/migrations/001_t.test.sql').length, 5);
    fake.settings = { 'sqliteMigrations.migrationsFolder': 'elsewhere' };
    fake.onDidChangeTextDocument.fire({ document: d });
    await wait(40);
    assert.equal(marks('db/migrations/001_t.test.sql'), undefined);
  });
});
