// What `reset --from-schema` settles before the engine runs: which schema file, that it is one we can rebuild from,
// and that the user means it. Nothing here touches the database.
import * as path from 'path';
import type { EngineConfig } from '../core/config';
import { fail, ok, type Problem, type Result } from '../core/model';
import { problem } from '../core/problems';
import { readSchemaFile } from '../core/schema/file';
import { headerProblem, type SchemaSource } from '../core/schema/reset';
import type { CliArgs } from './args';

/** Asks one question on the terminal; absent when there is no terminal to ask on. */
export type Ask = (question: string) => Promise<string>;

export async function prepareReset(cfg: EngineConfig, args: CliArgs, cwd: string, ask: Ask | undefined): Promise<Result<SchemaSource, Problem>> {
  const file = args.schema === undefined ? cfg.schemaFile : path.resolve(cwd, args.schema);
  if (!file) {
    return fail(problem('bad-options', 'sqliteMigrations.schemaFile is empty (no schema file is kept), so there is nothing to reset from; pass --schema FILE to name one. Nothing was changed.'));
  }
  const read = await readSchemaFile(file);
  if (!read.ok) return read;
  if (read.value === null) {
    return fail(problem('schema-unusable', `${file} does not exist ("sqlite-migrations schema --out ${file}" writes it from the migrations); nothing was changed.`, { file }));
  }
  const source = { file, text: read.value };
  const header = headerProblem(source);
  if (header) return fail(header);
  const confirmed = await confirmReset(cfg.databaseFile, file, args.yes, ask);
  return confirmed ? fail(confirmed) : ok(source);
}

/**
 * The typed confirmation: the database file's name, as GitHub asks for a repository's. Without a terminal only
 * --yes goes on, so a script never blocks on a question nobody sees. Returns the refusal, or undefined to go on.
 */
export async function confirmReset(databaseFile: string, schemaFile: string, yes: boolean, ask: Ask | undefined): Promise<Problem | undefined> {
  if (yes) return undefined;
  const name = path.basename(databaseFile);
  if (!ask) {
    return problem('reset-unconfirmed', `Not reset: this replaces ${databaseFile} with an empty database built from ${schemaFile}; run it in a terminal to type the database file's name, or pass --yes. Nothing was changed.`);
  }
  const question = `This replaces ${databaseFile} with an empty database built from ${schemaFile} (a backup is made first).\nType the database file's name (${name}) to go on: `;
  const answer = (await ask(question)).trim();
  if (answer === name) return undefined;
  return problem('reset-unconfirmed', `Not reset: "${answer}" is not the database file's name (${name}). Nothing was changed.`);
}
