import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { decodeSqlText, sha256Hex } from '../../src/core/migrations/checksum';
import { parseHeader } from '../../src/core/migrations/header';

const enc = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const BOM = Uint8Array.of(0xef, 0xbb, 0xbf);

describe('checksum: decodeSqlText and sha256Hex', () => {
  const lf = 'CREATE TABLE t (id INTEGER PRIMARY KEY);\n-- café ☕\nINSERT INTO t VALUES (1);\n';
  const lfChecksum = createHash('sha256').update(Buffer.from(lf, 'utf8')).digest('hex');

  it('hashes the UTF-8 bytes of the text as hex SHA-256', () => {
    assert.equal(sha256Hex(lf), lfChecksum);
    assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.match(sha256Hex('x'), /^[0-9a-f]{64}$/);
  });

  const variants: [string, Uint8Array][] = [
    ['LF', enc(lf)],
    ['CRLF', enc(lf.replace(/\n/g, '\r\n'))],
    ['lone CR (classic Mac)', enc(lf.replace(/\n/g, '\r'))],
    ['BOM + LF', concat(BOM, enc(lf))],
    ['BOM + CRLF', concat(BOM, enc(lf.replace(/\n/g, '\r\n')))],
    ['mixed CRLF, CR and LF', enc('CREATE TABLE t (id INTEGER PRIMARY KEY);\r\n-- café ☕\rINSERT INTO t VALUES (1);\n')],
  ];
  for (const [label, bytes] of variants) {
    it(`${label} decodes to the LF text and has the LF checksum`, () => {
      const r = decodeSqlText(bytes, '/m/001_a.sql');
      assert.deepEqual(r, { ok: true, value: lf });
      assert.equal(r.ok && sha256Hex(r.value), lfChecksum);
    });
  }

  it('removes only a leading BOM, not U+FEFF inside the text', () => {
    const r = decodeSqlText(concat(BOM, enc('SELECT \'\uFEFF\';')), 'a.sql');
    assert.deepEqual(r, { ok: true, value: 'SELECT \'\uFEFF\';' });
  });

  it('keeps CR/LF inside the text distinct from other content (a change still changes the checksum)', () => {
    const a = decodeSqlText(enc('SELECT 1;\n'), 'a.sql');
    const b = decodeSqlText(enc('SELECT 2;\r\n'), 'a.sql');
    assert.ok(a.ok && b.ok);
    assert.notEqual(sha256Hex(a.value), sha256Hex(b.value));
  });

  const invalid: [string, Uint8Array, number][] = [
    ['a Latin-1 é on line 3', concat(enc('SELECT 1;\n-- ok\n-- caf'), Uint8Array.of(0xe9), enc('\nSELECT 2;\n')), 3],
    ['a lone continuation byte on line 1', Uint8Array.of(0x80, 0x0a), 1],
    ['a truncated sequence at the end', concat(enc('a\nb\n'), Uint8Array.of(0xe2, 0x82)), 3],
    ['an overlong encoding', concat(enc('x\n'), Uint8Array.of(0xc0, 0xaf)), 2],
    ['an encoded surrogate', Uint8Array.of(0xed, 0xa0, 0x80), 1],
    ['UTF-16 LE with BOM', Uint8Array.of(0xff, 0xfe, 0x53, 0x00, 0x0a, 0x00), 1],
  ];
  for (const [label, bytes, line] of invalid) {
    it(`refuses ${label}, naming the file and line ${line}`, () => {
      const r = decodeSqlText(bytes, '/work/migrations/003_bad.sql');
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.code, 'invalid-utf8');
        assert.equal(r.error.severity, 'error');
        assert.equal(r.error.file, '/work/migrations/003_bad.sql');
        assert.equal(r.error.line, line);
        assert.match(r.error.message, new RegExp(`^003_bad\\.sql:${line}: the file is not valid UTF-8`));
      }
    });
  }

  it('hints at UTF-16 when the bytes start with a UTF-16 BOM', () => {
    const r = decodeSqlText(Uint8Array.of(0xff, 0xfe, 0x53, 0x00), 'a.sql');
    assert.ok(!r.ok && /looks UTF-16/.test(r.error.message));
  });
});

describe('header: parseHeader', () => {
  it('reads version and description from the leading comment lines', () => {
    const h = parseHeader('-- version: 1.1.0\n-- description: Add task tags\n\nCREATE TABLE t (x);\n', '/m/002_a.sql');
    assert.deepEqual(h, { version: '1.1.0', description: 'Add task tags', versionLine: 1, descriptionLine: 2, problems: [] });
  });

  it('accepts other comments and blank lines around the header, any key case, and no space after --', () => {
    const sql = '\n-- Migration 002\n--\n--VERSION:2.0.0   \n-- Description :  Rebuild tasks  \nCREATE TABLE t (x);';
    const h = parseHeader(sql, 'a.sql');
    assert.equal(h.version, '2.0.0');
    assert.equal(h.description, 'Rebuild tasks');
    assert.equal(h.versionLine, 4);
    assert.deepEqual(h.problems, []);
  });

  it('ignores version comments after the first statement', () => {
    const h = parseHeader('CREATE TABLE t (x);\n-- version: 9.9.9\n', 'a.sql');
    assert.deepEqual(h, { problems: [] });
  });

  it('reads nothing from a file without a header', () => {
    assert.deepEqual(parseHeader('', 'a.sql'), { problems: [] });
    assert.deepEqual(parseHeader('-- just a note\nSELECT 1;', 'a.sql'), { problems: [] });
  });

  it('works on CRLF text too', () => {
    const h = parseHeader('-- version: 1.0.1\r\n-- description: Fix\r\nSELECT 1;', 'a.sql');
    assert.equal(h.version, '1.0.1');
    assert.equal(h.description, 'Fix');
  });

  const bad: [string, string, number, RegExp][] = [
    ['not semver', '-- description: x\n-- version: 1.2\nSELECT 1;', 2, /"1\.2" is not a MAJOR\.MINOR\.PATCH version/],
    ['a v prefix', '\n\n-- version: v1.2.0\n', 3, /"v1\.2\.0" is not/],
    ['a leading zero', '-- version: 1.02.0\n', 1, /"1\.02\.0" is not/],
    ['an empty version', '-- version:\n', 1, /"-- version:" has no value/],
    ['an empty description', '-- version: 1.0.0\n-- description:   \n', 2, /"-- description:" has no value/],
    ['a second version line', '-- version: 1.0.0\n-- version: 1.1.0\n', 2, /a second "-- version:" line; the first is on line 1/],
  ];
  for (const [label, sql, line, reason] of bad) {
    it(`reports ${label} as bad-header on line ${line}`, () => {
      const h = parseHeader(sql, '/m/004_x.sql');
      assert.equal(h.problems.length, 1);
      const [p] = h.problems;
      assert.equal(p.code, 'bad-header');
      assert.equal(p.severity, 'error');
      assert.equal(p.file, '/m/004_x.sql');
      assert.equal(p.line, line);
      assert.match(p.message, new RegExp(`^004_x\\.sql:${line}: `));
      assert.match(p.message, reason);
    });
  }

  it('does not report a bad version as the version', () => {
    const h = parseHeader('-- version: banana\n', 'a.sql');
    assert.equal(h.version, undefined);
    assert.equal(h.versionLine, 1);
  });
});
