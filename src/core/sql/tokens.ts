// SQLite's lexical rules, enough to split a script into statements and read their first words.

export type TokenType = 'word' | 'ident' | 'string' | 'comment' | 'space' | 'semi' | 'punct';

export interface Token {
  readonly type: TokenType;
  readonly start: number;
  readonly end: number;
  /** 1-based line of the token's first character. */
  readonly line: number;
}

/** SQLite's lexical rules: '' escapes in strings, "" and `` in identifiers, [..] with no escape, -- and /* comments. */
export function* tokenize(sql: string): Generator<Token> {
  let pos = 0;
  let line = 1;
  while (pos < sql.length) {
    const start = pos;
    const type = scanToken(sql, start);
    pos = type.end;
    yield { type: type.type, start, end: pos, line };
    for (let i = start; i < pos; i++) {
      if (sql.charCodeAt(i) === 10) {
        line++;
      }
    }
  }
}

function scanToken(sql: string, at: number): { type: TokenType; end: number } {
  const c = sql[at];
  const next = sql[at + 1];
  if (/\s/.test(c)) {
    return { type: 'space', end: skipWhile(sql, at, (ch) => /\s/.test(ch)) };
  }
  if (c === '-' && next === '-') {
    const nl = sql.indexOf('\n', at);
    return { type: 'comment', end: nl === -1 ? sql.length : nl };
  }
  if (c === '/' && next === '*') {
    const close = sql.indexOf('*/', at + 2);
    return { type: 'comment', end: close === -1 ? sql.length : close + 2 };
  }
  if (c === "'") {
    return { type: 'string', end: scanQuoted(sql, at, "'") };
  }
  if (c === '"' || c === '`') {
    return { type: 'ident', end: scanQuoted(sql, at, c) };
  }
  if (c === '[') {
    const close = sql.indexOf(']', at + 1);
    return { type: 'ident', end: close === -1 ? sql.length : close + 1 };
  }
  if (c === ';') {
    return { type: 'semi', end: at + 1 };
  }
  if (isWordChar(c)) {
    return { type: 'word', end: skipWhile(sql, at, isWordChar) };
  }
  return { type: 'punct', end: at + 1 };
}

/** A doubled quote is an escaped quote; an unterminated literal runs to the end (SQLite then reports it). */
function scanQuoted(sql: string, at: number, quote: string): number {
  let pos = at + 1;
  for (;;) {
    const close = sql.indexOf(quote, pos);
    if (close === -1) {
      return sql.length;
    }
    if (sql[close + 1] !== quote) {
      return close + 1;
    }
    pos = close + 2;
  }
}

function skipWhile(sql: string, at: number, test: (ch: string) => boolean): number {
  let pos = at;
  while (pos < sql.length && test(sql[pos])) {
    pos++;
  }
  return pos;
}

function isWordChar(ch: string): boolean {
  return /[A-Za-z0-9_$]/.test(ch) || ch.charCodeAt(0) >= 0x80;
}

/** The tokens of SQL that SQLite reads: no whitespace, no comments. */
export function significant(sql: string): Token[] {
  return [...tokenize(sql)].filter((t) => t.type !== 'space' && t.type !== 'comment');
}

/** A bare word in upper case (a keyword, or a name SQLite reads as one), else undefined. */
export function keyword(sql: string, t: Token | undefined): string | undefined {
  return t && t.type === 'word' ? sql.slice(t.start, t.end).toUpperCase() : undefined;
}

export function isPunct(sql: string, token: Token | undefined, char: string): boolean {
  return token !== undefined && token.type === 'punct' && sql[token.start] === char;
}

/** The name a word, quoted identifier or (as SQLite also accepts) string literal stands for. */
export function identifier(sql: string, token: Token | undefined): string | undefined {
  if (!token) return undefined;
  const raw = sql.slice(token.start, token.end);
  if (token.type === 'word') return raw;
  if (token.type !== 'ident' && token.type !== 'string') return undefined;
  const open = raw[0];
  const close = open === '[' ? ']' : open;
  const inner = raw.endsWith(close) && raw.length > 1 ? raw.slice(1, -1) : raw.slice(1);
  return open === '[' ? inner : inner.split(close + close).join(close);
}
