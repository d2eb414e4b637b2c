// The folder layouts of the migration tools people come from, read as they are: a user whose application also reads
// these files cannot rename them. Each layout says how a name maps to a sequence, a description and a direction.
import { fail, ok, type Problem, type Result } from '../model';
import { problem, type ProblemCode } from '../problems';

export const LAYOUTS = ['seed', 'golang-migrate', 'dbmate', 'flyway', 'diesel'] as const;
export type LayoutName = (typeof LAYOUTS)[number];
export type LayoutSetting = 'auto' | LayoutName;

/** What one file name (or Diesel folder name) says. */
export interface ParsedName {
  readonly sequence: number;
  /** As written, leading zeros kept: the fallback version, e.g. "001", "20240101120000", "2020-01-01-000000". */
  readonly sequenceText: string;
  /** The description part as written: "add_task_tags", "add-users", "v1.2". */
  readonly slug: string;
  /** The migration's name: the file name without its extension and direction, or the Diesel folder. */
  readonly name: string;
  readonly direction: 'up' | 'down';
}

/** The examples each layout's error messages show. */
export const LAYOUT_EXAMPLES: Readonly<Record<LayoutName, string>> = {
  seed: 'NNN_description.sql and NNN_description.down.sql',
  'golang-migrate': 'NNN_description.up.sql and NNN_description.down.sql',
  dbmate: 'NNN_description.sql holding "-- migrate:up" and "-- migrate:down" sections',
  flyway: 'V1__description.sql and U1__description.sql',
  diesel: 'a folder YYYY-MM-DD-HHMMSS_description holding up.sql and down.sql',
};

const DESCRIPTION = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const DIESEL_STAMP = /^(\d{4}-\d{2}-\d{2}-\d{6}|\d+)_(.+)$/;

/** Files and folders no layout ever reads: dotfiles (swap files, .DS_Store), anything not SQL, and migration tests. */
export function isMigrationCandidate(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return !fileName.startsWith('.') && lower.endsWith('.sql') && !isTestFileName(lower);
}

/** `NAME.test.sql` is the test file of migration NAME (Diesel: `test.sql` in the folder), never a migration. */
export function isTestFileName(fileName: string): boolean {
  return fileName.toLowerCase().endsWith('.test.sql');
}

/** Where a migration's test file sits: beside its up file, named after the migration. */
export function testFileFor(upPath: string, name: string, layout: LayoutName): string {
  const dir = upPath.slice(0, Math.max(upPath.lastIndexOf('/'), upPath.lastIndexOf('\\')) + 1);
  return layout === 'diesel' ? `${dir}test.sql` : `${dir}${name}.test.sql`;
}

export function isDieselFolderName(name: string): boolean {
  return !name.startsWith('.') && !name.toLowerCase().endsWith('.sql') && DIESEL_STAMP.test(name);
}

/**
 * Which layout a name belongs to, from its shape alone; undefined when several could (a `.down.sql` file) or
 * none does. `auto` picks the one layout every named file agrees on.
 */
export function layoutOfName(fileName: string, isFolder: boolean): LayoutName | undefined {
  if (isFolder) return isDieselFolderName(fileName) ? 'diesel' : undefined;
  if (!isMigrationCandidate(fileName)) return undefined;
  if (/^[VUR]\d*(?:[._]\d+)*__/.test(fileName)) return 'flyway';
  if (/^\d+_.+\.up\.sql$/i.test(fileName)) return 'golang-migrate';
  if (/\.down\.sql$/i.test(fileName)) return undefined;
  return /^\d/.test(fileName) ? 'seed' : undefined;
}

/** Reads one file name in a layout (dbmate names read as seed names: the sections are found in the text). */
export function parseMigrationFileName(fileName: string, layout: LayoutName = 'seed'): Result<ParsedName> {
  const lower = fileName.toLowerCase();
  if (!lower.endsWith('.sql')) {
    return badName(fileName, layout, 'it does not end in .sql');
  }
  const suffix = fileName.slice(-suffixLength(lower));
  if (suffix !== suffix.toLowerCase()) {
    return fail(nameProblem('uppercase-extension', fileName, layout, `the extension must be lower-case "${suffix.toLowerCase()}", not "${suffix}"`));
  }
  switch (layout) {
    case 'flyway':
      return parseFlyway(fileName);
    case 'golang-migrate':
      return parseGolang(fileName);
    case 'diesel':
      return badName(fileName, layout, 'Diesel keeps each migration in a folder of its own');
    default:
      return parseSeed(fileName, layout);
  }
}

function suffixLength(lower: string): number {
  return lower.endsWith('.down.sql') ? '.down.sql'.length : lower.endsWith('.up.sql') ? '.up.sql'.length : '.sql'.length;
}

