import * as assert from 'node:assert/strict';
import type { LedgerRow, LedgerStatus, Migration } from '../../src/core/model';
import { isApplied, isToApply, mergeStatus } from '../../src/core/ledger/status';
import { makeMigration } from '../fixtures/spec/load';

let nextId = 1;
function row(version: string, status: LedgerStatus, checksum: string | null, description = `row ${version}`): LedgerRow {
  return { id: nextId++, version, description, appliedAt: '2025-10-19 14:30:00', checksum, executionTimeMs: 5, status };
}

function m(sequence: number, slug: string, version?: string): Migration {
  return makeMigration(sequence, slug, `CREATE TABLE t${sequence}(x); -- ${slug}\n`, { version });
}

function summary(states: ReturnType<typeof mergeStatus>): [string, string, string, number | undefined][] {
  return states.map((s) => [s.name, s.version, s.status, s.sequence]);
}

describe('status: mergeStatus', () => {
  const a = m(1, 'initial_schema');
  const b = m(2, 'add_tags');
  const c = m(3, 'add_index');
  const d = m(4, 'rebuild');
  const e = m(5, 'later');

  it('joins files and rows on version: pending, applied, failed, rolled_back, modified', () => {
    const states = mergeStatus([e, d, c, b, a], [
      row('001', 'applied', a.checksum),
      row('002', 'applied', 'f'.repeat(64)),
      row('003', 'failed', c.checksum),
      row('004', 'rolled_back', d.checksum),
    ]);
    assert.deepEqual(summary(states), [
      ['001_initial_schema', '001', 'applied', 1],
      ['002_add_tags', '002', 'modified', 2],
      ['003_add_index', '003', 'failed', 3],
      ['004_rebuild', '004', 'rolled_back', 4],
      ['005_later', '005', 'pending', 5],
    ]);
    assert.equal(states[0].migration, a);
    assert.equal(states[0].row?.version, '001');
    assert.equal(states[4].row, undefined);
    assert.equal(states[2].description, 'Add index');
  });

  const cases: { name: string; rows: LedgerRow[]; want: string }[] = [
    { name: 'a failed row whose file changed stays failed (it never ran)', rows: [row('002', 'failed', 'other')], want: 'failed' },
    { name: 'a rolled-back row whose file changed stays rolled_back', rows: [row('002', 'rolled_back', 'other')], want: 'rolled_back' },
    { name: "an applied row without a checksum (the spec's hand-written entry) is applied", rows: [row('002', 'applied', null)], want: 'applied' },
    { name: "a row left 'pending' (the column's default) is pending", rows: [row('002', 'pending', null)], want: 'pending' },
  ];
  for (const t of cases) {
    it(t.name, () => {
      assert.equal(mergeStatus([b], t.rows)[0].status, t.want);
    });
  }

  it('lists applied and failed rows without a file as missing, by sequence when the version is one', () => {
    const states = mergeStatus([a, c, e], [row('001', 'applied', a.checksum), row('002', 'applied', 'x'), row('004', 'failed', 'y'), row('003', 'applied', c.checksum)]);
    assert.deepEqual(summary(states), [
      ['001_initial_schema', '001', 'applied', 1],
      ['002', '002', 'missing', 2],
      ['003_add_index', '003', 'applied', 3],
      ['004', '004', 'missing', 4],
      ['005_later', '005', 'pending', 5],
    ]);
    assert.equal(states[1].row?.status, 'applied');
    assert.equal(states[3].row?.status, 'failed');
    assert.equal(states[1].migration, undefined);
  });

  it('places semver rows without a file among the files by version, and names them from the companion table', () => {
    const files = [m(1, 'initial', '1.0.0'), m(3, 'index', '1.1.1'), m(4, 'rebuild', '1.2.0')];
    const rows = [row('1.0.0', 'applied', files[0].checksum), row('1.1.0', 'applied', 'x'), row('2.0.0', 'applied', 'y'), row('0.9.0', 'applied', 'z')];
    const states = mergeStatus(files, rows, new Map([['1.1.0', '002_add_task_priority']]));
    assert.deepEqual(summary(states), [
      ['0.9.0', '0.9.0', 'missing', undefined],
      ['001_initial', '1.0.0', 'applied', 1],
      ['002_add_task_priority', '1.1.0', 'missing', undefined],
      ['003_index', '1.1.1', 'pending', 3],
      ['004_rebuild', '1.2.0', 'pending', 4],
      ['2.0.0', '2.0.0', 'missing', undefined],
    ]);
    assert.equal(states[2].description, 'row 1.1.0');
  });

  it('leaves out rolled-back and pending rows whose file is gone', () => {
    const states = mergeStatus([a], [row('001', 'applied', a.checksum), row('002', 'rolled_back', 'x'), row('003', 'pending', null)]);
    assert.deepEqual(summary(states), [['001_initial_schema', '001', 'applied', 1]]);
  });

  it('is empty for no files and no rows', () => {
    assert.deepEqual(mergeStatus([], []), []);
  });

  it('isApplied / isToApply classify every status', () => {
    const states = mergeStatus([a, b, c, d, e], [
      row('001', 'applied', a.checksum),
      row('002', 'applied', 'changed'),
      row('003', 'failed', c.checksum),
      row('004', 'rolled_back', d.checksum),
      row('006', 'applied', 'x'),
      row('007', 'failed', 'x'),
    ]);
    assert.deepEqual(
      states.map((s) => [s.name, s.status, isApplied(s), isToApply(s)]),
      [
        ['001_initial_schema', 'applied', true, false],
        ['002_add_tags', 'modified', true, false],
        ['003_add_index', 'failed', false, true],
        ['004_rebuild', 'rolled_back', false, true],
        ['005_later', 'pending', false, true],
        ['006', 'missing', true, false],
        ['007', 'missing', false, false],
      ],
    );
  });
});
