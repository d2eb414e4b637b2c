import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChecksumCache, discoverMigrations, type Catalog } from '../../src/core/migrations/catalog';
import { sha256Hex } from '../../src/core/migrations/checksum';

/** How a test folder entry is made: text, raw bytes, or something that is not a plain file. */
type Spec = string | Uint8Array | { dir: true } | { fifo: true } | { symlink: string };

const sql = (version: string | undefined, body = 'SELECT 1;') =>
  `${version ? `-- version: ${version}\n` : ''}${body}\n`;

let tmp: string;
let n = 0;

function makeFolder(files: Record<string, Spec>): string {
  const dir = path.join(tmp, `case${++n}`);
  fs.mkdirSync(dir);
  for (const [name, spec] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (typeof spec === 'string' || spec instanceof Uint8Array) {
      fs.writeFileSync(file, spec);
    } else if ('dir' in spec) {
      fs.mkdirSync(file);
    } else if ('fifo' in spec) {
      execFileSync('mkfifo', [file]);
    } else {
      fs.symlinkSync(spec.symlink, file);
    }
  }
  return dir;
}

/** Problems as "severity code file:line", the file relative to the folder, for exact comparison. */
function problemList(catalog: Catalog): string[] {
  return catalog.problems.map((p) => {
    const where = p.file ? path.relative(catalog.folder, p.file) || '.' : '-';
    return `${p.severity} ${p.code} ${where}${p.line ? `:${p.line}` : ''}`;
  });
}

const names = (catalog: Catalog) => catalog.migrations.map((m) => m.name);