function parseSeed(fileName: string, layout: LayoutName): Result<ParsedName> {
  const isDown = fileName.endsWith('.down.sql');
  const stem = fileName.slice(0, isDown ? -'.down.sql'.length : -'.sql'.length);
  if (!isDown && stem.endsWith('.up')) {
    return badName(fileName, layout, 'an ".up.sql" name is the golang-migrate layout; set sqliteMigrations.layout (CLI: --layout) to golang-migrate or auto');
  }
  const parsed = sequenceAndSlug(stem, fileName, layout, '_');
  return parsed.ok ? ok({ ...parsed.value, name: stem, direction: isDown ? 'down' : 'up' }) : parsed;
}

function parseGolang(fileName: string): Result<ParsedName> {
  const m = /^(.*)\.(up|down)\.sql$/.exec(fileName);
  if (!m) return badName(fileName, 'golang-migrate', 'it must end in .up.sql or .down.sql');
  const parsed = sequenceAndSlug(m[1], fileName, 'golang-migrate', '_');
  return parsed.ok ? ok({ ...parsed.value, name: m[1], direction: m[2] as 'up' | 'down' }) : parsed;
}

function parseFlyway(fileName: string): Result<ParsedName> {
  const m = /^([VU])([^_]*(?:_(?!_)[^_]*)*)__(.*)\.sql$/.exec(fileName);
  if (!m) {
    const repeatable = fileName.startsWith('R__') ? '; repeatable migrations (R__) are not supported' : '';
    return badName(fileName, 'flyway', `it must be V<version>__<description>.sql or U<version>__<description>.sql${repeatable}`);
  }
  const [, prefix, version, slug] = m;
  if (!/^\d+$/.test(version)) {
    return badName(fileName, 'flyway', `the version "${version}" must be a whole number (dotted versions such as 1.1 are not supported yet)`);
  }
  const checked = sequenceAndSlug(`${version}_${slug}`, fileName, 'flyway', '_');
  return checked.ok ? ok({ ...checked.value, name: `V${version}__${slug}`, direction: prefix === 'V' ? 'up' : 'down' }) : checked;
}

/** A Diesel migration folder: `2020-01-01-000000_create_users` (or plain digits) holding up.sql and down.sql. */
export function parseDieselFolder(folderName: string): Result<Omit<ParsedName, 'direction'>> {
  const m = DIESEL_STAMP.exec(folderName);
  if (!m) return badName(folderName, 'diesel', 'the folder must be named YYYY-MM-DD-HHMMSS_description');
  const digits = m[1].replace(/-/g, '');
  const sequence = Number(digits);
  if (!Number.isSafeInteger(sequence)) return badName(folderName, 'diesel', `the sequence "${m[1]}" is too large`);
  if (!DESCRIPTION.test(m[2])) return badName(folderName, 'diesel', descriptionRule(m[2]));
  return ok({ sequence, sequenceText: m[1], slug: m[2], name: folderName });
}

function sequenceAndSlug(stem: string, fileName: string, layout: LayoutName, separator: string): Result<{ sequence: number; sequenceText: string; slug: string }> {
  const digits = /^\d*/.exec(stem)![0];
  if (digits.length === 0) {
    return badName(fileName, layout, 'it must start with a sequence number');
  }
  const sequence = Number(digits);
  if (!Number.isSafeInteger(sequence)) {
    return badName(fileName, layout, `the sequence "${digits}" is too large`);
  }
  const rest = stem.slice(digits.length);
  if (!rest.startsWith(separator)) {
    return badName(fileName, layout, `an underscore must follow the sequence, e.g. "${digits}_add_users"`);
  }
  const slug = rest.slice(separator.length);
  if (slug.length === 0) {
    return badName(fileName, layout, 'a description must follow the sequence, e.g. "_add_users"');
  }
  if (!DESCRIPTION.test(slug)) {
    return badName(fileName, layout, descriptionRule(slug));
  }
  return ok({ sequence, sequenceText: digits, slug });
}

function descriptionRule(slug: string): string {
  return `the description "${slug}" may hold only letters, digits, "_", "-" and "." and must start with a letter or digit`;
}

function badName(fileName: string, layout: LayoutName, reason: string): Result<never> {
  return fail(nameProblem('bad-name', fileName, layout, reason));
}

function nameProblem(code: ProblemCode, fileName: string, layout: LayoutName, reason: string): Problem {
  return problem(code, `"${fileName}" is not a valid migration name: ${reason}. The ${layout} layout expects ${LAYOUT_EXAMPLES[layout]}.`);
}
