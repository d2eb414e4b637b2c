// JUnit XML, the report format every CI system reads: one testsuite per migration, one testcase per assertion
// and one for its reversibility.
import { fileLabel } from '../core/migrations/label';
import type { Problem } from '../core/model';
import type { SuiteReport } from '../core/testing/suite';

interface Case {
  readonly name: string;
  readonly file?: string;
  readonly line?: number;
  readonly failure?: string;
  readonly skipped?: boolean;
}

/**
 * `migrationOf`: the migration a file belongs to (its up, down or test file), so a migration that could not be
 * applied is a failed case in its own suite; only what belongs to none (a stopped run) goes in "sqlite-migrations".
 */
export function junitXml(r: SuiteReport, migrationOf: (file: string) => string | undefined = () => undefined): string {
  const suites = new Map<string, Case[]>();
  const add = (suite: string, c: Case) => (suites.get(suite) ?? suites.set(suite, []).get(suite)!).push(c);
  for (const t of r.tests) {
    const failure = t.status === 'failed' ? `expected: ${t.expected}\nactual: ${t.actual}` : undefined;
    add(t.migration, { name: `${fileLabel(t.file)}:${t.line} ${t.name}`, file: t.file, line: t.line, failure, skipped: t.status === 'skipped' });
  }
  for (const x of r.reversibility) add(x.migration, { name: 'reversible', failure: x.status === 'failed' ? x.differences.join('\n') : undefined });
  const where = (p: Problem) => (p.file ? `${fileLabel(p.file)}${p.line ? `:${p.line}` : ''}` : p.code);
  for (const p of r.problems) add((p.file && migrationOf(p.file)) || 'sqlite-migrations', { name: where(p), file: p.file, line: p.line, failure: p.message });
  for (const p of r.failures) {
    const migration = p.file ? migrationOf(p.file) : undefined;
    const name = !migration ? where(p) : p.code === 'not-reversible' ? 'applies again after its down file' : 'applies';
    add(migration ?? 'sqlite-migrations', { name, file: p.file, line: p.line, failure: p.message });
  }
  const all = [...suites.values()].flat();
  const body = [...suites].map(([name, cases]) => suiteXml(name, cases)).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sqlite-migrations test" tests="${all.length}" failures="${count(all)}">\n${body}</testsuites>\n`;
}

function suiteXml(name: string, cases: readonly Case[]): string {
  const skipped = cases.filter((c) => c.skipped).length;
  const lines = cases.map((c) => {
    const attrs = `name="${esc(c.name)}" classname="${esc(name)}"${c.file ? ` file="${esc(c.file)}"` : ''}${c.line ? ` line="${c.line}"` : ''}`;
    if (c.failure !== undefined) return `    <testcase ${attrs}><failure message="${esc(c.failure.split('\n')[0])}">${esc(c.failure)}</failure></testcase>\n`;
    return c.skipped ? `    <testcase ${attrs}><skipped/></testcase>\n` : `    <testcase ${attrs}/>\n`;
  });
  return `  <testsuite name="${esc(name)}" tests="${cases.length}" failures="${count(cases)}" skipped="${skipped}">\n${lines.join('')}  </testsuite>\n`;
}

function count(cases: readonly Case[]): number {
  return cases.filter((c) => c.failure !== undefined).length;
}

/** XML 1.0 escapes; control characters XML cannot hold at all become U+FFFD. */
function esc(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
