import { parseArgs } from 'util';
import { ENGINE_SETTINGS, LAYOUT_SETTINGS, limitProblem, type EngineSetting } from '../core/config';
import type { LayoutSetting } from '../core/migrations/layouts';

export const COMMANDS = ['status', 'up', 'down', 'new', 'verify', 'dry-run', 'baseline', 'backup', 'backups', 'restore'] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface CliArgs {
  readonly command: CommandName;
  readonly positionals: string[];
  readonly root: string;
  readonly db?: string;
  readonly dir?: string;
  readonly backups?: string;
  readonly json: boolean;
  readonly to?: number;
  readonly steps?: number;
  readonly only?: number;
  readonly down: boolean;
  /** up / dry-run: apply although applied migrations' files were edited or removed since. */
  readonly allowModified: boolean;
  readonly bump: 'major' | 'minor' | 'patch';
  readonly timeLimitSeconds?: number;
  readonly memoryLimitMB?: number;
  readonly retention?: number;
  readonly engine?: EngineSetting;
  readonly busyTimeoutSeconds?: number;
  readonly layout?: LayoutSetting;
  readonly allowExistingSchema: boolean;
  /** Stack traces of unexpected errors on stderr. */
  readonly verbose?: boolean;
}

export type ParsedArgs = { kind: 'run'; args: CliArgs } | { kind: 'help' } | { kind: 'version' } | { kind: 'error'; message: string };

