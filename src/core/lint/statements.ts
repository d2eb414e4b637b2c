// Runs one file's statements on the scratch schema and turns each failure into a finding at its statement, or at the
// token SQLite's message names ("no such column: titel" underlines `titel`).
import { column, errorMessage, type Connection } from '../engine/connection';
import { vetScript, type SqlStatement } from '../sql/script';
import { identifier, tokenize, type Token } from '../sql/tokens';
import { problem } from '../problems';
import { quoteStatement, spanOf, type LintFinding } from './finding';
import { standInFor } from './standIn';

export interface LintedFile {
  readonly file: string;
  /** The file's name as the messages say it (a dbmate down section: "NAME.sql (down)"). */
  readonly label: string;
  readonly text: string;
}

/**
 * Runs each statement (none is skipped after a failure, so every mistake shows at once); the findings, in order.
 * `explain` may add a note to SQLite's message (where a missing table went).
 */
export function runStatements(db: Connection, f: LintedFile, explain?: (message: string) => string | undefined): LintFinding[] {
  const vetted = vetScript(f.text, { file: f.file, label: f.label });
  if (!vetted.ok) return [{ ...vetted.error, ...lineSpan(f.text, vetted.error.line ?? 1), detail: vetted.error.message }];
  const findings: LintFinding[] = [];
  let modules: Set<string> | undefined;
  for (const s of vetted.value.run) {
    modules ??= new Set(column(db, 'PRAGMA module_list').map((m) => String(m).toLowerCase()));
    const standIn = standInFor(s.text, modules);
    let message: string | undefined;
    try {
      if (!db.runSingle(standIn?.sql ?? s.text)) message = 'SQLite reads more than one statement here; split it with ";"';
    } catch (e) {
      message = errorMessage(e);
    }
    if (standIn && message === undefined) findings.push(uncheckedFinding(f, s, standIn.module, standIn.table));
    if (message === undefined) continue;
    const note = explain?.(message);
    findings.push(statementFinding(f, s, note ? `${message} ${note}` : message));
  }
  return findings;
}

/** Said, not counted: the statement is valid where its module exists, which is not where the checks ran. */
function uncheckedFinding(f: LintedFile, s: SqlStatement, module: string, table: string): LintFinding {
  const span = spanOf(f.text, s.start, s.end);
  const detail = `not checked: the SQLite these checks run on has no ${module} module, so an ordinary table with the same columns stands in for ${table}`;
  return { ...problem('module-unchecked', `${f.label}:${span.line}:${span.column}: ${detail}.`, { file: f.file, line: span.line, severity: 'info' }), ...span, detail, statement: s.text };
}

function statementFinding(f: LintedFile, s: SqlStatement, message: string): LintFinding {
  const token = namedToken(s.text, message);
  const span = token ? spanOf(f.text, s.start + token.start, s.start + token.end) : spanOf(f.text, s.start, s.end);
  const text = `${f.label}:${span.line}:${span.column}: ${message}, in statement: ${quoteStatement(s.text)}`;
  return { ...problem('sql-error', text, { file: f.file, line: span.line }), ...span, detail: message, statement: s.text };
}

/** Messages that name the token at fault, and which of its occurrences is the one (a duplicate is the later one). */
const NAMED: readonly { readonly pattern: RegExp; readonly which: 'first' | 'last'; readonly raw?: boolean }[] = [
  { pattern: /no such column: "?([^"\s]+)/, which: 'first' },
  { pattern: /no such table: "?([^"\s]+)/, which: 'first' },
  { pattern: /no such index: "?([^"\s]+)/, which: 'first' },
  { pattern: /no such function: "?([^"\s]+)/, which: 'first' },
  { pattern: /no such collation sequence: "?([^"\s]+)/, which: 'first' },
  { pattern: /has no column named "?([^"\s]+)/, which: 'first' },
  { pattern: /ambiguous column name: "?([^"\s]+)/, which: 'first' },
  { pattern: /duplicate column name: "?([^"\s]+)/, which: 'last' },
  { pattern: /^(?:table|index|view|trigger) "?([^"\s]+?)"? already exists/, which: 'first' },
  { pattern: /near "([^"]+)": syntax error/, which: 'first', raw: true },
];

/** The token the message names, offsets relative to the statement; undefined when it names none we can find. */
export function namedToken(statement: string, message: string): Token | undefined {
  for (const { pattern, which, raw } of NAMED) {
    const match = pattern.exec(message);
    if (!match) continue;
    const name = raw ? match[1] : match[1].split('.').pop()!.toLowerCase();
    const hits = [...tokenize(statement)].filter((t) => t.type !== 'comment' && t.type !== 'space' && (raw ? statement.slice(t.start, t.end) === name : identifier(statement, t)?.toLowerCase() === name));
    return which === 'first' ? hits[0] : hits[hits.length - 1];
  }
  return undefined;
}

/** A whole line as a finding's place, for problems that know only their line. */
export function lineSpan(text: string, line: number): Pick<LintFinding, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const lines = text.split('\n');
  return { line, column: 1, endLine: line, endColumn: (lines[line - 1]?.length ?? 0) + 1 };
}
