import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { backupName, listBackups, pruneBackups } from '../../src/core/engine/backups';
import { parseRetention } from '../../src/core/retention';
import { cli, cliJson, makeWorkspace, removeWorkspace, sqlite3 } from './helpers/workspace';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);

describe('backup retention', () => {
  describe('parseRetention', () => {
    const good: Array<[unknown, unknown]> = [
      [5, { kind: 'count', count: 5 }],
      ['5', { kind: 'count', count: 5 }],
      [0, { kind: 'all' }],
      ['all', { kind: 'all' }],
      ['ALL', { kind: 'all' }],
      ['30d', { kind: 'age', ms: 30 * DAY, text: '30d' }],
      ['12h', { kind: 'age', ms: 12 * HOUR, text: '12h' }],
      ['2w', { kind: 'age', ms: 14 * DAY, text: '2w' }],
    ];
    for (const [value, want] of good) {
      it(`reads ${JSON.stringify(value)}`, () => assert.deepEqual(parseRetention(value), { ok: true, value: want }));
    }
    for (const value of [-1, 2.5, '30 days', '0d', '5m', '', 'none', null, true, {}]) {
      it(`refuses ${JSON.stringify(value)} in one sentence`, () => {
        const r = parseRetention(value);
        assert.ok(!r.ok);
        assert.match(r.error, /^must be a count \(5\), an age \(12h, 30d, 2w\) or "all", not /);
      });
    }
  });

  describe('pruneBackups', () => {
    let dir: string;
    let db: string;
    let folder: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlm-retention-'));
      db = path.join(dir, 'app.db');
      folder = path.join(dir, 'backups');
      fs.mkdirSync(folder);
      fs.writeFileSync(db, '');
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** Backup files made `agesMs` before NOW, oldest last; the newest one is "the backup just taken". */
    function made(...agesMs: number[]): string[] {
      return agesMs.map((age) => {
        const file = path.join(folder, backupName('app.db', NOW - age));
        fs.writeFileSync(file, `backup from ${age} ms before`);
        return file;
      });
    }
    const left = async () => (await listBackups(db)).map((b) => b.path);

    it('by count keeps the newest N', async () => {
      const files = made(0, HOUR, 2 * HOUR, 3 * HOUR);
      const removed = await pruneBackups(db, { retention: parseOk('2'), now: () => new Date(NOW) }, files[0]);
      assert.deepEqual(removed, files.slice(2));
      assert.deepEqual(await left(), files.slice(0, 2));
    });

    it('by age removes those older than the age on the injected clock, and only those', async () => {
      const files = made(0, 2 * DAY, 29 * DAY, 31 * DAY, 90 * DAY);
      const removed = await pruneBackups(db, { retention: parseOk('30d'), now: () => new Date(NOW) }, files[0]);
      assert.deepEqual(removed, files.slice(3));
      assert.deepEqual(await left(), files.slice(0, 3));
    });

    it('by age counts from the clock it is given: a day later, the 29-day-old one goes too', async () => {
      const files = made(0, 29 * DAY + HOUR, 10 * DAY);
      const removed = await pruneBackups(db, { retention: parseOk('30d'), now: () => new Date(NOW + DAY) }, files[0]);
      assert.deepEqual(removed, [files[1]]);
    });

    it('by age never removes the backup just taken or a protected one, however old', async () => {
      const files = made(400 * DAY, 300 * DAY, 200 * DAY);
      const removed = await pruneBackups(db, { retention: parseOk('12h'), now: () => new Date(NOW), protect: [files[1]] }, files[0]);
      assert.deepEqual(removed, [files[2]]);
      assert.deepEqual((await left()).sort(), files.slice(0, 2).sort());
    });

    it('"all" removes nothing', async () => {
      const files = made(0, DAY, 100 * DAY, 1000 * DAY);
      assert.deepEqual(await pruneBackups(db, { retention: parseOk('all'), now: () => new Date(NOW) }, files[0]), []);
      assert.deepEqual(await left(), files);
    });
  });

  describe('through the CLI', () => {
    let root: string;
    beforeEach(() => {
      root = makeWorkspace({ 'migrations/001_notes.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n', 'migrations/001_notes.down.sql': 'DROP TABLE notes;\n' });
      fs.mkdirSync(path.join(root, 'data'));
      sqlite3(path.join(root, 'data', 'app.db'), 'CREATE TABLE scratch (x); DROP TABLE scratch;');
    });
    afterEach(() => removeWorkspace(root));

    it('a bad backupRetention in settings.json is one sentence naming the file, exit 2, nothing changed', () => {
      fs.mkdirSync(path.join(root, '.vscode'));
      const settings = path.join(root, '.vscode', 'settings.json');
      fs.writeFileSync(settings, '{ "sqliteMigrations.backupRetention": "30 days" }');
      const run = cli(root, ['up']);
      assert.equal(run.code, 2, run.stderr);
      assert.ok(run.stderr.startsWith(`${settings}: `), run.stderr);
      assert.ok(run.stderr.includes(`"sqliteMigrations.backupRetention" must be a count (5), an age (12h, 30d, 2w) or "all", not "30 days".`), run.stderr);
      assert.ok(!run.stderr.includes('    at '), 'no stack trace');
      assert.equal(sqlite3(path.join(root, 'data', 'app.db'), "SELECT count(*) FROM sqlite_master WHERE name = 'notes';"), '0\n');
    });

    it('a bad --retention is refused with exit 2 before anything runs', () => {
      const run = cli(root, ['up', '--retention', '3x']);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--retention must be a count \(5\), an age \(12h, 30d, 2w\) or "all", not "3x"/);
    });

    it('says which backups retention removed (never silently)', () => {
      const folder = path.join(root, 'data', 'backups');
      fs.mkdirSync(folder);
      const old = path.join(folder, backupName('app.db', Date.now() - 40 * DAY));
      fs.writeFileSync(old, 'old');
      const run = cli(root, ['up', '--retention', '30d']);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(!fs.existsSync(old));
      assert.ok(run.stdout.includes(`Removed 1 older backup by the retention setting: ${path.basename(old)}`), run.stdout);
    });

    it('an age in settings.json keeps the backups made within it', () => {
      fs.mkdirSync(path.join(root, '.vscode'));
      fs.writeFileSync(path.join(root, '.vscode', 'settings.json'), '{ "sqliteMigrations.backupRetention": "30d" }');
      const folder = path.join(root, 'data', 'backups');
      fs.mkdirSync(folder);
      const old = path.join(folder, backupName('app.db', Date.now() - 40 * DAY));
      const recent = path.join(folder, backupName('app.db', Date.now() - 20 * DAY));
      fs.writeFileSync(old, 'old');
      fs.writeFileSync(recent, 'recent');
      const run = cliJson(root, ['up']);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(!fs.existsSync(old), 'the 40-day-old backup was pruned');
      assert.ok(fs.existsSync(recent), 'the 20-day-old backup was kept');
      assert.ok(fs.existsSync(run.json.backup), 'the backup just taken was kept');
    });
  });
});

function parseOk(text: string) {
  const r = parseRetention(text);
  assert.ok(r.ok);
  return r.value;
}
