import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { discoverMigrations } from './catalog';
import { fileLabel } from './label';
import { fail, ok, type Problem, type Result } from '../model';
import { isDieselFolderName, isMigrationCandidate, parseDieselFolder, parseMigrationFileName, testFileFor, type LayoutName, type LayoutSetting } from './layouts';
import { MIN_SEQUENCE_WIDTH, slugFromDescription } from './naming';
import { bumpVersion, highestSemver, parseSemver, type Bump } from './semver';
import { problem, type ProblemCode } from '../problems';
import { fileSystemAdvice, isFileSystemError } from '../fsErrors';

export interface NewMigrationRequest {
  readonly folder: string;
  /** Folder holding `up.sql` and `down.sql` (the extension's `migrations-template/`). */
  readonly templateDir: string;
  readonly description: string;
  readonly bump: Bump;
  readonly now?: () => Date;
  /** The folder's layout setting; `auto` writes the layout its files use. */
  readonly layout?: LayoutSetting;
  /** Statements written below the templates' comments (`new --from-drift`). */
  readonly body?: { readonly up: string; readonly down: string };
  /** Also create the migration's test file (NAME.test.sql) from this template file. */
  readonly testTemplate?: string;
}

export interface NewMigration {
  readonly upPath: string;
  /** The same file as upPath in dbmate's layout, where one file holds both directions. */
  readonly downPath: string;
  readonly sequenceText: string;
  readonly version: string;
  /** File name without extension, e.g. "004_add_task_tags". */
  readonly name: string;
  /** The test file, when one was asked for. */
  readonly testPath?: string;
}

/** The version of the first migration in a folder: the spec's "Current Version: 1.0.0". */
export const FIRST_VERSION = '1.0.0';

/**
 * Writes the next up/down pair from the templates. Files are created exclusively, so an existing file
 * is never overwritten, not even by a concurrent `new` in another window.
 */
export async function createMigration(req: NewMigrationRequest): Promise<Result<NewMigration>> {
  const spaced = req.description.replace(/\s+/g, ' ').trim();
  // Typed as a file-name slug, as other tools' `new` commands take it ("create_users_table"): read as its words.
  const typed = spaced.includes(' ') ? spaced : spaced.replace(/_+/g, ' ').trim() || spaced;
  // Written as a sentence, like the descriptions derived from file names ("add_task_tags" -> "Add task tags").
  const description = typed.charAt(0).toUpperCase() + typed.slice(1);
  const slug = slugFromDescription(description);
  if (!slug.ok) {
    return slug;
  }
  const templates = await readTemplates(req.templateDir, req.testTemplate);
  if (!templates.ok) {
    return templates;
  }
  const folder = path.resolve(req.folder);
  await fsp.mkdir(folder, { recursive: true });
  const catalog = await discoverMigrations(folder, undefined, req.layout ?? 'auto');
  const blocking = catalog.problems.find((p) => p.code === 'mixed-layouts');
  if (blocking) return fail(blocking);
  const now = (req.now ?? (() => new Date()))();
  const sequenceText = await nextSequenceText(folder, catalog.layout, now);
  const semver = usesSemver(catalog.migrations);
  const version = semver ? nextVersion(catalog.migrations, req.bump) : sequenceText;
  const files = layoutFiles(folder, catalog.layout, sequenceText, slug.value);
  const values = { version, description, name: files.name, upFile: files.upLabel, downFile: files.downLabel, date: isoDate(now) };
  const header = (template: string) => (semver ? template : withoutVersionLine(template));
  const up = withBody(fill(header(templates.value.up), values), req.body?.up);
  const down = withBody(fill(header(templates.value.down), values), req.body?.down);
  const written = await writeLayoutFiles(catalog.layout, files, up, down);
  if (!written.ok) return written;
  const created = { upPath: files.upPath, downPath: files.downPath, sequenceText, version, name: files.name };
  if (templates.value.test === undefined) return ok(created);
  // A test file already there (left from a removed migration of this name) is kept, and the fresh pair taken back: all or nothing.
  const testPath = testFileFor(files.upPath, files.name, catalog.layout);
  const test = await writeExclusive(testPath, fill(templates.value.test, values));
  if (test.ok) return ok({ ...created, testPath });
  await Promise.all([...new Set([files.upPath, files.downPath])].map((f) => fsp.rm(f, { force: true })));
  return test;
}

