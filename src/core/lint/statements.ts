// Runs one file's statements on the scratch schema and turns each failure into a finding at its statement, or at the
// token SQLite's message names ("no such column: titel" underlines `titel`).
import { errorMessage, type Connection } from '../engine/connection';
import { vetScript, type SqlStatement } from '../sql/script';
import { identifier, tokenize, type Token } from '../sql/tokens';
import { problem } from '../problems';
import { quoteStatement, spanOf, type LintFinding } from './finding';

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
  for (const s of vetted.value.run) {
    let message: string | undefined;
    try {
      if (!db.runSingle(s.text)) message = 'SQLite reads more than one statement here; split it with ";"';
    } catch (e) {
      message = errorMessage(e);
    }
    if (message === undefined) continue;
    const note = explain?.(message);
    findings.push(statementFinding(f, s, note ? `${message} ${note}` : message));
  }
  return findings;
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
