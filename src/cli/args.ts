import { parseArgs } from 'util';
import { ENGINE_SETTINGS, LAYOUT_SETTINGS, limitProblem, type EngineSetting } from '../core/config';
import type { LayoutSetting } from '../core/migrations/layouts';
import { parseRetention } from '../core/retention';
import { parseVersion } from '../core/lint/version';

export const COMMANDS = ['status', 'up', 'down', 'new', 'verify', 'dry-run', 'baseline', 'schema', 'reset', 'backup', 'backups', 'restore', 'test', 'lint', 'accept-checksum'] as const;
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
  /** new: --bump was given (else, with --from, the content's level is used). */
  readonly bumpGiven: boolean;
  /** new: an SQL file whose statements become the new up file's body. */
  readonly from?: string;
  readonly timeLimitSeconds?: number;
  readonly memoryLimitMB?: number;
  /** As typed: a count, an age (30d) or "all"; checked here, parsed again with the settings. */
  readonly retention?: string;
  readonly engine?: EngineSetting;
  readonly busyTimeoutSeconds?: number;
  readonly layout?: LayoutSetting;
  readonly allowExistingSchema: boolean;
  /** schema: write the schema to this file instead of printing it (with --check: the file to compare). */
  readonly out?: string;
  /** schema: compare the schema file with what the migrations produce instead of printing. */
  readonly check: boolean;
  /** up / dry-run: apply without running the migrations' test files before each COMMIT. */
  readonly skipTests: boolean;
  /** new: the new migration holds the statements that bring the migrations up to the database's schema. */
  readonly fromDrift: boolean;
  /** reset: recreate the database from the schema file (the one way to reset). */
  readonly fromSchema: boolean;
  /** reset: the schema file to use instead of sqliteMigrations.schemaFile. */
  readonly schema?: string;
  /** test: where to write a JUnit XML report. */
  readonly junit?: string;
  /** test: run on a scratch copy of the database's current state (its pending migrations only). */
  readonly fromDb: boolean;
  /** new: also create the migration's test file (NAME.test.sql) from a template. */
  readonly withTest: boolean;
  /** lint: the oldest SQLite the migrations must run on (3.Y.Z); the setting's value when absent. */
  readonly target?: string;
  /** lint: every migration, not only the pending ones. */
  readonly all: boolean;
  /** Stack traces of unexpected errors on stderr. */
  readonly verbose?: boolean;
  /** The named environment to use (`sqliteMigrations.environments`). */
  readonly env?: string;
  /** Go on without the typed confirmation (scripts, CI): reset, and writes to an environment with `confirm`. */
  readonly yes: boolean;
}

export type ParsedArgs =
  | { kind: 'run'; args: CliArgs }
  /** `command` for one command's help (`up --help`, `help up`); absent for the overview. */
  | { kind: 'help'; command?: CommandName }
  | { kind: 'version' }
  | { kind: 'error'; message: string };

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
  from: { type: 'string' },
  'time-limit': { type: 'string' },
  'memory-limit': { type: 'string' },
  retention: { type: 'string' },
  engine: { type: 'string' },
  'busy-timeout': { type: 'string' },
  layout: { type: 'string' },
  'allow-existing-schema': { type: 'boolean' },
  out: { type: 'string' },
  check: { type: 'boolean' },
  'skip-tests': { type: 'boolean' },
  'from-schema': { type: 'boolean' },
  'from-drift': { type: 'boolean' },
  schema: { type: 'string' },
  yes: { type: 'boolean' },
  junit: { type: 'string' },
  'from-db': { type: 'boolean' },
  test: { type: 'boolean' },
  target: { type: 'string' },
  all: { type: 'boolean' },
  verbose: { type: 'boolean' },
  env: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Whether --json was asked for, read from the raw arguments (for failures before they are parsed or after). */
