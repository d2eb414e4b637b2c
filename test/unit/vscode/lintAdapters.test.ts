// The checks while typing, over the fake vscode API and the real lint worker: a burst of edits is one check
// (per-document debounce), the finding lands on its file at its range with SQLite's message, and in an
// untrusted workspace nothing is checked. What VS Code shows of it is tested in the real host (test/integration).
import './install';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { LintWorkerClient } from '../../../src/core/lint/lintClient';
import type { LintRequest } from '../../../src/core/lint/protocol';
import { LintDiagnostics } from '../../../src/vscode/lintDiagnostics';
import { makeWorkspace, removeWorkspace } from '../helpers/workspace';
import { fake, Uri } from './fakeVscode';

/** The real worker, counting the checks asked of it. */
class CountingClient extends LintWorkerClient {
  readonly asked: Omit<LintRequest, 'id'>[] = [];
  override lint(req: Omit<LintRequest, 'id'>) {
    this.asked.push(req);
    return super.lint(req);
  }
}

describe('vscode adapters: SQL checked while typing (fake vscode API)', function () {
  this.timeout(30_000);
  let root: string;
  let client: CountingClient;
  let lint: LintDiagnostics;

  beforeEach(() => {
    fake.reset();
    root = makeWorkspace({
      'migrations/001_task.sql': 'CREATE TABLE task (id INTEGER PRIMARY KEY, title TEXT);\n',
      'migrations/002_index.sql': 'CREATE INDEX task_title ON task(title);\n',
    });
    fake.folders = [fake.folder(root)];
    client = new CountingClient(30_000, path.join(__dirname, '..', '..', '..', 'src', 'core', 'lint', 'lintWorker.js'));
    lint = new LintDiagnostics(client, (m) => fake.logged.push(m));
  });
  afterEach(() => {
    lint.dispose();
    client.dispose();
    removeWorkspace(root);
  });

  const doc = (text: string, version: number) => ({ uri: Uri.file(path.join(root, 'migrations', '002_index.sql')), fileName: '', version, isClosed: false, getText: () => text });
  const type = (d: ReturnType<typeof doc>) => fake.onDidChangeTextDocument.fire({ document: d, contentChanges: [{}] } as never);
  const diagnostics = () => fake.diagnostics.get(path.join(root, 'migrations', '002_index.sql')) ?? [];

  async function until(check: () => boolean): Promise<void> {
    for (let waited = 0; !check() && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  }

  it('a burst of edits is checked once, on the editor\'s last text; the finding is on the token at its range', async () => {
    const texts = ['CREATE INDEX task_title ON task(t);\n', 'CREATE INDEX task_title ON task(ti);\n', 'CREATE INDEX task_title ON task(titel);\n'];
    texts.forEach((t, i) => {
      const d = doc(t, i + 2);
      fake.documents = [d];
      type(d);
    });
    await until(() => diagnostics().length > 0);
    assert.equal(client.asked.length, 1);
    assert.equal(client.asked[0].migrations[1].sql, texts[2]);
    const [d] = diagnostics();
    assert.equal(d.message, 'no such column: titel');
    assert.deepEqual([d.range.startLine, d.range.startCharacter, d.range.endLine, d.range.endCharacter], [0, 32, 0, 37]);
    assert.equal(d.code, 'sql-error');
  });

  it('a check answers for the text it read: typed over while it ran, the schema is checked again for hover', async () => {
    const d = { ...doc('CREATE INDEX task_title ON task(title);\n', 2) };
    fake.documents = [d];
    const running = lint.check(d as never);
    d.version = 3;
    await running;
    assert.equal(client.asked.length, 1);
    assert.ok(await lint.schemaFor(d as never));
    assert.equal(client.asked.length, 2, 'the schema of version 2 was taken for version 3');
    assert.ok(await lint.schemaFor(d as never));
    assert.equal(client.asked.length, 2, 'version 3 was checked: no need to again');
  });

  it('in an untrusted workspace nothing is checked', async () => {
    fake.trusted = false;
    const d = doc('CREATE INDEX task_title ON task(titel);\n', 2);
    fake.documents = [d];
    type(d);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(client.asked.length, 0);
    assert.equal(client.started, 0, 'not even a worker is started');
    assert.deepEqual(await lint.schemaFor(d as never), undefined);
  });
});
