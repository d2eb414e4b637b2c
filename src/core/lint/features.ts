// The SQL features newer than SQLite 3.24 that a migration may use, the version each needs, and the release note
// that says so. Data only: `target.ts` reads each pattern off the tokenizer's tokens (so comments and strings never
// match). Math functions also need SQLITE_ENABLE_MATH_FUNCTIONS, which the official builds have set since 3.35.0.

/**
 * How a feature shows in a statement:
 * - `words`: keywords in sequence; "A|B" either one, a trailing "?" optional, "(" the punctuation;
 * - `function`: a call of one of the names (a name followed by "(", not after TABLE, INTO, REFERENCES, ON or ".");
 * - `pragma`: PRAGMA [schema.]name;
 * - `rule`: a shape that needs more than a sequence, read by its own code in `target.ts`.
 */
export type FeaturePattern =
  | { readonly words: readonly string[] }
  | { readonly function: readonly string[] }
  | { readonly pragma: string }
  | { readonly rule: 'over' | 'filter' | 'rename-column' | 'drop-column' | 'generated-short' | 'strict' | 'arrow' | 'update-from' };

export interface Feature {
  readonly feature: string;
  /** The first SQLite release that has it. */
  readonly version: string;
  /** SQLite's release notes for that version. */
  readonly source: string;
  readonly patterns: readonly FeaturePattern[];
  /** The name is plural ("STRICT tables"), so the message says "need", not "needs". */
  readonly plural?: true;
}

const notes = (v: string) => `https://sqlite.org/releaselog/${v.replace(/\./g, '_')}.html`;

function feature(name: string, version: string, ...patterns: FeaturePattern[]): Feature {
  return { feature: name, version, source: notes(version), patterns };
}

/** A feature whose name is plural: "generated columns need SQLite 3.31.0". */
function features(name: string, version: string, ...patterns: FeaturePattern[]): Feature {
  return { ...feature(name, version, ...patterns), plural: true };
}

const MATH = ['acos', 'acosh', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'ceil', 'ceiling', 'cos', 'cosh', 'degrees', 'exp', 'floor', 'ln', 'log', 'log10', 'log2', 'mod', 'pi', 'pow', 'power', 'radians', 'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'trunc'];
const JSONB = ['jsonb', 'jsonb_array', 'jsonb_object', 'jsonb_extract', 'jsonb_insert', 'jsonb_replace', 'jsonb_set', 'jsonb_remove', 'jsonb_patch', 'jsonb_group_array', 'jsonb_group_object'];

export const FEATURES: readonly Feature[] = [
  feature('UPSERT (ON CONFLICT ... DO)', '3.24.0', { words: ['ON', 'CONFLICT', '(|DO'] }),
  features('window functions (OVER)', '3.25.0', { rule: 'over' }),
  feature('ALTER TABLE ... RENAME COLUMN', '3.25.0', { rule: 'rename-column' }),
  feature('FILTER on aggregate functions', '3.30.0', { rule: 'filter' }),
  feature('NULLS FIRST / NULLS LAST', '3.30.0', { words: ['NULLS', 'FIRST|LAST'] }),
  features('generated columns', '3.31.0', { words: ['GENERATED', 'ALWAYS'] }, { rule: 'generated-short' }),
  feature('PRAGMA trusted_schema', '3.31.0', { pragma: 'trusted_schema' }),
  feature('PRAGMA hard_heap_limit', '3.31.0', { pragma: 'hard_heap_limit' }),
  feature('iif()', '3.32.0', { function: ['iif'] }),
  feature('PRAGMA analysis_limit', '3.32.0', { pragma: 'analysis_limit' }),
  feature('UPDATE ... FROM', '3.33.0', { rule: 'update-from' }),
  feature('ALTER TABLE ... DROP COLUMN', '3.35.0', { rule: 'drop-column' }),
  feature('RETURNING', '3.35.0', { words: ['RETURNING'] }),
  features('math functions', '3.35.0', { function: MATH }),
  features('MATERIALIZED / NOT MATERIALIZED common table expressions', '3.35.0', { words: ['AS', 'NOT?', 'MATERIALIZED', '('] }),
  features('STRICT tables', '3.37.0', { rule: 'strict' }),
  feature('PRAGMA table_list', '3.37.0', { pragma: 'table_list' }),
  features('the -> and ->> operators', '3.38.0', { rule: 'arrow' }),
  feature('unixepoch()', '3.38.0', { function: ['unixepoch'] }),
  feature('format()', '3.38.0', { function: ['format'] }),
  features('RIGHT and FULL OUTER JOIN', '3.39.0', { words: ['RIGHT|FULL', 'OUTER?', 'JOIN'] }),
  feature('IS [NOT] DISTINCT FROM', '3.39.0', { words: ['IS', 'NOT?', 'DISTINCT', 'FROM'] }),
  feature('unhex()', '3.41.0', { function: ['unhex'] }),
  features('octet_length() and timediff()', '3.43.0', { function: ['octet_length', 'timediff'] }),
  features('concat(), concat_ws() and string_agg()', '3.44.0', { function: ['concat', 'concat_ws', 'string_agg'] }),
  features('JSONB functions', '3.45.0', { function: JSONB }),
  feature('json_pretty()', '3.46.0', { function: ['json_pretty'] }),
  feature('if()', '3.48.0', { function: ['if'] }),
  feature('unistr()', '3.50.0', { function: ['unistr'] }),
];
