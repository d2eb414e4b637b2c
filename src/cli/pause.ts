import type { WriteStep } from '../core/engine/sqljs/dbfile';

/**
 * SQLITE_MIGRATIONS_TEST_PAUSE_AT=<step> makes the CLI stop at that step of the atomic write,
 * announce it on stderr and wait to be killed: the crash tests kill it there and inspect the file.
 */
export function pauseHookFromEnv(env: NodeJS.ProcessEnv): ((step: WriteStep) => Promise<void>) | undefined {
  const wanted = env.SQLITE_MIGRATIONS_TEST_PAUSE_AT;
  if (!wanted) return undefined;
  return (step) => {
    if (step !== wanted) return Promise.resolve();
    process.stderr.write(`paused at ${step}\n`);
    return new Promise(() => setInterval(() => undefined, 60_000));
  };
}
