import * as assert from 'node:assert/strict';
import type { LedgerRow, LedgerStatus, Migration } from '../../src/core/model';
import { planDown, planUp } from '../../src/core/run/plan';
import { mergeStatus, type MigrationState } from '../../src/core/ledger/status';
import { makeMigration } from '../fixtures/spec/load';

function m(sequence: number, withDown = true): Migration {
  const downPath = withDown ? `/virtual/migrations/${String(sequence).padStart(3, '0')}_m${sequence}.down.sql` : undefined;
  return makeMigration(sequence, `m${sequence}`, `CREATE TABLE t${sequence}(x);\n`, { downPath });
}

function row(version: string, status: LedgerStatus, checksum: string | null): LedgerRow {
  return { id: Number(version), version, description: version, appliedAt: '2025-10-19 14:30:00', checksum, executionTimeMs: 1, status };
}

/** States from a compact picture: sequence -> ledger status ('-' for none, 'modified', 'missing'). */
function states(picture: Record<number, LedgerStatus | '-' | 'modified' | 'missing' | 'nodown'>): MigrationState[] {
  const files: Migration[] = [];
  const rows: LedgerRow[] = [];
  for (const [key, what] of Object.entries(picture)) {
    const seq = Number(key);
    const file = m(seq, what !== 'nodown');
    const version = file.version;
    if (what === 'missing') {
      rows.push(row(version, 'applied', 'x'));
      continue;
    }
    files.push(file);
    if (what === 'modified') rows.push(row(version, 'applied', 'changed'));
    else if (what === 'nodown') rows.push(row(version, 'applied', file.checksum));
    else if (what !== '-') rows.push(row(version, what, file.checksum));
  }
  return mergeStatus(files, rows);
}

const names = (list: readonly { name: string }[]) => list.map((x) => x.name);