describe('catalog: discoverMigrations', () => {
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlm-catalog-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reports a missing folder as info and returns an empty catalog', async () => {
    const folder = path.join(tmp, 'nope', 'migrations');
    const c = await discoverMigrations(folder);
    assert.deepEqual(c.migrations, []);
    assert.deepEqual(problemList(c), ['info folder-missing .']);
    assert.match(c.problems[0].message, /does not exist yet/);
    assert.equal(c.folder, folder);
  });

  it('reports a file given as the folder as an error', async () => {
    const file = path.join(tmp, 'plain-file');
    fs.writeFileSync(file, 'x');
    const c = await discoverMigrations(file);
    assert.deepEqual(problemList(c), ['error folder-missing .']);
    assert.match(c.problems[0].message, /is not a folder/);
  });

  it('builds migrations with version, description, paths, sql and checksum', async () => {
    const up1 = '-- version: 1.0.0\n-- description: Initial schema with projects\nCREATE TABLE projects (id INTEGER PRIMARY KEY);\n';
    const dir = makeFolder({
      '001_initial_schema.sql': up1,
      '001_initial_schema.down.sql': 'DROP TABLE projects;\n',
      '002_add_task_tags.sql': '-- version: 1.1.0\nALTER TABLE projects ADD COLUMN tags TEXT;\n',
      '002_add_task_tags.down.sql': 'ALTER TABLE projects DROP COLUMN tags;\n',
      '003_no_header.sql': 'CREATE INDEX i ON projects(id);\n',
      '003_no_header.down.sql': 'DROP INDEX i;\n',
    });
    const c = await discoverMigrations(dir);
    assert.deepEqual(c.problems, []);
    assert.deepEqual(c.migrations[0], {
      sequence: 1,
      sequenceText: '001',
      slug: 'initial_schema',
      name: '001_initial_schema',
      version: '1.0.0',
      description: 'Initial schema with projects',
      upPath: path.join(dir, '001_initial_schema.sql'),
      downPath: path.join(dir, '001_initial_schema.down.sql'),
      sql: up1,
      checksum: sha256Hex(up1),
    });
    assert.deepEqual(
      c.migrations.map((m) => [m.name, m.version, m.description]),
      [
        ['001_initial_schema', '1.0.0', 'Initial schema with projects'],
        ['002_add_task_tags', '1.1.0', 'Add task tags'],
        ['003_no_header', '003', 'No header'],
      ],
    );
  });

  it('checksums CRLF, CR and BOM copies of a file the same as the LF original', async () => {
    const lf = '-- version: 1.0.0\nCREATE TABLE t (x);\nINSERT INTO t VALUES (\'é\');\n';
    const bom = Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), Buffer.from(lf.replace(/\n/g, '\r\n'))]);
    const dirs = [lf, lf.replace(/\n/g, '\r\n'), lf.replace(/\n/g, '\r'), bom].map((content) =>
      makeFolder({ '001_t.sql': content, '001_t.down.sql': 'DROP TABLE t;' }),
    );
    const catalogs = await Promise.all(dirs.map((d) => discoverMigrations(d)));
    for (const c of catalogs) {
      assert.deepEqual(c.problems, []);
      assert.equal(c.migrations[0].sql, lf);
      assert.equal(c.migrations[0].checksum, sha256Hex(lf));
    }
  });

  it('orders numerically across widths: 9 < 10 < 100 < 1000', async () => {
    const dir = makeFolder({
      '1000_thousand.sql': sql(undefined),
      '0010_ten.sql': sql(undefined),
      '100_hundred.sql': sql(undefined),
      '009_nine.sql': sql(undefined),
    });
    const c = await discoverMigrations(dir);
    assert.deepEqual(names(c), ['009_nine', '0010_ten', '100_hundred', '1000_thousand']);
    assert.deepEqual(c.migrations.map((m) => m.version), ['009', '0010', '100', '1000']);
    // Mixed widths are not one zero-padded sequence, so their jumps are not reported as lost files.
    assert.deepEqual(problemList(c), [
      'warning missing-down 009_nine.sql',
      'warning missing-down 0010_ten.sql',
      'warning missing-down 100_hundred.sql',
      'warning missing-down 1000_thousand.sql',
    ]);
  });

  interface Case {
    readonly title: string;
    readonly files: Record<string, Spec>;
    readonly migrations: string[];
    readonly problems: string[];
    readonly message?: RegExp;
  }
  const pair = (name: string, version?: string): Record<string, Spec> => ({
    [`${name}.sql`]: sql(version),
    [`${name}.down.sql`]: 'SELECT 0;\n',
  });
  const cases: Case[] = [
    {
      title: 'duplicate sequences: both reported, neither kept',
      files: { ...pair('001_a'), ...pair('002_b'), ...pair('002_c'), ...pair('0003_d'), ...pair('003_e'), ...pair('004_f') },
      migrations: ['001_a', '004_f'],
      problems: [
        'error duplicate-sequence 002_b.sql',
        'error duplicate-sequence 002_c.sql',
        'error duplicate-sequence 0003_d.sql',
        'error duplicate-sequence 003_e.sql',
      ],
      message: /002_b\.sql has the same sequence as 002_c\.sql; neither is used/,
    },
    {
      title: 'a gap in the sequence',
      files: { ...pair('001_a'), ...pair('002_b'), ...pair('005_e'), ...pair('006_f') },
      migrations: ['001_a', '002_b', '005_e', '006_f'],
      problems: ['warning sequence-gap 005_e.sql'],
      message: /^The sequence skips 003 to 004 \(first at 005_e\.sql\)\.$/,
    },
    {
      title: 'several gaps: one warning for the folder, not one per gap',
      files: { ...pair('001_a'), ...pair('003_c'), ...pair('006_f'), ...pair('007_g'), ...pair('010_j') },
      migrations: ['001_a', '003_c', '006_f', '007_g', '010_j'],
      problems: ['warning sequence-gap 003_c.sql'],
      message: /^The sequence skips 002, 004 to 005, 008 to 009 \(first at 003_c\.sql\)\.$/,
    },
    {
      title: 'timestamps and unpadded numbers skip by design: no gap warning',
      files: { ...pair('20240101120000_a'), ...pair('20240315093000_b'), ...pair('1_c'), ...pair('7_d') },
      migrations: ['1_c', '7_d', '20240101120000_a', '20240315093000_b'],
      problems: [],
    },
    {
      title: 'bad names reported, unrelated files ignored silently',
      files: {
        ...pair('001_ok'),
        '01-dash.sql': 'x',
        'Schema.sql': 'x',
        '002_two words.sql': 'x',
        '003__double.down.sql': 'x',
        'README.md': '# migrations',
        '001_ok.sql.sha256': 'abc  001_ok.sql',
        '.002_x.sql.swp': 'x',
        '.hidden.sql': 'x',
        'notes.txt': 'x',
        'archive/009_old.sql': 'x',
      },
      migrations: ['001_ok'],
      problems: ['error bad-name 01-dash.sql', 'error bad-name 002_two words.sql', 'error bad-name 003__double.down.sql', 'error bad-name Schema.sql'],
      message: /"01-dash\.sql" is not a valid migration name: an underscore must follow the sequence/,
    },
    {
      title: 'a down file without its up file',
      files: { ...pair('001_a'), '002_b.down.sql': 'x', '001_other.down.sql': 'x' },
      migrations: ['001_a'],
      problems: ['warning orphan-down 001_other.down.sql', 'warning orphan-down 002_b.down.sql'],
      message: /001_other\.down\.sql has no up migration 001_other; it is never used/,
    },
    {
      title: 'an up file without a down file is kept with a warning',
      files: { '001_a.sql': sql('1.0.0') },
      migrations: ['001_a'],
      problems: ['warning missing-down 001_a.sql'],
      message: /001_a\.sql has no 001_a\.down\.sql, so it cannot be rolled back/,
    },
    {
      title: 'upper-case extensions',
      files: { '001_a.sql': sql(undefined), '001_a.down.SQL': 'x', '002_b.SQL': 'x' },
      migrations: ['001_a'],
      problems: ['error uppercase-extension 001_a.down.SQL', 'warning missing-down 001_a.sql', 'error uppercase-extension 002_b.SQL'],
      message: /lower-case "\.down\.sql", not "\.down\.SQL"/,
    },
    {
      title: 'a directory and FIFOs named like migrations (never opened, never blocking)',
      files: { '001_a.sql': sql(undefined), '001_a.down.sql': { fifo: true }, '002_dir.sql': { dir: true }, '003_pipe.sql': { fifo: true } },
      migrations: ['001_a'],
      problems: ['error not-a-file 001_a.down.sql', 'warning missing-down 001_a.sql', 'error not-a-file 002_dir.sql', 'error not-a-file 003_pipe.sql'],
      message: /001_a\.down\.sql is named like a migration but is a FIFO/,
    },
    {
      title: 'invalid UTF-8: reported with its line and left out',
      files: { ...pair('001_a'), ...pair('002_bad'), '002_bad.sql': Buffer.from('-- ok\nSELECT \'caf\xe9\';\n', 'latin1'), ...pair('003_c') },
      migrations: ['001_a', '003_c'],
      problems: ['error invalid-utf8 002_bad.sql:2'],
      message: /002_bad\.sql:2: the file is not valid UTF-8/,
    },
    {
      title: 'a bad header version: reported with its line and left out',
      files: { ...pair('001_a', '1.0.0'), ...pair('002_b'), '002_b.sql': '-- description: B\n-- version: 1.1\nSELECT 1;\n' },
      migrations: ['001_a'],
      problems: ['error bad-header 002_b.sql:2'],
      message: /002_b\.sql:2: "1\.1" is not a MAJOR\.MINOR\.PATCH version/,
    },
    {
      title: 'a duplicate version: the later file is reported and left out',
      files: { ...pair('001_a', '1.0.0'), ...pair('002_b', '1.1.0'), ...pair('003_c', '1.0.0') },
      migrations: ['001_a', '002_b'],
      problems: ['error duplicate-version 003_c.sql'],
      message: /003_c\.sql has version 1\.0\.0, already used by 001_a\.sql/,
    },
    {
      title: 'a later sequence with a lower version is a warning',
      files: { ...pair('001_a', '1.0.0'), ...pair('002_b', '1.10.0'), ...pair('003_c', '1.9.0'), ...pair('004_d', '1.11.0') },
      migrations: ['001_a', '002_b', '003_c', '004_d'],
      problems: ['warning version-order 003_c.sql'],
      message: /003_c\.sql has version 1\.9\.0, lower than 1\.10\.0 of the earlier 002_b\.sql/,
    },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const catalog = await discoverMigrations(makeFolder(c.files));
      assert.deepEqual(names(catalog), c.migrations);
      assert.deepEqual(problemList(catalog), c.problems);
      if (c.message) {
        assert.ok(catalog.problems.some((p) => c.message!.test(p.message)), catalog.problems.map((p) => p.message).join('\n'));
      }
    });
  }

  it('reports a file it may not read as unreadable instead of failing the whole discovery', async function () {
    if (process.getuid?.() === 0 || process.platform === 'win32') {
      this.skip(); // root reads everything; Windows has no chmod 000
    }
    const dir = makeFolder({ ...pair('001_a'), ...pair('002_locked') });
    fs.chmodSync(path.join(dir, '002_locked.sql'), 0o000);
    const c = await discoverMigrations(dir);
    assert.deepEqual(names(c), ['001_a']);
    assert.deepEqual(problemList(c), ['error unreadable 002_locked.sql']);
  });

  it('follows symlinks inside the folder and refuses those leaving it', async () => {
    const outside = path.join(tmp, 'outside.sql');
    fs.writeFileSync(outside, 'DROP TABLE everything;\n');
    const dir = makeFolder({
      'shared/real.sql': '-- version: 1.0.0\nCREATE TABLE t (x);\n',
      'shared/real.down.sql': 'DROP TABLE t;\n',
      '001_inside.sql': { symlink: 'shared/real.sql' },
      '001_inside.down.sql': { symlink: path.join('shared', 'real.down.sql') },
      '002_outside.sql': { symlink: outside },
      '003_relative_outside.sql': { symlink: '../outside.sql' },
      '004_dangling.sql': { symlink: 'missing.sql' },
      '005_to_dir.sql': { symlink: 'shared' },
    });
    const c = await discoverMigrations(dir);
    assert.deepEqual(names(c), ['001_inside']);
    assert.equal(c.migrations[0].sql, '-- version: 1.0.0\nCREATE TABLE t (x);\n');
    assert.equal(c.migrations[0].upPath, path.join(dir, '001_inside.sql'));
    assert.equal(c.migrations[0].downPath, path.join(dir, '001_inside.down.sql'));
    assert.deepEqual(problemList(c), [
      'error symlink-outside 002_outside.sql',
      'error symlink-outside 003_relative_outside.sql',
      'error not-a-file 004_dangling.sql',
      'error not-a-file 005_to_dir.sql',
    ]);
    assert.match(c.problems[0].message, /002_outside\.sql is a symlink to .*outside\.sql, outside the migrations folder/);
    assert.match(c.problems[3].message, /a symlink to a directory/);
  });

  it('accepts inside symlinks when the folder itself is reached through a symlink', async () => {
    const dir = makeFolder({ 'real/001_a.sql': sql('1.0.0'), '001_a.sql': { symlink: 'real/001_a.sql' } });
    const linked = path.join(tmp, `linked${n}`);
    fs.symlinkSync(dir, linked);
    const c = await discoverMigrations(linked);
    assert.equal(c.folder, linked);
    assert.deepEqual(names(c), ['001_a']);
    assert.equal(c.migrations[0].upPath, path.join(linked, '001_a.sql'));
    assert.deepEqual(problemList(c), ['warning missing-down 001_a.sql']);
  });
});

