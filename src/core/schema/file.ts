import * as fs from 'fs/promises';
import * as path from 'path';
import { writeFileAtomic } from '../engine/atomic';
import { fileSystemAdvice, isFileSystemError } from '../fsErrors';
import { fail, ok, type Problem, type Result } from '../model';
import { problem } from '../problems';
import { GENERATED_MARK } from './dump';

/** The schema file's text as compared: a Windows checkout's CRLF is not a difference. */
function lines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
}

/** The first line where the file differs from what the migrations produce, or undefined when they are the same. */
export function firstDifference(actual: string, expected: string): { readonly line: number; readonly detail: string } | undefined {
  const a = lines(actual);
  const e = lines(expected);
  for (let i = 0; i < Math.max(a.length, e.length); i++) {
    if (a[i] === e[i]) continue;
    const detail = a[i] === undefined
      ? `the file ends here; the migrations produce "${e[i]}"`
      : e[i] === undefined
        ? `the migrations produce nothing more; the file has "${a[i]}"`
        : `the file has "${a[i]}", the migrations produce "${e[i]}"`;
    return { line: i + 1, detail };
  }
  return undefined;
}

/** The file's text, or null when it does not exist. */
export async function readSchemaFile(file: string): Promise<Result<string | null, Problem>> {
  try {
    return ok(await fs.readFile(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok(null);
    if (isFileSystemError(e)) return fail(problem('schema-write-failed', `${file} cannot be read: ${fileSystemAdvice(e, file)}.`, { file }));
    throw e;
  }
}

/**
 * Writes the schema file atomically when its text changed. Returns whether it was written. With `onlyOurs` (the
 * rewrite after a migration, which nobody asked for by name) a file this tool did not write is left alone, with a
 * warning.
 */
export async function writeSchemaFile(file: string, text: string, onlyOurs = false): Promise<Result<boolean, Problem>> {
  const current = await readSchemaFile(file);
  if (current.ok && current.value !== null && firstDifference(current.value, text) === undefined) return ok(false);
  if (onlyOurs && current.ok && current.value !== null && !current.value.includes(GENERATED_MARK)) {
    const message = `${file} was not written by sqlite-migrations (it has no "${GENERATED_MARK}" line), so it was left as it is. Remove it to have it kept up to date, or set sqliteMigrations.schemaFile to another path (an empty string turns this off).`;
    return fail(problem('schema-not-ours', message, { file, severity: 'warning' }));
  }
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
  } catch (e) {
    if (isFileSystemError(e)) return fail(problem('schema-write-failed', `${file} could not be written: ${fileSystemAdvice(e, path.dirname(file))}.`, { file, severity: 'warning' }));
    throw e;
  }
  // The project's one atomic write: synced temp file, rename, folder synced; a crash leaves the old file or the new one.
  const written = await writeFileAtomic(file, Buffer.from(text, 'utf8'));
  if (!written.ok) return fail(problem('schema-write-failed', written.error.message, { file, severity: 'warning' }));
  return ok(true);
}