export function wantsJson(argv: readonly string[]): boolean {
  // Before "--" only: after it, "--json" is a positional argument.
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

export function parseCliArgs(argv: string[], cwd: string): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    return { kind: 'error', message: optionError(e as NodeJS.ErrnoException) };
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (command === 'help') return helpFor(rest[0]);
  if (values.help) return helpFor(command);
  if (values.version) return { kind: 'version' };
  if (!command) return { kind: 'help' };
  if (!isCommand(command)) return unknownCommand(command);
  const numbers = readNumbers(values);
  if (typeof numbers === 'string') return { kind: 'error', message: numbers };
  const bump = values.bump ?? 'minor';
  if (bump !== 'major' && bump !== 'minor' && bump !== 'patch') {
    return { kind: 'error', message: `--bump must be major, minor or patch, not "${bump}"` };
  }
  const retention = values.retention === undefined ? undefined : parseRetention(values.retention);
  if (retention && !retention.ok) return { kind: 'error', message: `--retention ${retention.error}` };
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
    junit: values.junit,
    retention: values.retention,
    target: values.target,
    all: values.all ?? false,
    json: values.json ?? false,
    verbose: values.verbose ?? false,
    env: values.env,
    yes: values.yes ?? false,
    down: values.down ?? false,
    allowExistingSchema: values['allow-existing-schema'] ?? false,
    skipTests: values['skip-tests'] ?? false,
    fromDb: values['from-db'] ?? false,
    withTest: values.test ?? false,
    allowModified: values['allow-modified'] ?? false,
    out: values.out,
    check: values.check ?? false,
    fromSchema: values['from-schema'] ?? false,
    fromDrift: values['from-drift'] ?? false,
    schema: values.schema,
    bump,
    bumpGiven: values.bump !== undefined,
    from: values.from,
    ...numbers,
  };
  const conflict = checkCombination(args);
  return conflict ? { kind: 'error', message: conflict } : { kind: 'run', args };
}

/** Node's parseArgs error as one sentence of ours; its own text quotes unevenly and explains "--" at length. */
function optionError(e: NodeJS.ErrnoException): string {
  const flag = /'(-[^' ]+)/.exec(e.message)?.[1];
  const first = e.message.split('\n')[0].replace(/\.$/, '');
  if (!flag) return first;
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag}; "sqlite-migrations --help" lists the options`;
  if (e.code !== 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return first;
  if (/does not take an argument/.test(e.message)) return `${flag} takes no value`;
  if (/ambiguous/.test(e.message)) return `${flag} needs a value; to give one that starts with "-", write ${flag}=VALUE`;
  return `${flag} needs a value`;
}

function isCommand(name: string): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name);
}

function unknownCommand(name: string): ParsedArgs {
  return { kind: 'error', message: `unknown command "${name}"; expected one of: ${COMMANDS.join(', ')}` };
}

function helpFor(name: string | undefined): ParsedArgs {
  if (name === undefined) return { kind: 'help' };
  return isCommand(name) ? { kind: 'help', command: name } : unknownCommand(name);
}

type NumberArgs = Pick<CliArgs, 'to' | 'steps' | 'only' | 'timeLimitSeconds' | 'memoryLimitMB' | 'busyTimeoutSeconds'>;

function readNumbers(values: Record<string, unknown>): NumberArgs | string {
  const out: Record<string, number> = {};
  const names: [string, keyof NumberArgs][] = [['to', 'to'], ['steps', 'steps'], ['only', 'only'], ['time-limit', 'timeLimitSeconds'], ['memory-limit', 'memoryLimitMB'], ['busy-timeout', 'busyTimeoutSeconds']];
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

/** The commands that change the database, which an environment with `confirm` asks about first. */
export const WRITES: ReadonlySet<CommandName> = new Set(['up', 'down', 'baseline', 'restore', 'accept-checksum']);

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
  if ((args.out !== undefined || args.check) && args.command !== 'schema') return `--${args.check ? 'check' : 'out'} only applies to "schema"`;
  if (args.skipTests && args.command !== 'up' && !(args.command === 'dry-run' && !args.down)) return '--skip-tests only applies to "up" (and "dry-run")';
  if (args.junit !== undefined && args.command !== 'test') return '--junit only applies to "test"';
  if ((args.fromSchema || args.schema !== undefined) && args.command !== 'reset') return `--${args.fromSchema ? 'from-schema' : 'schema'} only applies to "reset"`;
  if (args.fromDrift && args.command !== 'new') return '--from-drift only applies to "new"';
  if (args.command === 'reset' && !args.fromSchema) return '"reset" needs --from-schema: it recreates the database from the schema file';
  if (args.fromDb && args.command !== 'test') return '--from-db only applies to "test"';
  if (args.withTest && args.command !== 'new') return '--test only applies to "new"';
  if (args.from !== undefined && args.command !== 'new') return '--from only applies to "new"';
  if (args.from !== undefined && args.fromDrift) return '--from and --from-drift both fill the up file: use one';
  if (args.yes && !WRITES.has(args.command) && args.command !== 'reset') return '--yes only applies to "up", "down", "baseline", "restore", "accept-checksum" and "reset"';
  if (args.env === '') return '--env needs an environment\'s name';
  if ((args.target !== undefined || args.all) && args.command !== 'lint') return `--${args.all ? 'all' : 'target'} only applies to "lint"`;
  const target = args.target === undefined ? undefined : parseVersion(args.target);
  if (target && !target.ok) return `--target: ${target.error}`;
  if (args.command === 'new' && args.positionals.length === 0) return '"new" needs a description, e.g. sqlite-migrations new "add task tags"';
  if (args.command === 'restore' && args.positionals.length !== 1) return '"restore" needs the backup to restore: a file, or a name in the backups folder';
  if (args.command === 'accept-checksum' && args.positionals.length !== 1) return '"accept-checksum" needs the one migration whose edit to accept: its sequence (003) or version';
  const takesPositionals = args.command === 'new' || args.command === 'restore' || args.command === 'accept-checksum';
  if (!takesPositionals && args.positionals.length) return `unexpected argument "${args.positionals[0]}"`;
  return undefined;
}

export const HELP = `Usage: sqlite-migrations <command> [options]
       sqlite-migrations <command> --help   (or: sqlite-migrations help <command>)

