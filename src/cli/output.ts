// What every command prints the same way: a failure's problems (one JSON object with --json) and the engine line.
import type { EngineName } from '../core/engine/connection';
import { engineLabel } from '../core/engine/facts';
import type { Problem } from '../core/model';
import type { CliArgs } from './args';
import { painter, problemLine, type Paint } from './format';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Failures of the operation itself (not of the input): a migration or a check did not pass. */
const FAILURE_CODES = new Set(['replay-failed', 'time-limit', 'memory-limit', 'verify-failed', 'worker-error', 'worker-exit', 'native-exit', 'db-busy', 'applied-changed']);

/** Where the problems go: stderr as `file:line: error: ...`, or one JSON object on stdout with --json. */
export interface ProblemsOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly color: boolean;
}

/** `engine` is null when the failure came before any engine ran: every failure document has the same keys. */
export function reportProblems(problems: readonly Problem[], args: Pick<CliArgs, 'json'>, io: ProblemsOutput, engineName?: EngineName): number {
  const code = problems.some((p) => FAILURE_CODES.has(p.code)) ? EXIT_FAILED : EXIT_USAGE;
  if (args.json) {
    io.out(failureJson(problems, engineName));
  } else {
    const paint = painter(io.color);
    for (const p of problems) io.err(problemLine(p, paint) + '\n');
  }
  return code;
}

/** The failure document of --json: the same keys whatever failed, with or without an engine. */
export function failureJson(problems: readonly Problem[], engineName?: EngineName): string {
  return JSON.stringify({ engine: engineName ?? null, ok: false, problems }, null, 2) + '\n';
}

/** The one line of human output that says which engine ran. */
export function engineLine(name: EngineName, paint: Paint): string {
  return paint.dim(`Engine: ${engineLabel(name)}`);
}
