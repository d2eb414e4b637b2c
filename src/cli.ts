#!/usr/bin/env node
// The command line: the same engine the extension uses, for CI and production.
import { commandHelp, HELP, parseCliArgs, wantsJson } from './cli/args';
import { EXIT_USAGE, runCommand } from './cli/commands';
import { failureJson } from './cli/output';
import { problem } from './core/problems';
import { pauseHookFromEnv } from './cli/pause';
import { askOnTerminal } from './cli/ask';

declare const PACKAGE_VERSION: string | undefined;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const parsed = parseCliArgs(argv, process.cwd());
  switch (parsed.kind) {
    case 'help':
      process.stdout.write(parsed.command ? commandHelp(parsed.command) : HELP);
      return 0;
    case 'version':
      process.stdout.write(`${typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : 'dev'}\n`);
      return 0;
    case 'error':
      // With --json every failure is one JSON document on stdout, as a script reads the others.
      if (wantsJson(argv)) process.stdout.write(failureJson([problem('bad-options', `${parsed.message}.`)]));
      else process.stderr.write(`sqlite-migrations: ${parsed.message}${parsed.message.includes('--help') ? '' : '\nRun "sqlite-migrations --help" for usage.'}\n`);
      return EXIT_USAGE;
    case 'run':
      return runCommand(parsed.args, {
        out: (t) => process.stdout.write(t),
        err: (t) => process.stderr.write(t),
        color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
        now: () => new Date(),
        cwd: process.cwd(),
        onWriteStep: pauseHookFromEnv(process.env),
        // Only a person at a terminal can type an environment's name; elsewhere --yes is needed.
        ask: process.stdin.isTTY ? askOnTerminal : undefined,
      });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    // A bug or an I/O fault nobody turned into a message: one line, the stack only when asked for.
    const verbose = process.argv.includes('--verbose') || Boolean(process.env.SQLITE_MIGRATIONS_DEBUG);
    const detail = e instanceof Error ? (verbose ? e.stack : e.message) : String(e);
    process.stderr.write(`sqlite-migrations: internal error: ${detail}\n`);
    if (wantsJson(process.argv.slice(2))) process.stdout.write(failureJson([problem('internal', `internal error: ${e instanceof Error ? e.message : String(e)}`)]));
    process.exitCode = EXIT_USAGE;
  },
);