interface LayoutFiles {
  readonly name: string;
  readonly upPath: string;
  readonly downPath: string;
  /** How the templates name the two files. */
  readonly upLabel: string;
  readonly downLabel: string;
}

function layoutFiles(folder: string, layout: LayoutName, seq: string, slug: string): LayoutFiles {
  const files = (name: string, up: string, down: string): LayoutFiles => ({
    name,
    upPath: path.join(folder, up),
    downPath: path.join(folder, down),
    upLabel: up.replace(/\\/g, '/'),
    downLabel: down.replace(/\\/g, '/'),
  });
  switch (layout) {
    case 'golang-migrate':
      return files(`${seq}_${slug}`, `${seq}_${slug}.up.sql`, `${seq}_${slug}.down.sql`);
    case 'dbmate':
      return files(`${seq}_${slug}`, `${seq}_${slug}.sql`, `${seq}_${slug}.sql`);
    case 'flyway':
      return files(`V${seq}__${slug}`, `V${seq}__${slug}.sql`, `U${seq}__${slug}.sql`);
    case 'diesel':
      return files(`${seq}_${slug}`, path.join(`${seq}_${slug}`, 'up.sql'), path.join(`${seq}_${slug}`, 'down.sql'));
    default:
      return files(`${seq}_${slug}`, `${seq}_${slug}.sql`, `${seq}_${slug}.down.sql`);
  }
}

/** dbmate keeps both directions in one file, in its sections; Diesel in a folder of their own. */
async function writeLayoutFiles(layout: LayoutName, files: LayoutFiles, up: string, down: string): Promise<Result<true>> {
  if (layout === 'dbmate') {
    return writeExclusive(files.upPath, `-- migrate:up\n${up.trimEnd()}\n\n-- migrate:down\n${down}`);
  }
  if (layout === 'diesel') {
    const dir = path.dirname(files.upPath);
    try {
      await fsp.mkdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      return fail(problemAt('file-exists', dir, `${path.basename(dir)} already exists; it was not overwritten.`));
    }
  }
  return writeMigrationFiles(files.upPath, up, files.downPath, down);
}

/**
 * Max existing sequence + 1, padded to the widest sequence in use (at least 3 digits). Every file named like a
 * migration counts, even one with problems, so its number is never handed out twice. A folder numbered by
 * timestamps gets the current UTC time in its format (later than every sequence in use).
 */
export async function nextSequenceText(folder: string, layout: LayoutName = 'seed', now: Date = new Date()): Promise<string> {
  let max = 0;
  let widest = '';
  for (const entry of await fsp.readdir(folder, { withFileTypes: true })) {
    const parsed = entry.isDirectory()
      ? layout === 'diesel' && isDieselFolderName(entry.name) ? parseDieselFolder(entry.name) : undefined
      : isMigrationCandidate(entry.name) ? parseMigrationFileName(entry.name, layout) : undefined;
    if (parsed?.ok) {
      max = Math.max(max, parsed.value.sequence);
      if (parsed.value.sequenceText.length > widest.length) widest = parsed.value.sequenceText;
    }
  }
  if (layout === 'diesel' || widest.length >= 14) {
    const stamp = timestamp(now, max);
    return layout === 'diesel' && (widest === '' || widest.includes('-')) ? stamp.replace(/^(\d{4})(\d{2})(\d{2})(\d{6})$/, '$1-$2-$3-$4') : stamp;
  }
  const width = widest === '' && layout !== 'seed' && layout !== 'dbmate' ? 1 : Math.max(widest.length, layout === 'flyway' ? 1 : MIN_SEQUENCE_WIDTH);
  return String(max + 1).padStart(width, '0');
}

