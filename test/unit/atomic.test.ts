import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isProcessAlive, sweepTemps, tempNameFor, writeFileAtomic, type WriteStep } from '../../src/core/engine/atomic';
import { fail } from '../../src/core/model';

const ALL_STEPS: WriteStep[] = ['temp-created', 'temp-written', 'temp-synced', 'renamed', 'dir-synced'];
const OLD = Buffer.from('old contents\n');
const NEW = Buffer.from('new contents, longer than the old ones\n');

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '0']).pid as number;
  assert.equal(isProcessAlive(pid), false);
  return pid;
}

describe('atomic write', () => {
  let root: string;
  let dir: string;
  let target: string;

  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(root, 'case-'));
    target = path.join(dir, 'app.db');
    fs.writeFileSync(target, OLD);
  });

  it('replaces the file and reports every step in order', async () => {
    const seen: WriteStep[] = [];
    const r = await writeFileAtomic(target, NEW, { onStep: (s) => void seen.push(s) });
    assert.deepEqual(r, { ok: true, value: { path: target } });
    assert.deepEqual(seen, ALL_STEPS);
    assert.deepEqual(fs.readFileSync(target), NEW);
    assert.deepEqual(fs.readdirSync(dir), ['app.db']);
  });

  it('skips the folder fsync on Windows', async () => {
    const seen: WriteStep[] = [];
    await writeFileAtomic(target, NEW, { platform: 'win32', onStep: (s) => void seen.push(s) });
    assert.deepEqual(seen, ALL_STEPS.slice(0, 4));
  });

  for (const failAt of ALL_STEPS) {
    const committed = failAt === 'renamed' || failAt === 'dir-synced';
    it(`an error at ${failAt} leaves the ${committed ? 'new' : 'old'} bytes whole and no temp file`, async () => {
      const r = await writeFileAtomic(target, NEW, {
        onStep: (s) => {
          if (s === failAt) {
            throw new Error(`boom at ${s}`);
          }
        },
      });
      assert.ok(!r.ok);
      assert.equal(r.error.code, committed ? 'write-unconfirmed' : 'write-failed');
      assert.match(r.error.message, new RegExp(`boom at ${failAt}`));
      assert.deepEqual(fs.readFileSync(target), committed ? NEW : OLD);
      assert.deepEqual(fs.readdirSync(dir), ['app.db']);
    });
  }

  for (const mode of [0o600, 0o640, 0o666, 0o755]) {
    it(`gives the new file mode ${mode.toString(8)} whatever the umask`, async () => {
      fs.chmodSync(target, mode);
      assert.equal((await writeFileAtomic(target, NEW, { mode })).ok, true);
      assert.equal(fs.statSync(target).mode & 0o777, mode);
    });
  }

  it('never touches a file already at the temp name (created exclusively)', async () => {
    const squatter = tempNameFor(target, process.pid, 'fixed');
    fs.writeFileSync(squatter, 'not ours');
    const r = await writeFileAtomic(target, NEW, { random: () => 'fixed' });
    assert.ok(!r.ok && r.error.code === 'write-failed');
    assert.equal(fs.readFileSync(squatter, 'utf8'), 'not ours');
    assert.deepEqual(fs.readFileSync(target), OLD);
  });

  it('aborts with the target untouched when the last check before the rename fails', async () => {
    let tempSeen = '';
    const r = await writeFileAtomic(target, NEW, {
      beforeCommit: async (temp) => {
        tempSeen = temp;
        assert.deepEqual(fs.readFileSync(temp), NEW, 'the check sees the synced temp');
        return fail({ code: 'db-changed', severity: 'error', message: 'changed' });
      },
    });
    assert.deepEqual(r, { ok: false, error: { code: 'db-changed', severity: 'error', message: 'changed' } });
    assert.match(path.basename(tempSeen), /^\.app\.db\.\d+\.[0-9a-f]+\.sqlite-migrations-tmp$/);
    assert.deepEqual(fs.readFileSync(target), OLD);
    assert.deepEqual(fs.readdirSync(dir), ['app.db']);
  });

  it('with noClobber never overwrites: takes the next free name', async () => {
    const alternate = (n: number) => path.join(dir, `app_${n}.db`);
    fs.writeFileSync(alternate(2), 'second');
    const r = await writeFileAtomic(target, NEW, { noClobber: { attempts: 5, alternate } });
    assert.deepEqual(r, { ok: true, value: { path: alternate(3) } });
    assert.deepEqual(fs.readFileSync(target), OLD);
    assert.equal(fs.readFileSync(alternate(2), 'utf8'), 'second');
    assert.deepEqual(fs.readFileSync(alternate(3)), NEW);
    assert.equal(fs.statSync(alternate(3)).nlink, 1, 'the temp name is gone');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['app.db', 'app_2.db', 'app_3.db']);
  });

  describe('a rename the OS refuses (immutable target: EPERM, as Windows does for a file in use)', () => {
    let immutable = false;
    beforeEach(function () {
      immutable = spawnSync('chattr', ['+i', target]).status === 0;
      if (!immutable) {
        this.skip(); // needs root and a file system with the immutable flag
      }
    });
    afterEach(() => {
      if (immutable) {
        spawnSync('chattr', ['-i', target]);
      }
    });

    it('on Windows retries a bounded number of times, then reports it in use', async () => {
      const attempts: string[] = [];
      const r = await writeFileAtomic(target, NEW, { platform: 'win32', renameRetries: 3, onRenameRetry: (n, e) => void attempts.push(`${n}:${e.code}`) });
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'file-in-use');
      assert.match(r.error.message, /in use by another program \(EPERM after 4 attempts/);
      assert.deepEqual(attempts, ['1:EPERM', '2:EPERM', '3:EPERM']);
      assert.deepEqual(fs.readFileSync(target), OLD);
      assert.deepEqual(fs.readdirSync(dir), ['app.db']);
    });

    it('on Windows succeeds once the other program lets go', async () => {
      const r = await writeFileAtomic(target, NEW, {
        platform: 'win32',
        renameRetries: 3,
        onRenameRetry: (n) => {
          if (n === 2) {
            spawnSync('chattr', ['-i', target]);
          }
        },
      });
      assert.equal(r.ok, true);
      assert.deepEqual(fs.readFileSync(target), NEW);
    });

    it('elsewhere fails at once', async () => {
      let retries = 0;
      const r = await writeFileAtomic(target, NEW, { platform: 'linux', onRenameRetry: () => void retries++ });
      assert.ok(!r.ok && r.error.code === 'write-failed');
      assert.equal(retries, 0);
      assert.deepEqual(fs.readdirSync(dir), ['app.db']);
    });
  });

  describe('sweepTemps', () => {
    it('removes only temps whose process is gone, for the chosen target, and says which', async () => {
      const dead = deadPid();
      const stale = path.basename(tempNameFor(target, dead, 'aa11'));
      const names = [
        stale,
        path.basename(tempNameFor(target, process.pid, 'bb22')), // our own: may be in flight
        path.basename(tempNameFor(target, 1, 'cc33')), // a live process
        path.basename(tempNameFor(path.join(dir, 'other.db'), dead, 'dd44')), // another target
        `.app.db.${dead}.ee55.tmp`, // not our suffix
        `.app.db.0.ff66.sqlite-migrations-tmp`, // odd pid: kept
      ];
      for (const n of names) {
        fs.writeFileSync(path.join(dir, n), 'x');
      }
      const removed = await sweepTemps(dir, (t) => t === 'app.db');
      assert.deepEqual(removed, [path.join(dir, stale)]);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['app.db', ...names.slice(1)].sort());
      assert.deepEqual(await sweepTemps(dir, (t) => t === 'app.db'), []);
      assert.deepEqual(await sweepTemps(path.join(dir, 'missing')), []);
    });
  });
});
