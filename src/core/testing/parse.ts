// Reads a migration's test file (NAME.test.sql): statements in order, each optionally preceded by one annotation
// comment saying what it must produce. Anything the file gets wrong is one error naming file:line, before anything runs.
import { fail, ok, type Problem, type Result } from '../model';
import { problem } from '../problems';
import { splitStatements, type StatementKind } from '../sql/script';
import { tokenize } from '../sql/tokens';

export type AnnotationKind = 'expect' | 'expect-rows' | 'expect-empty' | 'expect-error' | 'expect-plan';

export interface TestStep {
  /** 1-based line of the statement's first token. */
  readonly line: number;
  readonly sql: string;
  /** Absent: a setup statement, which must succeed. */
  readonly expect?: { readonly kind: AnnotationKind; readonly value: string; readonly line: number };
}

export interface TestFile {
  readonly file: string;
  readonly label: string;
  readonly steps: readonly TestStep[];
}

const KINDS: readonly AnnotationKind[] = ['expect', 'expect-rows', 'expect-empty', 'expect-error', 'expect-plan'];

/** `-- expect...` followed by a colon or nothing: the shape of an annotation. Prose such as "-- Expected: ..." is a plain comment. */
const ANNOTATION = /^--\s*(expect[a-z-]*)\s*(?::(.*))?$/;

/** These would end or escape the savepoint every test runs in, so a test could change the database. */
const REFUSED: Partial<Record<StatementKind, string>> = {
  begin: 'BEGIN', commit: 'COMMIT or END', rollback: 'ROLLBACK', savepoint: 'SAVEPOINT', release: 'RELEASE', vacuum: 'VACUUM', attach: 'ATTACH', detach: 'DETACH', 'journal-mode': 'PRAGMA journal_mode',
};

export function parseTestFile(text: string, file: string, label: string): Result<TestFile> {
  const scanned = scanTestFile(text, file, label);
  return scanned.problems.length ? fail(scanned.problems[0]) : ok({ file, label, steps: scanned.steps });
}

/**
 * Every problem of a test file, each at its line, for the editor to flag while it is typed (the first one is what
 * `parseTestFile` reports). A bad annotation is left out and the scan goes on, so one typo does not hide the next.
 */
export function testFileProblems(text: string, file: string, label: string): Problem[] {
  return scanTestFile(text, file, label).problems;
}

function scanTestFile(text: string, file: string, label: string): { steps: TestStep[]; problems: Problem[] } {
  const sql = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const problems: Problem[] = [];
  const pending = readAnnotations(sql, label, file, problems);
  const steps: TestStep[] = [];
  for (const s of splitStatements(sql)) {
    const mine = takeBefore(pending, s.line);
    const refused = REFUSED[s.kind];
    if (refused) problems.push(at(file, label, s.line, `${refused} cannot be used in a test: every test runs inside a savepoint that is rolled back.`));
    if (mine.length > 1) problems.push(at(file, label, mine[1].line, `a second annotation for the statement at line ${s.line}; each statement takes at most one.`));
    steps.push({ line: s.line, sql: s.text, ...(mine[0] ? { expect: mine[0] } : {}) });
  }
  for (const dangling of pending) problems.push(at(file, label, dangling.line, `-- ${dangling.kind} is followed by no statement.`));
  return { steps, problems };
}

type Annotation = NonNullable<TestStep['expect']>;

/** The file's annotations in order; each malformed one becomes a problem instead. */
function readAnnotations(sql: string, label: string, file: string, problems: Problem[]): Annotation[] {
  const out: Annotation[] = [];
  for (const token of tokenize(sql)) {
    if (token.type !== 'comment' || !sql.startsWith('--', token.start)) continue;
    const m = ANNOTATION.exec(sql.slice(token.start, token.end).trimEnd());
    if (!m) continue;
    const checked = checkAnnotation(m[1], m[2], token.line, label, file);
    if (checked.ok) out.push(checked.value);
    else problems.push(checked.error);
  }
  return out;
}

function checkAnnotation(name: string, raw: string | undefined, line: number, label: string, file: string): Result<Annotation> {
  const kind = KINDS.find((k) => k === name);
  if (!kind) return fail(at(file, label, line, `unknown annotation "-- ${name}"; expected one of ${KINDS.map((k) => `-- ${k}`).join(', ')}.`));
  const value = raw?.trim();
  if (kind === 'expect-empty') {
    return value ? fail(at(file, label, line, `-- expect-empty takes no value (found "${value}").`)) : ok({ kind, value: '', line });
  }
  if (value === undefined) return fail(at(file, label, line, `-- ${kind} needs a value after a colon, e.g. "-- ${kind}: ${kind === 'expect-rows' ? '3' : 'text'}".`));
  if (kind === 'expect-rows' && !/^\d+$/.test(value)) return fail(at(file, label, line, `-- expect-rows takes a whole number, not "${value}".`));
  if ((kind === 'expect-error' || kind === 'expect-plan') && value === '') return fail(at(file, label, line, `-- ${kind} needs the text to look for.`));
  return ok({ kind, value, line });
}

/** Removes and returns the annotations written before `line` (those of this statement). */
function takeBefore(pending: Annotation[], line: number): Annotation[] {
  let n = 0;
  while (n < pending.length && pending[n].line < line) n++;
  return pending.splice(0, n);
}

function at(file: string, label: string, line: number, text: string): Problem {
  return problem('bad-test', `${label}:${line}: ${text}`, { severity: 'error', file, line });
}
