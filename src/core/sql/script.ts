// Splits a migration file into statements the way SQLite's tokenizer sees them, so the runner can
// run them one at a time, name the line of the one that fails, and vet transaction control first.
import { fail, ok, type Problem, type Result } from '../model';
import { identifier, isPunct, significant, tokenize, type Token } from './tokens';
import { problem, type ProblemCode } from '../problems';

export type StatementKind =
  | 'begin'
  | 'commit'
  | 'rollback'
  | 'savepoint'
  | 'release'
  | 'vacuum'
  | 'journal-mode'
  | 'attach'
  | 'detach'
  | 'ledger-write'
  | 'ledger-ddl'
  | 'other';

export interface SqlStatement {
  /** From the statement's first token to its last, without the closing `;`. */
  readonly text: string;
  /** 1-based line of the statement's first token. */
  readonly line: number;
  /** Offsets of the statement's first character and just past its last, in the script's text (for editors' ranges). */
  readonly start: number;
  readonly end: number;
  readonly kind: StatementKind;
}

/** Tables the runner owns: a migration writing to them would fight the runner's own bookkeeping. */
const LEDGER_TABLES = new Set(['schema_migrations', 'schema_migrations_sql']);

const FIRST_WORD_KINDS: Readonly<Record<string, StatementKind>> = {
  BEGIN: 'begin',
  COMMIT: 'commit',
  END: 'commit',
  ROLLBACK: 'rollback',
  SAVEPOINT: 'savepoint',
  RELEASE: 'release',
  VACUUM: 'vacuum',
  ATTACH: 'attach',
  DETACH: 'detach',
};

const DML = new Set(['INSERT', 'REPLACE', 'UPDATE', 'DELETE']);

/** Why each refused kind cannot run inside the runner's transaction. */
const REFUSED: Partial<Record<StatementKind, string>> = {
  vacuum: 'VACUUM cannot run inside a transaction',
  'journal-mode': 'PRAGMA journal_mode changes how the database file is written and cannot be part of a migration',
  attach: 'ATTACH would let a migration reach another database file',
  detach: 'DETACH would let a migration reach another database file',
  rollback: "ROLLBACK would end the runner's transaction (a failing statement already rolls the whole migration back)",
  savepoint: "SAVEPOINT would interfere with the runner's transaction",
  release: "RELEASE would interfere with the runner's transaction",
  'ledger-ddl': 'a trigger, view or ALTER TABLE that refers to schema_migrations or schema_migrations_sql could rewrite the ledger the runner keeps',
};

export interface VettedScript {
  /** The statements to run, in order: transaction control and ledger writes taken out. */
  readonly run: SqlStatement[];
  readonly warnings: Problem[];
}

/**
 * Decides, before anything runs, what of a migration file the runner executes. BEGIN/COMMIT/END are
 * absorbed into the runner's own transaction so files written for the sqlite3 shell run as they are;
 * writes to schema_migrations are skipped because the runner records the migration itself.
 */
export function vetScript(sql: string, where: { readonly file?: string; readonly label: string }): Result<VettedScript> {
  const run: SqlStatement[] = [];
  const warnings: Problem[] = [];
  for (const s of splitStatements(sql)) {
    const refused = REFUSED[s.kind];
    if (refused) {
      return fail(at(where, s.line, 'statement-refused', 'error', `${refused}; remove it. Nothing was run.`));
    }
    if (s.kind === 'ledger-write') {
      const why = 'writes to schema_migrations; skipped, because the runner records each migration in the ledger itself';
      warnings.push(at(where, s.line, 'ledger-write-skipped', 'warning', why + '.'));
    } else if (s.kind !== 'begin' && s.kind !== 'commit') {
      run.push(s);
    }
  }
  return ok({ run, warnings });
}

function at(where: { file?: string; label: string }, line: number, code: ProblemCode, severity: Problem['severity'], text: string): Problem {
  return problem(code, `${where.label}:${line}: ${text}`, { severity, file: where.file, line });
}

/** Whether a statement writes rows: INSERT, REPLACE, UPDATE or DELETE, also after WITH (a trigger's body does not count). */
export function writesRows(statement: string): boolean {
  const tokens = significant(statement);
  const first = keywordAt(statement, tokens, 0);
  if (first === undefined) {
    return false;
  }
  return first === 'WITH' ? dmlAfterWith(statement, tokens) >= 0 : DML.has(first);
}

export function splitStatements(sql: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let current: Token[] = [];
  const trigger = new TriggerTracker();
  for (const token of tokenize(sql)) {
    if (token.type === 'space' || token.type === 'comment') {
      continue;
    }
    if (token.type === 'semi' && !trigger.inBody) {
      pushStatement(sql, current, statements);
      current = [];
      trigger.reset();
      continue;
    }
    current.push(token);
    trigger.see(sql, current);
  }
  pushStatement(sql, current, statements);
  return statements;
}

function pushStatement(sql: string, tokens: readonly Token[], out: SqlStatement[]): void {
  if (tokens.length === 0) {
    return;
  }
  const start = tokens[0].start;
  const end = tokens[tokens.length - 1].end;
  out.push({ text: sql.slice(start, end), line: tokens[0].line, start, end, kind: classify(sql, tokens) });
}

