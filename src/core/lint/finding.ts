// What `lint` reports: a problem with the exact place in the text (line and column, 1-based, and where it ends), so
// the CLI can print file:line:column and the editor can underline the statement or the token SQLite names.
import type { Problem } from '../model';

export interface LintFinding extends Problem {
  /** 1-based column of the finding's first character; `line` is its line. */
  readonly column: number;
  readonly endLine: number;
  /** 1-based column just past the finding's last character. */
  readonly endColumn: number;
  /** The statement concerned, as written (absent for a note about the whole file). */
  readonly statement?: string;
  /** The message alone (SQLite's, or the feature and version), without the place: what an editor shows at the place. */
  readonly detail: string;
}

/** 1-based line and column of an offset in a text. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The span [start, end) of a text as a finding's place. */
export function spanOf(text: string, start: number, end: number): Pick<LintFinding, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const a = positionAt(text, start);
  const b = positionAt(text, end);
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

/** A statement flattened to one line and cut at 200 characters, as the runner quotes it. */
export function quoteStatement(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `"${flat.slice(0, 200)}…"` : `"${flat}"`;
}
