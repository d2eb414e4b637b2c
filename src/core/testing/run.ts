// Runs a parsed test file against a connection inside a savepoint that is always rolled back: whatever the
// statements do, the database is as it was before. One result per assertion, with its line, expected and actual.
import { errorMessage, type Connection, type SqlValue } from '../engine/connection';
import type { TestFile, TestStep } from './parse';

export type TestStatus = 'passed' | 'failed' | 'skipped';

export interface TestResult {
  readonly file: string;
  readonly line: number;
  /** E.g. "expect-rows: 3" or "setup"; with the line, what a reader recognises in the file. */
  readonly name: string;
  readonly status: TestStatus;
  readonly expected: string;
  readonly actual: string;
}

const SAVEPOINT = 'sqlite_migrations_test';

export function runTestFile(db: Connection, test: TestFile): TestResult[] {
  const results: TestResult[] = [];
  db.exec(`SAVEPOINT ${SAVEPOINT}`);
  try {
    let stopped = false;
    for (const step of test.steps) {
      if (stopped) {
        if (step.expect) results.push(result(test, step, 'skipped', 'not run: an earlier setup statement failed'));
        continue;
      }
      const r = runStep(db, test, step);
      if (r) results.push(r);
      if (r && !step.expect && r.status === 'failed') stopped = true;
    }
  } finally {
    rollBack(db);
  }
  return results;
}

function runStep(db: Connection, test: TestFile, step: TestStep): TestResult | undefined {
  const kind = step.expect?.kind;
  if (kind === 'expect-plan') return checkPlan(db, test, step);
  let rows: SqlValue[][];
  try {
    rows = db.all(step.sql) as SqlValue[][];
  } catch (e) {
    const message = errorMessage(e);
    keepSavepoint(db);
    if (kind === 'expect-error') return judge(test, step, message.includes(step.expect!.value), `an error containing "${step.expect!.value}"`, message);
    return result(test, step, 'failed', kind ? describe(step) : 'the statement succeeds', `error: ${message}`);
  }
  switch (kind) {
    case undefined:
      return undefined;
    case 'expect-error':
      return judge(test, step, false, `an error containing "${step.expect!.value}"`, rows.length ? `no error (${plural(rows.length, 'row')})` : 'no error');
    case 'expect-empty':
      return judge(test, step, rows.length === 0, 'no rows', rowsText(rows));
    case 'expect-rows':
      return judge(test, step, rows.length === Number(step.expect!.value), plural(Number(step.expect!.value), 'row'), plural(rows.length, 'row'));
    case 'expect': {
      const single = rows.length === 1 && rows[0].length === 1;
      const actual = single ? valueText(rows[0][0]) : rows.length === 1 ? `a row of ${rows[0].length} columns` : plural(rows.length, 'row');
      return judge(test, step, single && actual === step.expect!.value, step.expect!.value, actual);
    }
  }
}

function checkPlan(db: Connection, test: TestFile, step: TestStep): TestResult {
  const wanted = step.expect!.value;
  try {
    // EXPLAIN QUERY PLAN's rows: id, parent, notused, detail.
    const details = db.all(`EXPLAIN QUERY PLAN ${step.sql}`).map((r) => String(r[r.length - 1]));
    return judge(test, step, details.some((d) => d.includes(wanted)), `a plan containing "${wanted}"`, details.join('; ') || '(no plan)');
  } catch (e) {
    return result(test, step, 'failed', `a plan containing "${wanted}"`, `error: ${errorMessage(e)}`);
  }
}

/**
 * A statement with ON CONFLICT ROLLBACK (or RAISE(ROLLBACK)) ends the whole transaction, savepoint included; the
 * remaining statements would then commit. A new transaction and savepoint keep them inside something rolled back.
 */
function keepSavepoint(db: Connection): void {
  try {
    db.exec(`BEGIN; SAVEPOINT ${SAVEPOINT}`);
  } catch {
    // "cannot start a transaction within a transaction": the savepoint is still open, as it should be.
  }
}

function rollBack(db: Connection): void {
  db.exec(`ROLLBACK TO ${SAVEPOINT}; RELEASE ${SAVEPOINT}`);
}

function judge(test: TestFile, step: TestStep, passed: boolean, expected: string, actual: string): TestResult {
  return result(test, step, passed ? 'passed' : 'failed', expected, actual);
}

function result(test: TestFile, step: TestStep, status: TestStatus, expected: string, actual = ''): TestResult {
  return { file: test.file, line: step.line, name: describe(step), status, expected, actual };
}

function describe(step: TestStep): string {
  const e = step.expect;
  if (!e) return `setup: ${firstLine(step.sql)}`;
  return e.kind === 'expect-empty' ? 'expect-empty' : `${e.kind}: ${e.value}`;
}

function firstLine(sql: string): string {
  const line = sql.split('\n')[0];
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

/** As text, the way the annotation writes it: NULL for null, numbers as SQLite prints them, blobs as X'..'. */
export function valueText(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (v instanceof Uint8Array) return `X'${Buffer.from(v).toString('hex').toUpperCase()}'`;
  return String(v);
}

function rowsText(rows: SqlValue[][]): string {
  if (rows.length === 0) return 'no rows';
  const first = rows[0].map(valueText).join('|');
  return `${plural(rows.length, 'row')}, the first: ${first}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
