// Finds the features of `features.ts` in a statement's tokens and reports those newer than the target SQLite version.
import { splitStatements } from '../sql/script';
import { tokenize, type Token } from '../sql/tokens';
import { problem } from '../problems';
import { FEATURES, type Feature, type FeaturePattern } from './features';
import { quoteStatement, spanOf, type LintFinding } from './finding';
import type { LintedFile } from './statements';
import { compareVersions, parseVersion, versionText, type SqliteVersion } from './version';

/** A statement's tokens without spaces and comments, with the statement's text they index into. */
export interface Tokens {
  readonly sql: string;
  readonly list: readonly Token[];
}

/** Every use of a feature newer than `target` in the file, one finding per feature and statement, at its first token. */
export function targetFindings(f: LintedFile, target: SqliteVersion): LintFinding[] {
  const newer = FEATURES.filter((x) => compareVersions(requiredVersion(x), target) > 0);
  const findings: LintFinding[] = [];
  for (const s of splitStatements(f.text)) {
    const t: Tokens = { sql: s.text, list: [...tokenize(s.text)].filter((x) => x.type !== 'space' && x.type !== 'comment') };
    for (const x of newer) {
      const at = findFeature(t, x);
      if (at === undefined) continue;
      const span = spanOf(f.text, s.start + at.start, s.start + at.end);
      const detail = `${x.feature} ${x.plural ? 'need' : 'needs'} SQLite ${x.version}; the target is ${versionText(target)}`;
      const message = `${f.label}:${span.line}:${span.column}: ${detail}, in statement: ${quoteStatement(s.text)}`;
      findings.push({ ...problem('needs-newer-sqlite', message, { file: f.file, line: span.line }), ...span, detail, statement: s.text });
    }
  }
  return findings;
}

/** The version a feature needs; the data file's versions are all well formed (a test reads each). */
export function requiredVersion(x: Feature): SqliteVersion {
  const v = parseVersion(x.version);
  if (!v.ok) throw new Error(`features.ts: ${v.error}`);
  return v.value;
}

/** The first token of the feature's first use in the statement, or undefined. */
export function findFeature(t: Tokens, x: Feature): Token | undefined {
  for (const p of x.patterns) {
    const at = matchPattern(t, p);
    if (at !== undefined) return t.list[at];
  }
  return undefined;
}

function matchPattern(t: Tokens, p: FeaturePattern): number | undefined {
  if ('words' in p) return indexWhere(t, (i) => matchWords(t, i, p.words));
  if ('function' in p) return indexWhere(t, (i) => isCall(t, i, p.function));
  if ('pragma' in p) return pragmaAt(t, p.pragma);
  return RULES[p.rule](t);
}

function indexWhere(t: Tokens, test: (i: number) => boolean): number | undefined {
  for (let i = 0; i < t.list.length; i++) if (test(i)) return i;
  return undefined;
}

/** An unquoted word in upper case; a word right after "." is a name, never a keyword. */
export function keyword(t: Tokens, i: number): string | undefined {
  const token = t.list[i];
  if (!token || token.type !== 'word' || punct(t, i - 1) === '.') return undefined;
  return t.sql.slice(token.start, token.end).toUpperCase();
}

function punct(t: Tokens, i: number): string | undefined {
  const token = t.list[i];
  return token && token.type === 'punct' ? t.sql[token.start] : undefined;
}

function matchWords(t: Tokens, at: number, words: readonly string[]): boolean {
  let i = at;
  for (const w of words) {
    const optional = w.endsWith('?');
    const choices = (optional ? w.slice(0, -1) : w).split('|');
    const here = keyword(t, i) ?? punct(t, i);
    if (here !== undefined && choices.includes(here)) i++;
    else if (!optional) return false;
  }
  return true;
}

/** Words before "(" that make it a name with a column list (CREATE TABLE format(...)), not a call. */
const NOT_A_CALL = new Set(['TABLE', 'EXISTS', 'INTO', 'REFERENCES', 'ON', 'VIEW', 'INDEX', 'TRIGGER', 'UPDATE', 'FROM', 'JOIN']);

