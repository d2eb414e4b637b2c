import * as assert from 'node:assert/strict';
import { droppedTables } from '../../src/core/sql/drops';

describe('droppedTables', () => {
  const cases: [string, string, string[]][] = [
    ['plain', 'DROP TABLE tags;', ['tags']],
    ['if exists, qualified, quoted', 'drop table if exists main."Order Items";\nDROP TABLE [a];', ['order items', 'a']],
    ['once each, in order', 'DROP TABLE b; DROP TABLE a; DROP TABLE b;', ['b', 'a']],
    ['not an index, a view, a comment or a string', "DROP INDEX t; DROP VIEW v; -- DROP TABLE c\nSELECT 'DROP TABLE d';", []],
    ['a statement cut short', 'DROP TABLE;', []],
  ];
  for (const [name, sql, expected] of cases) it(name, () => assert.deepEqual(droppedTables(sql), expected));
});