Commands:
  status                 list every migration and its status
  up [--to SEQ|--only SEQ] [--allow-modified] [--allow-existing-schema] [--skip-tests]
                         apply pending migrations (all, up to SEQ, or just SEQ), each one's
                         NAME.test.sql run before its COMMIT unless --skip-tests; refused
                         while an applied migration's file was edited or removed, unless
                         --allow-modified; a database with tables but no schema_migrations
                         is refused unless --allow-existing-schema
  down [--to SEQ|--steps N|--only SEQ]
                         roll back the last migration (or down to SEQ, or N, or just SEQ)
  new <description> [--bump major|minor|patch] [--from FILE | --from-drift] [--test]
                         create the next numbered pair from migrations-template/; --from
                         puts FILE's SQL in the up file and, without --bump, takes the
                         level its changes call for (breaking: major, additive: minor);
                         --from-drift: what the database has that the migrations lack;
                         --test: also NAME.test.sql, a template of the annotations
  verify                 integrity, foreign keys, ledger, checksums, file names and schema drift
  dry-run [--down] [...] run the plan on a copy of the database and report; the file is untouched
  baseline [--to SEQ]    record migrations (all, or up to SEQ) as applied without running
                         them: adopting a database that already has their schema, or
                         pending ones whose schema a managed database already has
  schema [--out FILE] [--check]
                         the schema the applied migrations produce, as SQL; --check exits 1
                         when the schema file (sqliteMigrations.schemaFile) differs
  reset --from-schema [--schema FILE] [--yes]
                         replace the database with an empty one built from the schema file
                         and baseline it at the version in its header (backup first; asks
                         you to type the database file's name unless --yes)
  backup                 back up the database now
  backups                list backups, newest first
  restore <backup>       restore a backup: a file, or a name in the backups folder
                         (the current file is backed up first)
  accept-checksum <SEQ or version>
                         record an applied migration's edited file as what was applied
                         (its checksum and text; like Flyway's repair); nothing runs
  test [--junit FILE] [--from-db]
                         apply every migration from empty to a scratch in-memory database,
                         run each one's NAME.test.sql after it and check every down file
                         undoes its up file; the database file is never opened (--from-db:
                         the pending migrations on a copy of the database, which is only read)
  lint [--target X.Y.Z] [--all]
                         run each pending migration (or every one) against the schema the
                         migrations before it leave, on a scratch in-memory database, and
                         flag SQL newer than the target SQLite (default 3.35.0); exit 1 on
                         findings; the database file is only read, for the ledger

Options:
  --db FILE              database file (default: sqliteMigrations.databaseFile in
                         .vscode/settings.json, else data/app.db)
  --dir FOLDER           migrations folder (default: sqliteMigrations.migrationsFolder, else migrations)
  --root DIR             workspace folder paths are relative to (default: current directory)
  --backups FOLDER       backups folder (default: backups/ beside the database)
  --retention KEEP       backups to keep: a count (default 5), an age (30d, 12h, 2w) or all
  --env NAME             use the named environment in sqliteMigrations.environments (its
                         database, backups folder and retention)
  --yes                  up/down/baseline/restore/accept-checksum: go ahead on an
                         environment with "confirm" without typing its name; reset:
                         without typing the database's name (needed where stdin is not
                         a terminal)
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

const COMMON = `Options for every command: --db FILE, --dir FOLDER, --root DIR, --env NAME, --layout LAYOUT, --engine auto|native|sqljs,
--time-limit SECONDS, --memory-limit MB, --busy-timeout SECONDS, --json. "sqlite-migrations --help" explains them.`;

/** What `<command> --help` prints: what it does, its own options, an example. */
const COMMAND_HELP: Record<CommandName, string> = {
  status: `Usage: sqlite-migrations status

Lists every migration with its sequence, version, status (applied, pending, failed, rolled_back,
modified, missing) and when it was applied, and warns when the database's schema differs from what its
applied migrations produce. Never creates or changes the database.

Example: sqlite-migrations status --db data/app.db`,
  up: `Usage: sqlite-migrations up [--to SEQ | --only SEQ] [--allow-existing-schema] [--skip-tests]

Applies what is pending (also failed and rolled-back migrations), in order, each in its own transaction.
A backup is made before the first change. A database that has tables of its own but no schema_migrations
is refused: see "sqlite-migrations baseline".

  --to SEQ                 apply up to and including sequence SEQ
  --only SEQ               apply just SEQ, even out of order
  --allow-existing-schema  apply on top of a database that has tables but no schema_migrations
  --skip-tests             do not run each migration's test file (NAME.test.sql) before its COMMIT

Example: sqlite-migrations up --to 3`,
  down: `Usage: sqlite-migrations down [--to SEQ | --steps N | --only SEQ]

Rolls back the last applied migration with its .down.sql file (a backup is made first).
"sqlite-migrations dry-run --down" shows first what it would remove.

  --to SEQ     roll back every migration after SEQ (SEQ stays applied)
  --steps N    roll back the last N
  --only SEQ   roll back just SEQ (later ones stay applied)

Example: sqlite-migrations down --steps 2`,
  new: `Usage: sqlite-migrations new <description> [--bump major|minor|patch] [--from FILE | --from-drift] [--test]

Creates the next migration from migrations-template/ in the folder's own layout (NNN_description.sql and
NNN_description.down.sql by default; golang-migrate, dbmate, Flyway or Diesel files in such a folder),
with the next version (--bump, default minor) in its header. --test also creates its test file
(NNN_description.test.sql beside it), a template with a commented example of each annotation.

  --from FILE    the up file gets FILE's SQL and, without --bump, the level it calls for on a scratch
                 database after the existing migrations: major for a breaking change (a dropped or renamed
                 table or column, NOT NULL, a new CHECK), minor for an addition, else patch; with --bump, a
                 lower level than that is warned about
  --from-drift   the up file holds the statements that bring the migrations up to the database's schema
                 (CREATE for objects only the database has, DROP for ones it lacks, a commented recreate
                 recipe for a changed table or index) and the down file reverses them; refused without drift

Example: sqlite-migrations new "add task tags" --bump patch`,
  verify: `Usage: sqlite-migrations verify

Checks the database's integrity and foreign keys, the ledger, the applied checksums against the files,
the file names, drift (the database's schema against the one its applied migrations produce on an
empty scratch database), and the newest applied migration's NAME.test.sql against the database, in a
savepoint that is rolled back. Exits 1 when any check fails; a breaking change in a version that is
not a MAJOR bump is a warning, with its file and line.

Example: sqlite-migrations verify --json`,
  'dry-run': `Usage: sqlite-migrations dry-run [--to SEQ | --only SEQ]
       sqlite-migrations dry-run --down [--to SEQ | --steps N | --only SEQ]

Runs the plan of "up" (or, with --down, of "down") on a copy of the database and reports each
migration's result, the rows per table before and after, and what would be removed (tables with their
rows, columns, deleted rows). The database file is not changed.

Example: sqlite-migrations dry-run --down --steps 1`,
  baseline: `Usage: sqlite-migrations baseline [--to SEQ]

Records migrations as applied without running them: for a database that already has their schema
(one made before it had migrations, or by another tool). A backup is made first; refused when any of
them is already in schema_migrations, and when the database has exactly the schema of another point in
the migrations (it names the --to to use); where no point matches, the differences are a warning.
On a database that has applied migrations, it records the pending ones (up to SEQ) when the database
already has the schema they would produce, as after "new --from-drift" on the drifted database;
otherwise it is refused, naming the differences.

  --to SEQ     record up to and including sequence SEQ (default: every migration present)

Example: sqlite-migrations baseline --to 12, then sqlite-migrations up applies the rest`,
  schema: `Usage: sqlite-migrations schema [--out FILE] [--check]

Prints the schema the applied migrations produce: their files applied to an empty scratch database, dumped
as one CREATE statement per object (tables, indexes, views, triggers; the ledger, sqlite_* and Litestream's
tables left out), in a stable order, with a header naming the highest applied version.

  --out FILE   write it to FILE instead of printing it
  --check      compare it with the schema file (--out FILE, else sqliteMigrations.schemaFile, by default
               schema.sql beside the migrations folder): exit 1 naming the first differing line, 0 when equal

Example: sqlite-migrations schema --check`,
  reset: `Usage: sqlite-migrations reset --from-schema [--schema FILE] [--yes]

The spec's complete rollback, done safely: backs the database up, then, in one transaction, drops its tables and
views (SQLite's and Litestream's own are kept), runs the schema file's CREATE statements and records every migration
up to the version in the file's header as applied, as "baseline" does. If anything fails, nothing is changed.
The schema file must be one "sqlite-migrations schema" wrote (its header names the version).

  --schema FILE   the schema file (default: sqliteMigrations.schemaFile, schema.sql beside the migrations folder)
  --yes           do not ask: without it you type the database file's name to go on, and a run without
                  a terminal is refused

Example: sqlite-migrations reset --from-schema`,
  backup: `Usage: sqlite-migrations backup [--backups FOLDER] [--retention KEEP]

Backs up the database now, into the backups folder (default: backups/ beside the database).

Example: sqlite-migrations backup`,
  backups: `Usage: sqlite-migrations backups [--backups FOLDER]

Lists the database's backups, newest first.

Example: sqlite-migrations backups`,
  restore: `Usage: sqlite-migrations restore <backup> [--backups FOLDER]

Puts a backup back in place of the database; the current file is backed up first. <backup> is a file
path, or the name of a file in the backups folder (as "sqlite-migrations backups" lists them).

Example: sqlite-migrations backups, then sqlite-migrations restore NAME with a name it listed`,
  'accept-checksum': `Usage: sqlite-migrations accept-checksum <SEQ or version>

For an applied migration whose file was edited on purpose (a comment, formatting): the ledger takes the file's
current checksum and text, so "up" no longer refuses it and it no longer shows as modified. Nothing in the schema
runs, and a backup is made first. Databases that already ran the old text keep the schema it made, so only accept an
edit that changes nothing they need; otherwise restore the file and put the change in a new migration. The editor's
Accept New Checksum does the same.

Example: sqlite-migrations accept-checksum 003`,
  test: `Usage: sqlite-migrations test [--junit FILE] [--from-db] [--json]

Applies every migration in order from empty to a scratch in-memory database (the chosen engine's: node:sqlite
or sql.js), runs each migration's
test file (NAME.test.sql beside it; Diesel: test.sql in its folder) right after it inside a savepoint that is
rolled back, then rolls back each migration that has a down file and checks the schema is exactly what it
was before its up file ran. The database file is never opened. With --from-db the same runs on a scratch
copy of the database as it is now, for its pending migrations only: what the next "up" would meet. The
database file is only read.

Annotations, each on the line before its statement:
  -- expect: VALUE          one row, one column, equal to VALUE as text (NULL for null)
  -- expect-rows: N        exactly N rows
  -- expect-empty          no rows (e.g. PRAGMA foreign_key_check)
  -- expect-error: TEXT    the statement fails with an error containing TEXT
  -- expect-plan: TEXT     not run; its EXPLAIN QUERY PLAN contains TEXT
A statement without an annotation is setup and must succeed.

  --junit FILE   also write a JUnit XML report to FILE
  --from-db      start from a copy of the database instead of empty (pending migrations only)

Exit codes: 0 all passed, 1 a test or reversibility check failed, 2 unusable input (a test file
with an unknown annotation or a bad value, migration files with naming errors, no migrations folder).

Example: sqlite-migrations test --junit reports/migrations.xml`,
  lint: `Usage: sqlite-migrations lint [--target X.Y.Z] [--all] [--json]

Checks each pending migration (failed and rolled-back ones too; with --all, every migration) before it is
applied: the migrations before it are replayed, schema only, on a scratch in-memory database, then its
statements run there one by one in a transaction that is never kept, and each failure is reported at
file:line:column with SQLite's message and the statement. Its down file is run after it. A migration
after one that fails is reported once ("earlier migration ... fails") instead of the errors that causes.
Statements using SQL newer than the target SQLite version are findings naming the feature and the
version it needs. The database file is opened read-only, for the ledger (without one, every migration
is pending); nothing is written.

  --target X.Y.Z   the oldest SQLite your application runs (default: sqliteMigrations.targetSqliteVersion,
                   else 3.35.0, the spec's minimum)
  --all            check every migration, applied ones included

Exit codes: 0 no findings, 1 findings, 2 bad input.

Example: sqlite-migrations lint --target 3.37.0`,
};

export function commandHelp(command: CommandName): string {
  return `${COMMAND_HELP[command]}\n\n${COMMON}\n`;
}