describe('plan: planUp', () => {
  it('applies pending, failed and rolled-back migrations in order; applied, modified and missing are left alone', () => {
    const plan = planUp(states({ 1: 'applied', 2: 'modified', 3: 'failed', 4: 'rolled_back', 5: '-', 6: 'missing' }), { allowModified: true });
    assert.ok(plan.ok);
    assert.deepEqual(names(plan.value.steps), ['003_m3', '004_m4', '005_m5']);
    assert.deepEqual([plan.value.notes[0].code, plan.value.notes[0].severity], ['applied-changed', 'warning']);
  });

  it('refuses while applied files were edited or removed, naming them all (validate on migrate), also with --to and --only', () => {
    const s = states({ 1: 'applied', 2: 'modified', 3: '-', 4: 'missing' });
    for (const opts of [{}, { to: 3 }, { only: 3 }]) {
      const plan = planUp(s, opts);
      assert.ok(!plan.ok, JSON.stringify(opts));
      assert.equal(plan.error.code, 'applied-changed');
      assert.match(plan.error.message, /002_m2 \(file edited\), 004 \(file missing\)\. Nothing was run: .*--allow-modified/);
      assert.equal(plan.error.file, '/virtual/migrations/002_m2.sql');
    }
    const allowed = planUp(s, { allowModified: true });
    assert.ok(allowed.ok);
    assert.deepEqual(names(allowed.value.steps), ['003_m3']);
  });

  it('names the CLI command that accepts each edit; a missing file can only be restored', () => {
    const fix = (spec: Parameters<typeof states>[0]) => {
      const plan = planUp(states(spec), {});
      assert.ok(!plan.ok);
      return plan.error.message.replace(/^.*Nothing was run: /, '');
    };
    assert.equal(fix({ 1: 'applied', 2: 'modified', 4: 'missing' }), 'restore the files, or accept the edit with "sqlite-migrations accept-checksum 002" (editor: Accept New Checksum), or run up with --allow-modified.');
    assert.equal(fix({ 1: 'modified', 2: 'modified' }), 'restore the files, or accept the edits with "sqlite-migrations accept-checksum SEQ" for each of 001, 002 (editor: Accept New Checksum), or run up with --allow-modified.');
    assert.equal(fix({ 1: 'applied', 2: 'missing' }), 'restore the files, or run up with --allow-modified.');
  });

  it('does not count a failed row whose file is gone, nor a rolled-back one, as changed', () => {
    const files = [m(1), m(2)];
    const rows = [row('001', 'applied', files[0].checksum), row('002', 'rolled_back', 'edited'), row('009', 'failed', 'x')];
    const plan = planUp(mergeStatus(files, rows), {});
    assert.ok(plan.ok, JSON.stringify(plan));
    assert.deepEqual(names(plan.value.steps), ['002_m2']);
  });

  it('stops at --to (inclusive)', () => {
    const plan = planUp(states({ 1: 'applied', 2: '-', 3: '-', 4: '-' }), { to: 3 });
    assert.ok(plan.ok);
    assert.deepEqual(names(plan.value.steps), ['002_m2', '003_m3']);
    assert.deepEqual(plan.value.notes, []);
  });

  it('is empty when everything is applied, or --to names an applied one', () => {
    const all = planUp(states({ 1: 'applied', 2: 'applied' }), {});
    assert.deepEqual(all, { ok: true, value: { steps: [], notes: [] } });
    const to = planUp(states({ 1: 'applied', 2: '-' }), { to: 1 });
    assert.ok(to.ok);
    assert.deepEqual(to.value.steps, []);
  });

  it('applies a single one with --only, out of order, and says so', () => {
    const plan = planUp(states({ 1: 'applied', 2: '-', 3: '-' }), { only: 3 });
    assert.ok(plan.ok);
    assert.deepEqual(names(plan.value.steps), ['003_m3']);
    assert.deepEqual(plan.value.notes.map((n) => [n.code, n.severity]), [['out-of-order', 'warning']]);
    assert.match(plan.value.notes[0].message, /003_m3 runs out of order: 002_m2 comes before it and is not applied/);
  });

  it('--only of the next pending one is in order', () => {
    const plan = planUp(states({ 1: 'applied', 2: '-', 3: '-' }), { only: 2 });
    assert.ok(plan.ok);
    assert.deepEqual(plan.value.notes, []);
  });

  it('reports a pending migration numbered below an applied one (a merged branch) as out of order', () => {
    const plan = planUp(states({ 1: 'applied', 2: '-', 3: 'applied' }), {});
    assert.ok(plan.ok);
    assert.deepEqual(names(plan.value.steps), ['002_m2']);
    assert.match(plan.value.notes[0].message, /002_m2 runs out of order: 003_m3 after it is already applied/);
    assert.equal(plan.value.notes[0].file, '/virtual/migrations/002_m2.sql');
  });

  const bad: { name: string; opts: { to?: number; only?: number }; code: string; message: RegExp }[] = [
    { name: '--to of no file', opts: { to: 9 }, code: 'unknown-sequence', message: /sequence 9/ },
    { name: '--only of no file', opts: { only: 9 }, code: 'unknown-sequence', message: /sequence 9/ },
    { name: '--only of an applied one', opts: { only: 1 }, code: 'not-pending', message: /001_m1 is applied/ },
    { name: '--only of a modified one', opts: { only: 2 }, code: 'not-pending', message: /002_m2 is modified/ },
    { name: '--to and --only together', opts: { to: 3, only: 3 }, code: 'bad-options', message: /at most one/ },
    { name: 'a negative --to', opts: { to: -1 }, code: 'bad-options', message: /--to must be a migration sequence number, not -1/ },
    { name: 'a fractional --only', opts: { only: 1.5 }, code: 'bad-options', message: /--only/ },
    { name: 'NaN', opts: { to: Number.NaN }, code: 'bad-options', message: /NaN/ },
  ];
  for (const t of bad) {
    it(`refuses ${t.name}`, () => {
      const plan = planUp(states({ 1: 'applied', 2: 'modified', 3: '-' }), { ...t.opts, allowModified: true });
      assert.ok(!plan.ok);
      assert.equal(plan.error.code, t.code);
      assert.match(plan.error.message, t.message);
    });
  }
});

