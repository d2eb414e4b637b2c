// The editor's side of the checks, in plain Node: the lint worker thread (started on the first request, warm
// caches across requests, stale schema never served), the editor's text replacing the file's, and the schema
// described for hover and completion.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { migrationIndexOf, withEditorText } from '../../src/core/lint/editorText';
import { LintWorkerClient } from '../../src/core/lint/lintClient';
import { columnLine } from '../../src/core/lint/schemaInfo';
import { mig } from './helpers/migrations';

describe('lint: the worker the editor uses', () => {
  let client: LintWorkerClient;
  beforeEach(() => (client = new LintWorkerClient(30_000, path.join(__dirname, '..', '..', 'src', 'core', 'lint', 'lintWorker.js'))));
  afterEach(() => client.dispose());

  const base = [mig(1, 'CREATE TABLE task(id INTEGER PRIMARY KEY, title TEXT NOT NULL DEFAULT \'\');'), mig(2, 'ALTER TABLE task RENAME COLUMN title TO name;')];

  it('starts no thread until the first check; answers with the findings and the schema before the migration', async () => {
    assert.equal(client.started, 0);
    const reply = await client.lint({ folder: '/w/migrations', migrations: [...base, mig(3, 'CREATE INDEX t ON task(title);')], index: 2, target: '3.35.0' });
    assert.equal(client.started, 1);
    assert.ok(reply.ok, JSON.stringify(reply));
    if (!reply.ok) return;
    assert.deepEqual(reply.findings.map((f) => [f.detail, f.line, f.column]), [['no such column: title', 1, 24]]);
    assert.deepEqual(reply.schema.map((t) => [t.name, t.kind, t.columns.map(columnLine)]), [['task', 'table', ['id INTEGER PRIMARY KEY', "name TEXT NOT NULL DEFAULT ''"]]]);
    assert.match(reply.schema[0].sql, /^CREATE TABLE "?task"?/);
  });

  it('one thread for many checks; an edit to an earlier migration changes the schema the next check sees', async () => {
    const first = await client.lint({ folder: '/w/migrations', migrations: [...base, mig(3, 'SELECT name FROM task;')], index: 2, target: '3.35.0' });
    assert.ok(first.ok && first.findings.length === 0, JSON.stringify(first));
    const edited = [base[0], mig(2, 'ALTER TABLE task RENAME COLUMN title TO label;'), mig(3, 'SELECT name FROM task;')];
    const second = await client.lint({ folder: '/w/migrations', migrations: edited, index: 2, target: '3.35.0' });
    assert.ok(second.ok);
    if (second.ok) assert.deepEqual(second.findings.map((f) => f.detail), ['no such column: name']);
    assert.equal(client.started, 1);
  });

  it('a bad target version is an answer with one sentence, not a crash', async () => {
    const reply = await client.lint({ folder: '/w/migrations', migrations: base, index: 1, target: 'latest' });
    assert.deepEqual(reply.ok ? 'ok' : reply.message, 'sqliteMigrations.targetSqliteVersion: "latest" is not a SQLite 3 version; write it as 3.Y.Z, e.g. 3.35.0.');
  });

  it('a check that runs past the time limit is stopped, the worker restarted for the next one', async () => {
    const slow = new LintWorkerClient(200, path.join(__dirname, '..', '..', 'src', 'core', 'lint', 'lintWorker.js'));
    try {
      const endless = mig(1, 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c;');
      const reply = await slow.lint({ folder: '/w/m', migrations: [endless], index: 0, target: '3.35.0' });
      assert.deepEqual(reply.ok ? 'ok' : reply.message, 'SQL checks: the check did not finish within 0.2 s and was stopped.');
    } finally {
      slow.dispose();
    }
  });
});

describe('lint: the editor\'s text', () => {
  it('replaces the up file\'s text and checksum, and the down file\'s text, only for open files; CRLF and BOM as discovery reads them', () => {
    const m = mig(2, 'CREATE TABLE a(x);', 'DROP TABLE a;');
    const open = new Map([[m.upPath, '\ufeffCREATE TABLE a(y);\r\n'], [m.downPath!, 'DROP TABLE b;']]);
    const edited = withEditorText(m, (f) => open.get(f));
    assert.equal(edited.sql, 'CREATE TABLE a(y);\n');
    assert.notEqual(edited.checksum, m.checksum);
    assert.equal(edited.downSql, 'DROP TABLE b;');
    assert.deepEqual(withEditorText(m, () => undefined), m);
    assert.equal(migrationIndexOf([mig(1, 'x'), m], m.downPath!), 1);
    assert.equal(migrationIndexOf([m], '/elsewhere.sql'), -1);
  });

  it('a dbmate file open in the editor is split into its sections, lines kept', () => {
    const m = { ...mig(1, 'CREATE TABLE a(x);\n'), downPath: '/w/migrations/001_m1.sql', upPath: '/w/migrations/001_m1.sql' };
    const edited = withEditorText(m, () => '-- migrate:up\nCREATE TABLE b(x);\n-- migrate:down\nDROP TABLE b;\n');
    assert.equal(edited.sql, '-- migrate:up\nCREATE TABLE b(x);\n');
    assert.equal(edited.downSql, '\n\n-- migrate:down\nDROP TABLE b;\n');
  });
});
