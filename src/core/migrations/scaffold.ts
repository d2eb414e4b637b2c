import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { discoverMigrations } from './catalog';
import { fail, ok, type Problem, type Result } from '../model';
import { MIN_SEQUENCE_WIDTH, isMigrationCandidate, parseMigrationFileName, slugFromDescription } from './naming';
import { bumpVersion, highestSemver, type Bump } from './semver';
import { problem, type ProblemCode } from '../problems';

export interface NewMigrationRequest {
  readonly folder: string;
  /** Folder holding `up.sql` and `down.sql` (the extension's `migrations-template/`). */
  readonly templateDir: string;
  readonly description: string;
  readonly bump: Bump;
  readonly now?: () => Date;
}

export interface NewMigration {
  readonly upPath: string;
  readonly downPath: string;
  readonly sequenceText: string;
  readonly version: string;
  /** File name without extension, e.g. "004_add_task_tags". */
  readonly name: string;
}

/** The version of the first migration in a folder: the spec's "Current Version: 1.0.0". */
export const FIRST_VERSION = '1.0.0';

/**
 * Writes the next up/down pair from the templates. Files are created exclusively, so an existing file
 * is never overwritten, not even by a concurrent `new` in another window.
 */
export async function createMigration(req: NewMigrationRequest): Promise<Result<NewMigration>> {
  const typed = req.description.replace(/\s+/g, ' ').trim();
  // Written as a sentence, like the descriptions derived from file names ("add_task_tags" -> "Add task tags").
  const description = typed.charAt(0).toUpperCase() + typed.slice(1);
  const slug = slugFromDescription(description);
  if (!slug.ok) {
    return slug;
  }
  const templates = await readTemplates(req.templateDir);
  if (!templates.ok) {
    return templates;
  }
  const folder = path.resolve(req.folder);
  await fsp.mkdir(folder, { recursive: true });
  const sequenceText = await nextSequenceText(folder);
  const version = await nextVersion(folder, req.bump);
  const name = `${sequenceText}_${slug.value}`;
  const values = { version, description, name, date: isoDate((req.now ?? (() => new Date()))()) };
  const upPath = path.join(folder, `${name}.sql`);
  const downPath = path.join(folder, `${name}.down.sql`);
  const written = await writeMigrationFiles(upPath, fill(templates.value.up, values), downPath, fill(templates.value.down, values));
  return written.ok ? ok({ upPath, downPath, sequenceText, version, name }) : written;
}

/**
 * Max existing sequence + 1, padded to the widest sequence in use (at least 3 digits). Every file
 * named like a migration counts, even one with problems, so its number is never handed out twice.
 */
export async function nextSequenceText(folder: string): Promise<string> {
  let max = 0;
  let width = MIN_SEQUENCE_WIDTH;
  for (const fileName of await fsp.readdir(folder)) {
    const parsed = isMigrationCandidate(fileName) ? parseMigrationFileName(fileName) : undefined;
    if (parsed?.ok) {
      max = Math.max(max, parsed.value.sequence);
      width = Math.max(width, parsed.value.sequenceText.length);
    }
  }
  return String(max + 1).padStart(width, '0');
}

/** The bump of the highest semver in use; the first semver migration of a folder is 1.0.0. */
export async function nextVersion(folder: string, bump: Bump): Promise<string> {
  const catalog = await discoverMigrations(folder);
  const highest = highestSemver(catalog.migrations.map((m) => m.version));
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

async function readTemplates(dir: string): Promise<Result<{ up: string; down: string }>> {
  try {
    const [up, down] = await Promise.all(['up.sql', 'down.sql'].map((f) => fsp.readFile(path.join(dir, f), 'utf8')));
    return ok({ up, down });
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
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw e;
    }
    return fail(problemAt('file-exists', file, `${path.basename(file)} already exists; it was not overwritten.`));
  }
}

function problemAt(code: ProblemCode, file: string, message: string): Problem {
  return problem(code, message, { file });
}