/** YYYYMMDDHHMMSS in UTC, moved past `after` when the clock is behind the newest migration. */
function timestamp(now: Date, after: number): string {
  const stamp = Number(now.toISOString().replace(/[-:T]/g, '').slice(0, 14));
  return String(Math.max(stamp, after + 1));
}

/**
 * A folder whose migrations are versioned by their sequences (no `-- version:` header: written for another
 * tool, or before the spec's versions) gets no semver out of sequence: "001, 002, 1.0.0" would misread as a
 * jump. An empty folder starts the spec's versions. A migration still empty (being written by another window)
 * says nothing either way.
 */
export function usesSemver(migrations: readonly { version: string; sql: string }[]): boolean {
  const written = migrations.filter((m) => m.sql.trim() !== '');
  return written.length === 0 || written.some((m) => parseSemver(m.version) !== undefined);
}

/** The template's `-- version: {{version}}` line, left out where versions are sequences. */
function withoutVersionLine(template: string): string {
  return template.replace(/^--[ \t]*version[ \t]*:[ \t]*\{\{version\}\}[ \t]*\r?\n/im, '');
}

/**
 * Statements below the template's comments. A template line that is only true of a file holding nothing but
 * comments ("While this file holds only comments, ...") would then mislead, so it is left out.
 */
function withBody(text: string, body: string | undefined): string {
  if (!body) return text;
  const kept = text.split('\n').filter((line) => !/^--\s*While this file holds only comments\b/i.test(line));
  return `${kept.join('\n').trimEnd()}\n\n${body}`;
}

/** The bump of the highest semver in use; the first semver migration of a folder is 1.0.0. */
export function nextVersion(migrations: readonly { version: string }[], bump: Bump): string {
  const highest = highestSemver(migrations.map((m) => m.version));
  return highest === undefined ? FIRST_VERSION : bumpVersion(highest, bump);
}

/** `{{key}}` placeholders; one pass, so a description containing `{{name}}` stays as typed. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

/** YYYY-MM-DD in local time: the day the author sees on their calendar. */
export function isoDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

async function readTemplates(dir: string, testTemplate: string | undefined): Promise<Result<{ up: string; down: string; test?: string }>> {
  try {
    const files = [path.join(dir, 'up.sql'), path.join(dir, 'down.sql'), ...(testTemplate ? [testTemplate] : [])];
    const [up, down, test] = await Promise.all(files.map((f) => fsp.readFile(f, 'utf8')));
    return ok({ up, down, ...(test === undefined ? {} : { test }) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code !== 'ENOENT') {
      throw e;
    }
    return fail(problemAt('template-missing', err.path ?? dir, `The migration template ${err.path ?? dir} does not exist.`));
  }
}

/** Both files or neither: each is created exclusively, and a refused down file takes its fresh up file back. */
export async function writeMigrationFiles(upPath: string, up: string, downPath: string, down: string): Promise<Result<true>> {
  const first = await writeExclusive(upPath, up);
  if (!first.ok) {
    return first;
  }
  const second = await writeExclusive(downPath, down);
  if (!second.ok) {
    // The up file was created by us a moment ago; leaving it would make a migration without its down file.
    await fsp.unlink(upPath);
  }
  return second;
}

async function writeExclusive(file: string, text: string): Promise<Result<true>> {
  try {
    await fsp.writeFile(file, text, { encoding: 'utf8', flag: 'wx' });
    return ok(true);
  } catch (e) {
    if (isFileSystemError(e) && e.code !== 'EEXIST') {
      // A file that cannot be created is a write refused in its folder, not a file that cannot be read.
      return fail(problemAt('fs-error', file, `Could not create ${fileLabel(file)}: ${fileSystemAdvice(e, path.dirname(file), 'write')}. No migration file was created.`));
    }
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw e;
    }
    return fail(problemAt('file-exists', file, `${fileLabel(file)} already exists; it was not overwritten.`));
  }
}

function problemAt(code: ProblemCode, file: string, message: string): Problem {
  return problem(code, message, { file });
}
