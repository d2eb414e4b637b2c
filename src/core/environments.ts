// Named environments (`sqliteMigrations.environments`): each its own database file, backups folder, retention and
// whether writes must be confirmed by typing its name. One is selected (`sqliteMigrations.environment`, CLI:
// --env). Without any, the top-level settings are the one implicit environment, exactly as before.
import { fail, ok, type Problem, type Result } from './model';
import { problem } from './problems';
import { parseRetention } from './retention';

/** One environment as written in settings. */
export interface EnvironmentSettings {
  readonly databaseFile?: string;
  readonly backupsFolder?: string;
  readonly retention?: number | string;
  readonly confirm?: boolean;
}

/** The selected environment as the engine and the front ends see it. */
export interface SelectedEnvironment {
  readonly name: string;
  /** Writes (up, down, baseline, restore) need the name typed, or --yes where nobody can type. */
  readonly confirm: boolean;
  /** Every configured name, for the picker and for messages. */
  readonly names: readonly string[];
}

/** The spec's backup policy: development keeps the last 5, staging 30 days, production everything and asks first. */
export const SPEC_DEFAULTS: Readonly<Record<string, { retention: number | string; confirm: boolean }>> = {
  development: { retention: 5, confirm: false },
  staging: { retention: '30d', confirm: false },
  production: { retention: 'all', confirm: true },
};

const KEYS = ['databaseFile', 'backupsFolder', 'retention', 'confirm'];
const SETTING = '"sqliteMigrations.environments"';

/** Checks the environments object from `file`; a bad entry is one sentence naming the file and the entry. */
export function parseEnvironments(value: unknown, file: string): Result<Record<string, EnvironmentSettings>> {
  if (value === undefined || value === null) return ok({});
  const bad = (what: string) => fail(problem('bad-settings', `${file}: ${SETTING}${what}.`, { file }));
  if (typeof value !== 'object' || Array.isArray(value)) return bad(' must be an object mapping names to { "databaseFile", "backupsFolder", "retention", "confirm" }');
  const out: Record<string, EnvironmentSettings> = {};
  for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
    if (!/^[A-Za-z0-9][\w.-]*$/.test(name)) return bad(` has a name ${JSON.stringify(name)}; use letters, digits, "-", "_" and "."`);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return bad(`: "${name}" must be an object`);
    const e = entry as Record<string, unknown>;
    const unknown = Object.keys(e).find((k) => !KEYS.includes(k));
    if (unknown) return bad(`: "${name}" has an unknown key "${unknown}" (known: ${KEYS.join(', ')})`);
    for (const key of ['databaseFile', 'backupsFolder'] as const) {
      if (e[key] !== undefined && (typeof e[key] !== 'string' || e[key] === '')) return bad(`: "${name}.${key}" must be a non-empty string`);
    }
    if (e.confirm !== undefined && typeof e.confirm !== 'boolean') return bad(`: "${name}.confirm" must be true or false`);
    const retention = e.retention === undefined ? undefined : parseRetention(e.retention);
    if (retention && !retention.ok) return bad(`: "${name}.retention" ${retention.error}`);
    out[name] = e as EnvironmentSettings;
  }
  return ok(out);
}

/**
 * Which environment runs: the one asked for (`wanted`, from --env or the `environment` setting), else
 * `development` when there is one, else the first listed. None configured: none (the top-level settings).
 * An unknown name is one sentence naming the known ones; `source` says where the name came from.
 */
export function selectEnvironment(
  environments: Readonly<Record<string, EnvironmentSettings>>,
  wanted: string | undefined,
  source: string,
): Result<{ name: string; settings: EnvironmentSettings; selected: SelectedEnvironment } | undefined> {
  const names = Object.keys(environments);
  if (!names.length) {
    if (wanted === undefined || wanted === '') return ok(undefined);
    return fail(unknownEnvironment(wanted, names, source));
  }
  const name = wanted || (names.includes('development') ? 'development' : names[0]);
  if (!names.includes(name)) return fail(unknownEnvironment(name, names, source));
  const settings = environments[name];
  const confirm = settings.confirm ?? SPEC_DEFAULTS[name]?.confirm ?? false;
  return ok({ name, settings, selected: { name, confirm, names } });
}

function unknownEnvironment(name: string, names: readonly string[], source: string): Problem {
  const known = names.length ? `the known ones are ${names.join(', ')}` : 'no environments are configured ("sqliteMigrations.environments" in .vscode/settings.json)';
  return problem('unknown-environment', `${source}: there is no environment "${name}"; ${known}.`);
}

/** The retention an environment keeps: its own, else the spec's for its name, else the top-level setting. */
export function environmentRetention(name: string, env: EnvironmentSettings, topLevel: number | string | undefined): number | string | undefined {
  return env.retention ?? SPEC_DEFAULTS[name]?.retention ?? topLevel;
}

/**
 * Whether a write to `env` may go on given what the person typed (undefined: nobody could be asked). Only the
 * exact name confirms; anything else changes nothing and says so.
 */
export function confirmationProblem(env: SelectedEnvironment, action: string, typed: string | undefined): Problem | undefined {
  if (!env.confirm) return undefined;
  if (typed === undefined) {
    return problem('confirm-needed', `The "${env.name}" environment asks before ${action}, and there is no terminal to ask on: run it again with --yes to go ahead. Nothing was changed.`);
  }
  if (typed.trim() !== env.name) {
    return problem('confirm-needed', `Not confirmed: "${typed.trim()}" is not "${env.name}", so ${action} did not run. Nothing was changed.`);
  }
  return undefined;
}
