import * as assert from 'node:assert/strict';
import { jsonErrorLine, parseJsonc } from '../../src/core/jsonc';

describe('parseJsonc (settings.json)', () => {
  const cases: [string, string, unknown][] = [
    ['plain JSON', '{"a": 1, "b": [1, 2]}', { a: 1, b: [1, 2] }],
    ['line and block comments', '{\n  // the db\n  "a": /* inline */ "x" // end\n}', { a: 'x' }],
    ['trailing commas, also before a comment', '{"a": [1, 2,], "b": 3, // last\n}', { a: [1, 2], b: 3 }],
    ['comment markers and commas inside strings', '{"a": "// not a comment, /* nor this */", "b": "x,]"}', { a: '// not a comment, /* nor this */', b: 'x,]' }],
    ['escaped quotes', '{"a": "say \\"hi\\", // still a string"}', { a: 'say "hi", // still a string' }],
    ['a byte-order mark', '\uFEFF{"a": true}', { a: true }],
  ];
  for (const [name, text, expected] of cases) {
    it(`reads ${name}`, () => assert.deepEqual(parseJsonc(text), expected));
  }

  it('throws on what is not JSON even with comments removed', () => {
    assert.throws(() => parseJsonc('{"a": }'), SyntaxError);
    assert.throws(() => parseJsonc('{"a": 1 /* unterminated'), SyntaxError);
  });

  it('names the line of the error in the file as written, comments, trailing commas and a BOM included', () => {
    // A missing comma: V8 names its position (not every message of its has one).
    const text = '\uFEFF{\n  // a comment, with a comma,\n  /* and a\n     block */ "a": [1, 2,]\n  "b": 2\n}\n';
    let error: unknown;
    try {
      parseJsonc(text);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof SyntaxError);
    assert.equal(jsonErrorLine(text, error), 5);
  });
});
