// `sqlite-migrations accept-checksum SEQ`: Flyway's repair for one migration, as the editor's Accept New Checksum.
// The ledger takes the edited file's checksum and text; nothing in the schema runs. Looked up first (read-only), so
// a migration that is not edited is said without a backup or a write.
import type { EngineConfig } from '../core/config';
import * as engine from '../core/engine';
import type { MigrationState } from '../core/ledger/status';
import { problem } from '../core/problems';
import type { Problem } from '../core/model';
import type { CliArgs } from './args';
import type { CliIO } from './commands';
import { painter, problemLine } from './format';
import { EXIT_OK, engineLine, reportProblems } from './output';

export async function acceptChecksumCommand(cfg: EngineConfig, args: CliArgs, io: CliIO, options: engine.OperationOptions): Promise<number> {
  const status = await engine.status(cfg, options);
  if (!status.ok) return reportProblems(status.error, args, io, status.engine);
  const found = findMigration(status.value.states, args.positionals[0]);
  if ('message' in found) return reportProblems([found], args, io, status.value.engine);
  const refused = notAcceptable(found);
  if (refused) return reportProblems([refused], args, io, status.value.engine);
  const m = found.migration!;
  const summary = { sequence: m.sequenceText, name: m.name, version: m.version, checksum: m.checksum, previousChecksum: found.row?.checksum ?? null };
  if (found.status === 'applied' && found.row?.checksum === m.checksum) {
    if (args.json) io.out(JSON.stringify({ engine: status.value.engine, ok: true, written: false, accepted: summary }, null, 2) + '\n');
    else io.out(`${m.name} already has the checksum it was applied with: nothing to accept, the database was not changed.\n${engineLine(status.value.engine, painter(io.color))}\n`);
    return EXIT_OK;
  }
  const result = await engine.acceptChecksum(cfg, m.version, options);
  if (!result.ok) return reportProblems(result.error, args, io, result.engine);
  const r = result.value;
  if (args.json) {
    io.out(JSON.stringify({ engine: r.engine, ok: true, written: r.written, accepted: summary, backup: r.backup?.path ?? null, notes: r.notes }, null, 2) + '\n');
    return EXIT_OK;
  }
  const paint = painter(io.color);
  for (const p of r.notes) io.err(problemLine(p, paint) + '\n');
  const lines = [
    `${paint.green('✓')} ${m.name} (${m.version}): the ledger now records the edited file's checksum and text. Databases that already ran the old text keep the schema it made.`,
    ...(r.backup ? [paint.dim(`Backup: ${r.backup.path}`)] : []),
    engineLine(r.engine, paint),
  ];
  io.out(lines.join('\n') + '\n');
  return EXIT_OK;
}

/**
 * The migration a version ("1.2.0", "003") or a sequence ("3", "003") names. A version is matched as written first;
 * a number that is one migration's version and another's sequence is refused rather than guessed.
 */
export function findMigration(states: readonly MigrationState[], given: string): MigrationState | Problem {
  const byVersion = states.filter((s) => s.version === given);
  const bySequence = /^\d+$/.test(given) ? states.filter((s) => s.sequence === Number(given)) : [];
  const matches = [...new Set([...byVersion, ...bySequence])];
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    return problem('bad-options', `"${given}" names more than one migration (${matches.map((s) => s.name).join(', ')}); give the version of the one you mean.`);
  }
  return problem('unknown-sequence', `No migration has the version or sequence "${given}"; "sqlite-migrations status" lists them.`);
}

/** Only an applied migration whose file is there has a checksum to accept; said before anything is backed up. */
function notAcceptable(s: MigrationState): Problem | undefined {
  const file = s.migration?.upPath;
  if (!s.migration) return problem('accept-no-file', `${s.name}'s file is missing, so there is no checksum to accept; restore the file first.`);
  if (s.status !== 'applied' && s.status !== 'modified') {
    return problem('accept-not-applied', `${s.name} is ${s.status.replace('_', ' ')}; only an applied migration's checksum can be accepted.`, { file });
  }
  return undefined;
}