const OPTIONS = {
  db: { type: 'string' },
  dir: { type: 'string' },
  root: { type: 'string' },
  backups: { type: 'string' },
  json: { type: 'boolean' },
  to: { type: 'string' },
  steps: { type: 'string' },
  only: { type: 'string' },
  down: { type: 'boolean' },
  'allow-modified': { type: 'boolean' },
  bump: { type: 'string' },
  'time-limit': { type: 'string' },
  'memory-limit': { type: 'string' },
  retention: { type: 'string' },
  engine: { type: 'string' },
  'busy-timeout': { type: 'string' },
  layout: { type: 'string' },
  'allow-existing-schema': { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export function parseCliArgs(argv: string[], cwd: string): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    return { kind: 'error', message: (e as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, ...rest] = positionals;
  if (!command) return { kind: 'help' };
  if (!(COMMANDS as readonly string[]).includes(command)) {
    return { kind: 'error', message: `unknown command "${command}"; expected one of: ${COMMANDS.join(', ')}` };
  }
  const numbers = readNumbers(values);
  if (typeof numbers === 'string') return { kind: 'error', message: numbers };
  const bump = values.bump ?? 'minor';
  if (bump !== 'major' && bump !== 'minor' && bump !== 'patch') {
    return { kind: 'error', message: `--bump must be major, minor or patch, not "${bump}"` };
  }
  const engine = values.engine;
  if (engine !== undefined && !(ENGINE_SETTINGS as readonly string[]).includes(engine)) {
    return { kind: 'error', message: `--engine must be ${ENGINE_SETTINGS.join(', ')}, not "${engine}"` };
  }
  const layout = values.layout;
  if (layout !== undefined && !(LAYOUT_SETTINGS as readonly string[]).includes(layout)) {
    return { kind: 'error', message: `--layout must be ${LAYOUT_SETTINGS.join(', ')}, not "${layout}"` };
  }
  const args: CliArgs = {
    engine: engine as EngineSetting | undefined,
    layout: layout as LayoutSetting | undefined,
    command: command as CommandName,
    positionals: rest,
    root: values.root ?? cwd,
    db: values.db,
    dir: values.dir,
    backups: values.backups,
    json: values.json ?? false,
    verbose: values.verbose ?? false,
    down: values.down ?? false,
    allowExistingSchema: values['allow-existing-schema'] ?? false,
    allowModified: values['allow-modified'] ?? false,
    bump,
    ...numbers,
  };
  const conflict = checkCombination(args);
  return conflict ? { kind: 'error', message: conflict } : { kind: 'run', args };
}

type NumberArgs = Pick<CliArgs, 'to' | 'steps' | 'only' | 'timeLimitSeconds' | 'memoryLimitMB' | 'retention' | 'busyTimeoutSeconds'>;

function readNumbers(values: Record<string, unknown>): NumberArgs | string {
  const out: Record<string, number> = {};
  const names: [string, keyof NumberArgs][] = [['to', 'to'], ['steps', 'steps'], ['only', 'only'], ['time-limit', 'timeLimitSeconds'], ['memory-limit', 'memoryLimitMB'], ['retention', 'retention'], ['busy-timeout', 'busyTimeoutSeconds']];
  for (const [flag, key] of names) {
    const raw = values[flag];
    if (raw === undefined) continue;
    if (typeof raw !== 'string' || !/^\d+$/.test(raw)) {
      return `--${flag} takes a whole number, not "${String(raw)}"`;
    }
    out[key] = Number(raw);
  }
  if (out.steps === 0) return '--steps must be at least 1';
  for (const [flag, key] of [['time-limit', 'timeLimitSeconds'], ['memory-limit', 'memoryLimitMB']] as const) {
    const bad = out[key] === undefined ? undefined : limitProblem(key, out[key], `--${flag}`);
    if (bad) return bad;
  }
  return out;
}

function checkCombination(args: CliArgs): string | undefined {
  const targets = [args.to, args.steps, args.only].filter((v) => v !== undefined).length;
  if (targets > 1) return 'use only one of --to, --steps and --only';
  if (args.steps !== undefined && args.command !== 'down' && !(args.command === 'dry-run' && args.down)) {
    return '--steps only applies to "down" (and "dry-run --down")';
  }
  if (args.allowExistingSchema && args.command !== 'up' && args.command !== 'dry-run') return '--allow-existing-schema only applies to "up" (and "dry-run")';
  if ((args.only !== undefined || args.steps !== undefined) && args.command === 'baseline') return '"baseline" takes --to SEQ only';
  if (args.allowModified && args.command !== 'up' && !(args.command === 'dry-run' && !args.down)) {
    return '--allow-modified only applies to "up" (and "dry-run")';
  }
  if (args.command === 'new' && args.positionals.length === 0) return '"new" needs a description, e.g. sqlite-migrations new "add task tags"';
  if (args.command === 'restore' && args.positionals.length !== 1) return '"restore" needs the backup file to restore';
  const takesPositionals = args.command === 'new' || args.command === 'restore';
  if (!takesPositionals && args.positionals.length) return `unexpected argument "${args.positionals[0]}"`;
  return undefined;
}

export const HELP = `Usage: sqlite-migrations <command> [options]

Commands:
  status                 list every migration and its status
  up [--to SEQ|--only SEQ] [--allow-modified] [--allow-existing-schema]
                         apply pending migrations (all, up to SEQ, or just SEQ); refused
                         while an applied migration's file was edited or removed, unless
                         --allow-modified; a database with tables but no schema_migrations
                         is refused unless --allow-existing-schema
  down [--to SEQ|--steps N|--only SEQ]
                         roll back the last migration (or down to SEQ, or N, or just SEQ)
  new <description> [--bump major|minor|patch]
                         create the next numbered pair from migrations-template/
  verify                 integrity, foreign keys, ledger, checksums and file names
  dry-run [--down] [...] run the plan on a copy of the database and report; the file is untouched
  baseline [--to SEQ]    record migrations (all, or up to SEQ) as applied without running
                         them: adopting a database that already has their schema
  backup                 back up the database now
  backups                list backups, newest first
  restore <file>         restore a backup (the current file is backed up first)

Options:
  --db FILE              database file (default: sqliteMigrations.databaseFile in
                         .vscode/settings.json, else data/app.db)
  --dir FOLDER           migrations folder (default: sqliteMigrations.migrationsFolder, else migrations)
  --root DIR             workspace folder paths are relative to (default: current directory)
  --backups FOLDER       backups folder (default: backups/ beside the database)
  --retention N          backups to keep (default 5; 0 keeps all)
  --time-limit SECONDS   stop an operation that runs longer (default 60; 1 to 86400)
  --memory-limit MB      stop an operation whose engine uses more memory (default 2048)
  --engine auto|native|sqljs
                         which SQLite runs the migrations (default auto: native
                         node:sqlite where this Node has it, else sql.js)
  --busy-timeout SECONDS how long the native engine waits for another program's
                         lock on the database (default 5)
  --layout auto|seed|golang-migrate|dbmate|flyway|diesel
                         whose file names the migrations folder uses (default auto:
                         the one layout its files fit)
  --json                 print one JSON document
  --verbose              print the stack trace of an unexpected error
  -h, --help, -v, --version

Exit codes: 0 success, 1 a migration or check failed, 2 bad usage or unusable input.
`;