describe('plan: planDown', () => {
  const picture = { 1: 'applied', 2: 'applied', 3: 'modified', 4: 'rolled_back', 5: 'applied', 6: '-' } as const;

  it('rolls back the last applied one by default', () => {
    const plan = planDown(states(picture), {});
    assert.ok(plan.ok);
    assert.deepEqual(names(plan.value.steps), ['005_m5']);
  });

  it('rolls back the last N with --steps, last first', () => {
    const plan = planDown(states(picture), { steps: 3 });
    assert.ok(plan.ok);
    assert.deepEqual(names(plan.value.steps), ['005_m5', '003_m3', '002_m2']);
    assert.deepEqual(plan.value.notes.map((n) => [n.code, n.severity]), [['modified-rollback', 'warning']]);
  });

  it('rolls back down to, but not including, --to; 0 rolls back everything', () => {
    const to2 = planDown(states(picture), { to: 2 });
    assert.ok(to2.ok);
    assert.deepEqual(names(to2.value.steps), ['005_m5', '003_m3']);
    const to0 = planDown(states(picture), { to: 0 });
    assert.ok(to0.ok);
    assert.deepEqual(names(to0.value.steps), ['005_m5', '003_m3', '002_m2', '001_m1']);
    const to5 = planDown(states(picture), { to: 5 });
    assert.deepEqual(to5.ok && to5.value.steps, []);
    assert.deepEqual(to5.ok && to5.value.notes.map((n) => [n.code, n.severity, n.message]), [['nothing-applied', 'info', 'No migration after 005_m5 is applied; there is nothing to roll back.']]);
    const none = planDown(states({ 1: '-', 2: 'rolled_back' }), { to: 0 });
    assert.deepEqual(none.ok && none.value.notes.map((n) => n.message), ['No migration is applied; there is nothing to roll back.']);
  });

  it('rolls back one with --only, noting the later ones that stay applied', () => {
    const plan = planDown(states(picture), { only: 2 });
    assert.ok(plan.ok);
    assert.deepEqual(names(plan.value.steps), ['002_m2']);
    assert.match(plan.value.notes[0].message, /002_m2 runs out of order: 003_m3, 005_m5 after it stay applied/);
  });

  it('has nothing to do, and says so, when nothing is applied', () => {
    const plan = planDown(states({ 1: '-', 2: 'rolled_back' }), {});
    assert.ok(plan.ok);
    assert.deepEqual(plan.value.steps, []);
    assert.deepEqual(plan.value.notes.map((n) => [n.code, n.severity]), [['nothing-applied', 'info']]);
  });

  it('refuses a migration whose file is missing unless its down SQL was recorded, and then notes it', () => {
    const withMissing = states({ 1: 'applied', 2: 'missing' });
    const refused = planDown(withMissing, {});
    assert.ok(!refused.ok);
    assert.equal(refused.error.code, 'no-down');
    assert.match(refused.error.message, /002's file is missing and no down SQL was recorded/);
    // An empty down file recorded as such is a no-op, like the file; null means there was no down file.
    const blank = planDown(withMissing, { knownDownSql: () => '   \n' });
    assert.ok(blank.ok);
    assert.ok(!planDown(withMissing, { knownDownSql: () => null }).ok);
    const known = planDown(withMissing, { knownDownSql: (v) => (v === '002' ? 'DROP TABLE t2;' : undefined) });
    assert.ok(known.ok);
    assert.deepEqual(names(known.value.steps), ['002']);
    assert.deepEqual(known.value.notes.map((n) => [n.code, n.severity]), [['down-from-ledger', 'info']]);
  });

  it('refuses a migration with no down file before anything runs, unless its down SQL was recorded', () => {
    const s = states({ 1: 'applied', 2: 'nodown', 3: 'applied' });
    const refused = planDown(s, { steps: 2 });
    assert.ok(!refused.ok);
    assert.match(refused.error.message, /002_m2 has no 002_m2\.down\.sql, so it cannot be rolled back/);
    assert.equal(refused.error.file, '/virtual/migrations/002_m2.sql');
    const known = planDown(s, { steps: 2, knownDownSql: () => 'DROP TABLE t2;' });
    assert.ok(known.ok);
    assert.deepEqual(names(known.value.steps), ['003_m3', '002_m2']);
  });

  it('says no migration is applied, not "Only 0", when --steps is given and none is', () => {
    const plan = planDown(states({ 1: 'pending', 2: 'rolled_back' }), { steps: 1 });
    assert.ok(!plan.ok);
    assert.equal(plan.error.message, 'No migration is applied; there is nothing to roll back.');
  });

  const bad: { name: string; opts: Parameters<typeof planDown>[1]; code: string; message: RegExp }[] = [
    { name: 'more --steps than applied', opts: { steps: 5 }, code: 'too-many-steps', message: /Only 4 migrations are applied; cannot roll back 5/ },
    { name: '--steps 0', opts: { steps: 0 }, code: 'bad-options', message: /at least 1/ },
    { name: '--to of no migration', opts: { to: 9 }, code: 'unknown-sequence', message: /sequence 9/ },
    { name: '--only of no migration', opts: { only: 9 }, code: 'unknown-sequence', message: /sequence 9/ },
    { name: '--only of a pending one', opts: { only: 6 }, code: 'not-applied', message: /006_m6 is pending/ },
    { name: '--only of a rolled-back one', opts: { only: 4 }, code: 'not-applied', message: /rolled_back/ },
    { name: '--to with --steps', opts: { to: 1, steps: 1 }, code: 'bad-options', message: /at most one/ },
    { name: '--only with --steps', opts: { only: 1, steps: 1 }, code: 'bad-options', message: /at most one/ },
  ];
  for (const t of bad) {
    it(`refuses ${t.name}`, () => {
      const plan = planDown(states(picture), t.opts);
      assert.ok(!plan.ok);
      assert.equal(plan.error.code, t.code);
      assert.match(plan.error.message, t.message);
    });
  }
});
