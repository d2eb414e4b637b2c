import * as assert from 'node:assert/strict';
import type { LedgerRow, LedgerStatus, Migration, Problem } from '../../src/core/model';
import { mergeStatus } from '../../src/core/ledger/status';
import { summarize } from '../../src/core/ledger/summary';
import { makeMigration } from '../fixtures/spec/load';

let nextId = 1;
function row(version: string, status: LedgerStatus, checksum: string | null): LedgerRow {
  return { id: nextId++, version, description: `row ${version}`, appliedAt: '2025-10-19 14:30:00', checksum, executionTimeMs: 5, status };
}

function m(sequence: number, version?: string): Migration {
  return makeMigration(sequence, `step_${sequence}`, `CREATE TABLE t${sequence}(x);\n`, { version });
}

const problem: Problem = { code: 'duplicate-sequence', severity: 'error', message: '003_a.sql has the same sequence as 003_b.sql', file: '/m/003_a.sql' };

describe('status summary: one state for the status bar and the badge', () => {
  const [a, b, c, d] = [m(1), m(2), m(3), m(4)];
  const applied = (x: Migration) => row(x.version, 'applied', x.checksum);

  it('is up to date only when up would apply nothing', () => {
    const s = summarize(mergeStatus([a, b], [applied(a), applied(b)]));
    assert.equal(s.state, 'up to date');
    assert.equal(s.label, 'up to date');
    assert.equal(s.badge, 0);
    assert.equal(s.version, '002');
  });

  it('counts a rolled-back migration as pending (after a rollback, up applies it again)', () => {
    const s = summarize(mergeStatus([a, b], [applied(a), row(b.version, 'rolled_back', b.checksum)]));
    assert.equal(s.state, 'pending');
    assert.equal(s.label, '1 pending');
    assert.equal(s.rolledBack, 1);
    assert.equal(s.badge, 1);
    assert.equal(s.version, '001');
    assert.match(s.lines.join('\n'), /1 to apply: 1 rolled back\./);
  });

  it('says failed, and still counts the failed one as to apply', () => {
    const s = summarize(mergeStatus([a, b, c], [applied(a), row(b.version, 'failed', b.checksum)]));
    assert.equal(s.state, 'failed');
    assert.equal(s.label, '1 failed');
    assert.equal(s.toApply, 2);
    assert.match(s.lines.join('\n'), /2 to apply: 1 pending, 1 failed\./);
  });

  it('counts a pending migration below an applied one as out of order (an out-of-order rollback)', () => {
    const s = summarize(mergeStatus([a, b, c], [applied(a), applied(c)]));
    assert.equal(s.state, 'pending');
    assert.equal(s.outOfOrder, 1);
    assert.match(s.lines.join('\n'), /1 to apply: 1 out of order\./);
  });

  it('puts migration file problems first, and counts them in the badge', () => {
    const s = summarize(mergeStatus([a], [applied(a)]), [problem, { ...problem, file: '/m/003_b.sql' }, { ...problem, severity: 'warning' }]);
    assert.equal(s.state, 'problems');
    assert.equal(s.label, '2 problems');
    assert.equal(s.badge, 2);
    assert.match(s.lines[0], /^2 migration file problems: nothing is applied until they are fixed\.$/);
  });

  it('says modified for an applied file that changed', () => {
    const s = summarize(mergeStatus([a, b], [applied(a), row(b.version, 'applied', 'f'.repeat(64))]));
    assert.equal(s.state, 'modified');
    assert.equal(s.label, '1 modified');
    assert.match(s.lines.join('\n'), /1 applied migration changed since it was applied\./);
  });

  it('shows the highest applied semantic version, not a later migration\'s bare sequence', () => {
    const [x, y, z] = [m(1, '1.0.0'), m(2, '1.2.1'), m(3)];
    const s = summarize(mergeStatus([x, y, z, d], [applied(x), applied(y), applied(z)]));
    assert.equal(s.version, '1.2.1');
  });

  it('has no version for an empty database, and no plural "(s)" anywhere', () => {
    const s = summarize(mergeStatus([a, b], []));
    assert.equal(s.version, undefined);
    assert.equal(s.label, '2 pending');
    assert.ok(!s.lines.join(' ').includes('(s)'));
  });
});
