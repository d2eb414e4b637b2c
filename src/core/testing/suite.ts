// `sqlite-migrations test`: every migration applied in order from empty with the real runner, each one's test file
// run right after it, and each one with a down file rolled back and re-applied to prove the down file undoes it.
import * as fs from 'node:fs';
import { fileLabel } from '../migrations/label';
import type { Connection } from '../engine/connection';
import { decodeSqlText } from '../migrations/checksum';
import type { Migration, Problem } from '../model';
import { problem } from '../problems';
import { replay } from '../run/replay';
import { applyMigration, rollbackMigration, type RunContext } from '../run/runner';
import { parseTestFile } from './parse';
import { runTestFile, type TestResult } from './run';
import { schemaDifferences, schemaImage } from './reversible';

export interface SuiteTest extends TestResult {
  readonly migration: string;
}

export interface Reversibility {
  readonly migration: string;
  readonly status: 'passed' | 'failed';
  readonly differences: string[];
}

export interface SuiteReport {
  readonly tests: SuiteTest[];
  readonly reversibility: Reversibility[];
  /** Migrations that failed to apply on the scratch database: test failures (exit 1). */
  readonly failures: Problem[];
  /** Unusable input (a test file that cannot be read or parsed): exit 2. */
  readonly problems: Problem[];
}

export function runSuite(db: Connection, migrations: readonly Migration[], ctx: RunContext): SuiteReport {
  const report: SuiteReport = { tests: [], reversibility: [], failures: [], problems: [] };
  let before = schemaImage(db);
  let reapplyError: string | undefined;
  const outcomes = replay(db, migrations, ctx, (m, downSql) => {
    if (m.testPath) runTests(db, m, report);
    if (downSql !== null) {
      const checked = checkReversible(db, m, downSql, before, ctx);
      report.reversibility.push(checked.result);
      if (!checked.reapplied) {
        reapplyError = checked.reapplyError;
        return false;
      }
    }
    before = schemaImage(db);
    return true;
  });
  for (const o of outcomes) if (!o.ok && o.error) report.failures.push(o.error);
  const last = outcomes[outcomes.length - 1];
  const rest = migrations.length - outcomes.length;
  if (last?.ok && rest > 0) {
    // The up file could not run again on what its down file left: the later migrations have no state to build on.
    const why = reapplyError ? ` (${reapplyError})` : '';
    const message = `Stopped after ${last.name}: it could not be applied again after its down file${why}, so the ${rest} later migration${rest === 1 ? ' was' : 's were'} not tested.`;
    report.failures.push(problem('not-reversible', message, { file: migrations[outcomes.length - 1].upPath }));
  }
  return report;
}

function runTests(db: Connection, m: Migration, report: SuiteReport): void {
  const file = m.testPath!;
  const label = fileLabel(file);
  let text: string;
  try {
    const decoded = decodeSqlText(fs.readFileSync(file), file);
    if (!decoded.ok) return void report.problems.push(decoded.error);
    text = decoded.value;
  } catch (e) {
    return void report.problems.push(problem('unreadable', `${label} cannot be read: ${(e as Error).message}`, { file }));
  }
  const parsed = parseTestFile(text, file, label);
  if (!parsed.ok) return void report.problems.push(parsed.error);
  report.tests.push(...runTestFile(db, parsed.value).map((r) => ({ migration: m.name, ...r })));
}

/** Down, compare with the schema before up, then up again so the later migrations build on the same state. */
function checkReversible(db: Connection, m: Migration, downSql: string, before: ReturnType<typeof schemaImage>, ctx: RunContext): { result: Reversibility; reapplied: boolean; reapplyError?: string } {
  const label = m.downPath ? fileLabel(m.downPath) : `${m.name}.down.sql`;
  const down = rollbackMigration(db, { version: m.version, name: m.name, downPath: m.downPath, downSql }, ctx);
  if (!down.ok) {
    // A failed down was rolled back: the migration is still applied, so the replay can go on.
    const result = failed(m, [`${label} fails: ${down.error?.message ?? 'it was refused'}`]);
    return { result, reapplied: true };
  }
  const differences = schemaDifferences(before, schemaImage(db), label);
  const again = applyMigration(db, m, downSql, ctx);
  // After a down file that left something, the up file failing again is the same fault, not a second one.
  if (!again.ok && differences.length === 0) differences.push(`${fileLabel(m.upPath)} fails when applied again after ${label}: ${again.error?.message ?? 'it was refused'}`);
  const result: Reversibility = differences.length ? failed(m, differences) : { migration: m.name, status: 'passed', differences: [] };
  // SQLite's own words for the failed re-apply, for the "Stopped after" message that ends the run.
  return { result, reapplied: again.ok, reapplyError: again.ok ? undefined : again.error?.message ?? 'it was refused' };
}

function failed(m: Migration, differences: string[]): Reversibility {
  return { migration: m.name, status: 'failed', differences };
}
