// The native engine's child opens the file the host looked at a moment before. When the file is gone by then
// (deleted by hand, a script resetting a workspace), a task that only reads must not create it: SQLite would
// leave an empty file in its place, which every later operation refuses as "not an SQLite database".
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NativeChild } from '../../src/core/engine/native/host';
import type { NativeRequest } from '../../src/core/engine/native/task';
import type { Task } from '../../src/core/run/protocol';
import { ENGINE } from './helpers/engines';
import { mig } from './helpers/migrations';

describe('native engine: a database file deleted after the host looked at it', function () {
  let dir: string;

  before(function () {
    if (ENGINE !== 'native') this.skip();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlm-gone-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The request the host builds for a file it saw (existed: true), sent to a fresh child. */
  async function runInChild(file: string, task: Task) {
    const end = await ask(file, task, 'task');
    return end.type === 'reply' ? end.reply : assert.fail(`unexpected answer ${JSON.stringify(end)}`);
  }

  async function ask(file: string, task: Task, type: 'task' | 'backup') {
    const request: NativeRequest = {
      task,
      migrations: [mig(1, 'CREATE TABLE t (id INTEGER PRIMARY KEY);', 'DROP TABLE t;')],
      nowMs: Date.now(),
      memoryLimitMB: 0,
      file,
      existed: true,
      mode: 0o644,
      busyTimeoutMs: 1000,
      backups: { folder: path.join(dir, 'backups'), retention: { kind: 'count', count: 5 } },
      quickCheckAboveBytes: 64 * 1024 * 1024,
    } as NativeRequest;
    const child = new NativeChild();
    try {
      assert.ok((await child.probe()).available);
      const end = await child.request({ type, request }, 30_000);
      return end.kind === 'message' ? end.message : assert.fail(`the child ended without answering: ${JSON.stringify(end)}`);
    } finally {
      child.dispose();
    }
  }

  it('status reads an empty database and creates neither the file nor its folder', async () => {
    const file = path.join(dir, 'data', 'app.db');
    const reply = await runInChild(file, { kind: 'status' });
    assert.ok(reply.ok, JSON.stringify(reply));
    assert.equal(fs.existsSync(path.join(dir, 'data')), false);
  });

  it('status in a folder that still exists leaves no empty file behind', async () => {
    const file = path.join(dir, 'app.db');
    const reply = await runInChild(file, { kind: 'status' });
    assert.ok(reply.ok, JSON.stringify(reply));
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('up creates the database as for a new file, with no backup of a file that is not there', async () => {
    const file = path.join(dir, 'data', 'app.db');
    const reply = await runInChild(file, { kind: 'up', options: {} });
    assert.ok(reply.ok, JSON.stringify(reply));
    assert.ok(fs.statSync(file).size > 0);
    assert.equal(fs.existsSync(path.join(dir, 'backups')), false);
  });

  it('Back Up Now says there is nothing to back up, and writes no backup of an empty database', async () => {
    const end = await ask(path.join(dir, 'app.db'), { kind: 'status' }, 'backup');
    assert.ok(end.type === 'backup' && !end.result.ok, JSON.stringify(end));
    assert.equal(end.type === 'backup' && !end.result.ok && end.result.error.code, 'backup-no-database');
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