function isCall(t: Tokens, i: number, names: readonly string[]): boolean {
  const word = keyword(t, i);
  if (word === undefined || !names.includes(word.toLowerCase()) || punct(t, i + 1) !== '(') return false;
  const before = keyword(t, i - 1);
  return before === undefined || !NOT_A_CALL.has(before);
}

function pragmaAt(t: Tokens, name: string): number | undefined {
  if (keyword(t, 0) !== 'PRAGMA') return undefined;
  const at = punct(t, 2) === '.' ? 3 : 1;
  const token = t.list[at];
  return token && t.sql.slice(token.start, token.end).toLowerCase() === name ? at : undefined;
}

/** Paren depth before each token. */
function depths(t: Tokens): number[] {
  let depth = 0;
  return t.list.map((_, i) => {
    const before = depth;
    if (punct(t, i) === '(') depth++;
    else if (punct(t, i) === ')') depth--;
    return before;
  });
}

/** ALTER TABLE name ... : the index of the word after the table name (schema-qualified or not), else -1. */
function alterAction(t: Tokens): number {
  if (keyword(t, 0) !== 'ALTER' || keyword(t, 1) !== 'TABLE') return -1;
  return punct(t, 3) === '.' ? 5 : 3;
}

function createTable(t: Tokens): boolean {
  const second = keyword(t, 1);
  const object = second === 'TEMP' || second === 'TEMPORARY' ? keyword(t, 2) : second;
  return keyword(t, 0) === 'CREATE' && object === 'TABLE';
}

const RULES: Readonly<Record<Extract<FeaturePattern, { rule: string }>['rule'], (t: Tokens) => number | undefined>> = {
  // count(*) OVER (...) or OVER w: OVER right after a call's ")"
  over: (t) => indexWhere(t, (i) => keyword(t, i) === 'OVER' && punct(t, i - 1) === ')'),
  filter: (t) => indexWhere(t, (i) => keyword(t, i) === 'FILTER' && punct(t, i - 1) === ')' && punct(t, i + 1) === '('),
  // RENAME [COLUMN] a TO b; RENAME TO b renames the table, which every version has
  'rename-column': (t) => {
    const at = alterAction(t);
    return at > 0 && keyword(t, at) === 'RENAME' && keyword(t, at + 1) !== 'TO' ? at : undefined;
  },
  'drop-column': (t) => {
    const at = alterAction(t);
    return at > 0 && keyword(t, at) === 'DROP' ? at : undefined;
  },
  // name type AS (expr): inside CREATE TABLE's column list, or in ALTER TABLE ... ADD
  'generated-short': (t) => {
    const depth = depths(t);
    const want = createTable(t) ? 1 : alterAction(t) > 0 && keyword(t, alterAction(t)) === 'ADD' ? 0 : -1;
    return indexWhere(t, (i) => want >= 0 && depth[i] === want && keyword(t, i) === 'AS' && punct(t, i + 1) === '(');
  },
  // CREATE TABLE t (...) STRICT[, WITHOUT ROWID]: after the column list closes
  strict: (t) => {
    if (!createTable(t)) return undefined;
    const depth = depths(t);
    const close = t.list.findIndex((_, i) => punct(t, i) === ')' && depth[i] === 1);
    return indexWhere(t, (i) => close >= 0 && i > close && depth[i] === 0 && keyword(t, i) === 'STRICT');
  },
  arrow: (t) => indexWhere(t, (i) => punct(t, i) === '-' && punct(t, i + 1) === '>' && t.list[i].end === t.list[i + 1].start),
  // UPDATE t SET ... FROM ...: a FROM at the SET's own depth (a subquery's FROM is deeper)
  'update-from': (t) => {
    const depth = depths(t);
    let set = -1;
    for (let i = 0; i < t.list.length; i++) {
      const word = keyword(t, i);
      if (word === 'SET' && [2, 4, 6].some((k) => keyword(t, i - k) === 'UPDATE')) set = i;
      else if (set >= 0 && depth[i] === depth[set] && (word === 'WHERE' || word === 'RETURNING' || punct(t, i) === ';')) set = -1;
      else if (set >= 0 && depth[i] === depth[set] && word === 'FROM') return i;
    }
    return undefined;
  },
};