describe('catalog: ChecksumCache', () => {
  let dir: string;
  const past = (seconds: number) => new Date(Date.now() - 3_600_000 + seconds * 1000);
  const write = (name: string, text: string, at: Date) => {
    fs.writeFileSync(path.join(dir, name), text);
    fs.utimesSync(path.join(dir, name), at, at);
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlm-cache-'));
    write('001_a.sql', sql('1.0.0', 'CREATE TABLE a (x);'), past(0));
    write('002_b.sql', sql('1.1.0', 'CREATE TABLE b (x);'), past(0));
    write('003_c.sql', sql('1.2.0', 'CREATE TABLE c (x);'), past(0));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('does not re-read unchanged files, and re-reads a changed one even at the same size', async () => {
    const cache = new ChecksumCache();
    const first = await discoverMigrations(dir, cache);
    assert.deepEqual(cache.stats, { hits: 0, reads: 3 });
    const second = await discoverMigrations(dir, cache);
    assert.deepEqual(cache.stats, { hits: 3, reads: 3 });
    assert.deepEqual(second, first);

    write('002_b.sql', sql('1.1.0', 'CREATE TABLE B (y);'), past(5));
    assert.equal(fs.statSync(path.join(dir, '002_b.sql')).size, Buffer.byteLength(first.migrations[1].sql));
    const third = await discoverMigrations(dir, cache);
    assert.deepEqual(cache.stats, { hits: 5, reads: 4 });
    assert.equal(third.migrations[1].sql, sql('1.1.0', 'CREATE TABLE B (y);'));
    assert.equal(third.migrations[1].checksum, sha256Hex(third.migrations[1].sql));
    assert.notEqual(third.migrations[1].checksum, first.migrations[1].checksum);
  });

  it('does not remember a file modified moments ago (coarse timestamps could hide a second write)', async () => {
    write('004_fresh.sql', sql('1.3.0'), new Date());
    const cache = new ChecksumCache();
    await discoverMigrations(dir, cache);
    await discoverMigrations(dir, cache);
    assert.deepEqual(cache.stats, { hits: 3, reads: 5 });

    const later = new ChecksumCache(() => Date.now() + 10_000);
    await discoverMigrations(dir, later);
    await discoverMigrations(dir, later);
    assert.deepEqual(later.stats, { hits: 4, reads: 4 });
  });

  it('remembers undecodable files too, and forgets deleted ones', async () => {
    fs.writeFileSync(path.join(dir, '004_bad.sql'), Buffer.of(0xff));
    fs.utimesSync(path.join(dir, '004_bad.sql'), past(0), past(0));
    const cache = new ChecksumCache();
    const first = await discoverMigrations(dir, cache);
    const second = await discoverMigrations(dir, cache);
    assert.deepEqual(cache.stats, { hits: 4, reads: 4 });
    assert.deepEqual(second.problems.filter((p) => p.code === 'invalid-utf8').length, 1);
    assert.deepEqual(second, first);

    fs.unlinkSync(path.join(dir, '001_a.sql'));
    await discoverMigrations(dir, cache);
    assert.equal(cache.size, 3);
  });
});
