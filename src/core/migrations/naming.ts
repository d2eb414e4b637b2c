import { fail, ok, type Problem, type Result } from '../model';
import { problem, type ProblemCode } from '../problems';

/** What a migration file name says: `002_add_task_tags.sql` or `002_add_task_tags.down.sql`. */
export interface ParsedName {
  readonly sequence: number;
  /** The sequence as written, leading zeros kept: it is the fallback version and part of the name. */
  readonly sequenceText: string;
  readonly slug: string;
  readonly direction: 'up' | 'down';
}

/** The smallest sequence width the spec's `001_...` convention allows. */
export const MIN_SEQUENCE_WIDTH = 3;

const UP_SUFFIX = '.sql';
const DOWN_SUFFIX = '.down.sql';
const SNAKE_CASE = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;
const MAX_SLUG_LENGTH = 60;

/**
 * Whether discovery should look at this entry at all. Anything not ending in `.sql` (README.md,
 * `.sql.sha256` checksum files) and dotfiles (editor swap files, `.DS_Store`) are none of our business.
 */
export function isMigrationCandidate(fileName: string): boolean {
  return !fileName.startsWith('.') && fileName.toLowerCase().endsWith(UP_SUFFIX);
}

/** The file name without `.sql` / `.down.sql`: the migration's `name`. */
export function baseName(parsed: ParsedName): string {
  return `${parsed.sequenceText}_${parsed.slug}`;
}

export function parseMigrationFileName(fileName: string): Result<ParsedName> {
  const lower = fileName.toLowerCase();
  if (!lower.endsWith(UP_SUFFIX)) {
    return badName(fileName, 'it does not end in .sql');
  }
  const isDown = lower.endsWith(DOWN_SUFFIX);
  const suffixLength = isDown ? DOWN_SUFFIX.length : UP_SUFFIX.length;
  const suffix = fileName.slice(-suffixLength);
  if (suffix !== suffix.toLowerCase()) {
    return fail(nameProblem('uppercase-extension', fileName, `the extension must be lower-case "${suffix.toLowerCase()}", not "${suffix}"`));
  }
  const stem = fileName.slice(0, -suffixLength);
  const parsed = parseStem(stem, fileName);
  if (!parsed.ok) {
    return parsed;
  }
  return ok({ ...parsed.value, direction: isDown ? 'down' : 'up' });
}

function parseStem(stem: string, fileName: string): Result<Omit<ParsedName, 'direction'>> {
  const digits = /^\d*/.exec(stem)![0];
  if (digits.length === 0) {
    return badName(fileName, 'it must start with a sequence number, e.g. 001_create_users.sql');
  }
  if (digits.length < MIN_SEQUENCE_WIDTH) {
    const padded = digits.padStart(MIN_SEQUENCE_WIDTH, '0');
    return badName(fileName, `the sequence "${digits}" needs at least ${MIN_SEQUENCE_WIDTH} digits, e.g. "${padded}"`);
  }
  const sequence = Number(digits);
  if (!Number.isSafeInteger(sequence)) {
    return badName(fileName, `the sequence "${digits}" is too large`);
  }
  const rest = stem.slice(digits.length);
  if (!rest.startsWith('_')) {
    return badName(fileName, `an underscore must follow the sequence, e.g. "${digits}_add_users"`);
  }
  const slug = rest.slice(1);
  if (slug.length === 0) {
    return badName(fileName, 'a description must follow the sequence, e.g. "_add_users"');
  }
  if (!SNAKE_CASE.test(slug)) {
    return badName(fileName, `"${slug}" is not snake_case (lower-case letters, digits, single underscores between words)`);
  }
  return ok({ sequence, sequenceText: digits, slug });
}

/** `add_task_tags` -> `Add task tags`. */
export function descriptionFromSlug(slug: string): string {
  const words = slug.split('_').filter((w) => w.length > 0).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `Add task tags!` -> `add_task_tags`; accents are folded (`Café` -> `cafe`). */
export function slugFromDescription(description: string): Result<string> {
  const folded = description.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const slug = truncateSlug(folded.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, ''));
  if (slug.length === 0) {
    return fail({
      code: 'bad-description',
      severity: 'error',
      message: `The description "${description}" has no letters or digits to name the file after.`,
    });
  }
  return ok(slug);
}

/** Long descriptions stay whole in the header; the file name keeps whole words up to a readable length. */
function truncateSlug(slug: string): string {
  if (slug.length <= MAX_SLUG_LENGTH) {
    return slug;
  }
  const cut = slug.slice(0, MAX_SLUG_LENGTH + 1);
  const lastBreak = cut.lastIndexOf('_');
  return (lastBreak > 0 ? cut.slice(0, lastBreak) : cut.slice(0, MAX_SLUG_LENGTH)).replace(/_+$/, '');
}

function badName(fileName: string, reason: string): Result<never> {
  return fail(nameProblem('bad-name', fileName, reason));
}

function nameProblem(code: ProblemCode, fileName: string, reason: string): Problem {
  return problem(code, `"${fileName}" is not a valid migration name: ${reason}. Expected NNN_snake_case.sql or NNN_snake_case.down.sql.`);
}
