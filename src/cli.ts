#!/usr/bin/env node
// The command line: the same engine the extension uses, for CI and production.
import { commandHelp, HELP, parseCliArgs } from './cli/args';
import { EXIT_USAGE, runCommand } from './cli/commands';
import { pauseHookFromEnv } from './cli/pause';
import { askOnTerminal } from './cli/ask';

declare const PACKAGE_VERSION: string | undefined;

async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2), process.cwd());
  switch (parsed.kind) {
    case 'help':
      process.stdout.write(parsed.command ? commandHelp(parsed.command) : HELP);
      return 0;
    case 'version':
      process.stdout.write(`${typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : 'dev'}\n`);
      return 0;
    case 'error':
      process.stderr.write(`sqlite-migrations: ${parsed.message}\nRun "sqlite-migrations --help" for usage.\n`);
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
    process.exitCode = EXIT_USAGE;
  },
);