/**
 * CREATE [TEMP] TRIGGER bodies hold `;`-terminated statements between BEGIN and END. CASE ... END
 * may occur in the WHEN clause and in the body, so END only closes the body when no CASE is open.
 */
class TriggerTracker {
  private isTrigger = false;
  private bodyStarted = false;
  private caseDepth = 0;
  inBody = false;

  reset(): void {
    this.isTrigger = this.bodyStarted = this.inBody = false;
    this.caseDepth = 0;
  }

  see(sql: string, tokens: readonly Token[]): void {
    if (tokens.length <= 3) {
      this.isTrigger = startsTrigger(sql, tokens);
    }
    const word = keywordAt(sql, tokens, tokens.length - 1);
    if (!this.isTrigger || word === undefined) {
      return;
    }
    if (word === 'CASE') {
      this.caseDepth++;
    } else if (word === 'BEGIN' && !this.bodyStarted && this.caseDepth === 0) {
      this.bodyStarted = this.inBody = true;
    } else if (word === 'END' && this.caseDepth > 0) {
      this.caseDepth--;
    } else if (word === 'END' && this.inBody) {
      this.inBody = false;
    }
  }
}

function startsTrigger(sql: string, tokens: readonly Token[]): boolean {
  const w = (i: number) => keywordAt(sql, tokens, i);
  if (w(0) !== 'CREATE') {
    return false;
  }
  return w(1) === 'TRIGGER' || ((w(1) === 'TEMP' || w(1) === 'TEMPORARY') && w(2) === 'TRIGGER');
}

/** An unquoted word in upper case; a word right after `.` is a column or table name, never a keyword. */
function keywordAt(sql: string, tokens: readonly Token[], i: number): string | undefined {
  const token = tokens[i];
  if (!token || token.type !== 'word') {
    return undefined;
  }
  const before = tokens[i - 1];
  if (before && before.type === 'punct' && sql[before.start] === '.') {
    return undefined;
  }
  return sql.slice(token.start, token.end).toUpperCase();
}

function classify(sql: string, tokens: readonly Token[]): StatementKind {
  const first = keywordAt(sql, tokens, 0);
  if (first === undefined) {
    return 'other';
  }
  if (first in FIRST_WORD_KINDS) {
    return FIRST_WORD_KINDS[first];
  }
  if (touchesLedgerDefinition(sql, tokens, first)) {
    return 'ledger-ddl';
  }
  if (first === 'PRAGMA') {
    return pragmaName(sql, tokens)?.toLowerCase() === 'journal_mode' ? 'journal-mode' : 'other';
  }
  const dml = first === 'WITH' ? dmlAfterWith(sql, tokens) : DML.has(first) ? 0 : -1;
  return dml >= 0 && writesLedger(sql, tokens, dml) ? 'ledger-write' : 'other';
}

/** CREATE [TEMP] TRIGGER|VIEW, DROP TRIGGER|VIEW, ALTER TABLE naming a ledger table anywhere in its text (a rename, a trigger body). */
function touchesLedgerDefinition(sql: string, tokens: readonly Token[], first: string): boolean {
  const second = keywordAt(sql, tokens, 1);
  const object = second === 'TEMP' || second === 'TEMPORARY' ? keywordAt(sql, tokens, 2) : second;
  const ddl = (first === 'CREATE' && (object === 'TRIGGER' || object === 'VIEW')) || (first === 'DROP' && (second === 'TRIGGER' || second === 'VIEW')) || (first === 'ALTER' && second === 'TABLE');
  return ddl && tokens.some((t) => t.type !== 'comment' && LEDGER_TABLES.has((identifier(sql, t) ?? '').toLowerCase()));
}

/** PRAGMA [schema.]name ... */
function pragmaName(sql: string, tokens: readonly Token[]): string | undefined {
  const qualified = isPunct(sql, tokens[2], '.');
  return identifier(sql, tokens[qualified ? 3 : 1]);
}

/** Skips the common table expressions to the statement they prefix; -1 when that is not a write. */
function dmlAfterWith(sql: string, tokens: readonly Token[]): number {
  let depth = 0;
  for (let i = 1; i < tokens.length; i++) {
    if (isPunct(sql, tokens[i], '(')) {
      depth++;
    } else if (isPunct(sql, tokens[i], ')')) {
      depth--;
    } else if (depth === 0) {
      const word = keywordAt(sql, tokens, i);
      if (word !== undefined && DML.has(word)) {
        return i;
      }
      if (word === 'SELECT' || word === 'VALUES') {
        return -1;
      }
    }
  }
  return -1;
}

/** INSERT [OR x] INTO t, REPLACE INTO t, UPDATE [OR x] t, DELETE FROM t; t may be main-qualified and quoted. */
function writesLedger(sql: string, tokens: readonly Token[], at: number): boolean {
  let i = at + 1;
  if (keywordAt(sql, tokens, i) === 'OR') {
    i += 2;
  }
  const word = keywordAt(sql, tokens, i);
  if (word === 'INTO' || word === 'FROM') {
    i++;
  }
  let schema: string | undefined;
  let table = identifier(sql, tokens[i]);
  if (isPunct(sql, tokens[i + 1], '.')) {
    schema = table;
    table = identifier(sql, tokens[i + 2]);
  }
  const inMain = schema === undefined || schema.toLowerCase() === 'main';
  return inMain && table !== undefined && LEDGER_TABLES.has(table.toLowerCase());
}
