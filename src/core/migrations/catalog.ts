import { promises as fsp, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { ChecksumCache, statRegularFile, type LoadedSql } from './checksum';
import { fail, ok, type Migration, type Problem, type Result, type Severity } from '../model';
import { baseName, descriptionFromSlug, isMigrationCandidate, parseMigrationFileName, type ParsedName } from './naming';
import { compareSemver, parseSemver } from './semver';
import { problem, type ProblemCode } from '../problems';

export { ChecksumCache } from './checksum';

/** The migrations found in one folder, in numeric order, and everything wrong with the folder's files. */
export interface Catalog {
  readonly folder: string;
  readonly migrations: readonly Migration[];
  readonly problems: readonly Problem[];
}

/** Enough to keep 10,000 files moving without exhausting file descriptors on the extension host. */
const CONCURRENCY = 32;

interface Entry {
  readonly parsed: ParsedName;
  readonly file: string;
  /** The listing already says it is a plain file: a down file then needs no stat of its own. */
  readonly listedAsFile: boolean;
  /** A regular file, or a symlink to one inside the folder: it takes part in sequence checks. */
  regular: boolean;
  /** An up file's decoded text, checksum and header, when it could be decoded. */
  loaded?: LoadedSql;
}

export async function discoverMigrations(folder: string, cache: ChecksumCache = new ChecksumCache()): Promise<Catalog> {
  const root = path.resolve(folder);
  const listed = await listFolder(root);
  if (!listed.ok) {
    return { folder: root, migrations: [], problems: [listed.error] };
  }
  const problems: Problem[] = [];
  const entries = parseNames(root, listed.value, problems);
  const names = listed.value.map((d) => d.name);
  const realRoot = await fsp.realpath(root);
  const checked = await mapLimit(entries, CONCURRENCY, (e) => inspect(e, realRoot, cache, problems));
  const present = checked.filter((e): e is Entry => e !== undefined);
  cache.retainOnly(root + path.sep, new Set(present.map((e) => e.file)));
  const migrations = assemble(present, problems);
  return { folder: root, migrations, problems: sortProblems(problems, names, root) };
}

async function listFolder(root: string): Promise<Result<Dirent[]>> {
  try {
    return ok(await fsp.readdir(root, { withFileTypes: true }));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return fail(fileProblem('folder-missing', 'info', root, `The migrations folder ${root} does not exist yet.`));
    }
    if (code === 'ENOTDIR') {
      return fail(fileProblem('folder-missing', 'error', root, `${root} is not a folder.`));
    }
    throw e;
  }
}

function parseNames(root: string, listing: readonly Dirent[], problems: Problem[]): Entry[] {
  const entries: Entry[] = [];
  for (const dirent of listing) {
    const name = dirent.name;
    if (!isMigrationCandidate(name)) {
      continue;
    }
    const file = path.join(root, name);
    const parsed = parseMigrationFileName(name);
    if (parsed.ok) {
      entries.push({ parsed: parsed.value, file, listedAsFile: dirent.isFile(), regular: false });
    } else {
      problems.push({ ...parsed.error, file });
    }
  }
  return entries;
}

/**
 * lstat first and open only regular files, so a FIFO or device named like a migration never blocks.
 * Down files are only located here (the runner reads them on rollback), so a plain file needs no stat.
 */
async function inspect(entry: Entry, realRoot: string, cache: ChecksumCache, problems: Problem[]): Promise<Entry | undefined> {
  if (entry.parsed.direction === 'down' && entry.listedAsFile) {
    entry.regular = true;
    return entry;
  }
  try {
    const stats = await statRegularFile(entry.file, realRoot);
    if (!stats.ok) {
      problems.push(stats.error);
      return entry;
    }
    entry.regular = true;
    if (entry.parsed.direction === 'up') {
      const loaded = await cache.load(entry.file, stats.value);
      if (loaded.ok) {
        entry.loaded = loaded.value;
      } else {
        entry.regular = loaded.error.code !== 'not-a-file';
        problems.push(loaded.error);
      }
    }
    return entry;
  } catch (e) {
    return ioFault(e, entry, problems);
  }
}

/** A file deleted since the listing is simply gone; any other I/O failure is reported on that file. */
function ioFault(e: unknown, entry: Entry, problems: Problem[]): Entry | undefined {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') {
    return undefined;
  }
  if (typeof err.code !== 'string') {
    throw e;
  }
  problems.push(fileProblem('unreadable', 'error', entry.file, `${path.basename(entry.file)} cannot be read: ${err.message}`));
  return entry;
}

function assemble(entries: readonly Entry[], problems: Problem[]): Migration[] {
  const ups = entries.filter((e) => e.parsed.direction === 'up');
  const downs = entries.filter((e) => e.parsed.direction === 'down');
  reportGaps(ups, problems);
  const unique = dropDuplicateSequences(ups, problems);
  const downByName = pairDowns(downs, ups, problems);
  problems.push(...ups.flatMap((up) => up.loaded?.header.problems ?? []));
  const candidates: Migration[] = [];
  for (const up of unique) {
    if (up.loaded && up.loaded.header.problems.length === 0) {
      candidates.push(toMigration(up, up.loaded, downByName.get(baseName(up.parsed))));
    }
  }
  candidates.sort((a, b) => a.sequence - b.sequence);
  const migrations = checkVersions(candidates, problems);
  for (const m of migrations.filter((x) => x.downPath === undefined)) {
    problems.push(fileProblem('missing-down', 'warning', m.upPath, `${path.basename(m.upPath)} has no ${m.name}.down.sql, so it cannot be rolled back.`));
  }
  return migrations;
}

function toMigration(up: Entry, loaded: LoadedSql, downPath: string | undefined): Migration {
  const { sequence, sequenceText, slug } = up.parsed;
  return {
    sequence,
    sequenceText,
    slug,
    name: baseName(up.parsed),
    version: loaded.header.version ?? sequenceText,
    description: loaded.header.description ?? descriptionFromSlug(slug),
    upPath: up.file,
    ...(downPath === undefined ? {} : { downPath }),
    sql: loaded.sql,
    checksum: loaded.checksum,
  };
}

/** Flyway refuses to run with two migrations of one sequence; neither is kept, so neither runs by accident. */
function dropDuplicateSequences(ups: readonly Entry[], problems: Problem[]): Entry[] {
  const bySequence = groupBy(ups.filter((u) => u.regular), (u) => u.parsed.sequence);
  const unique: Entry[] = [];
  for (const group of bySequence.values()) {
    if (group.length === 1) {
      unique.push(group[0]);
      continue;
    }
    const names = group.map((g) => path.basename(g.file)).sort();
    for (const g of group) {
      const others = names.filter((n) => n !== path.basename(g.file)).join(', ');
      const message = `${path.basename(g.file)} has the same sequence as ${others}; neither is used until one is renumbered.`;
      problems.push(fileProblem('duplicate-sequence', 'error', g.file, message));
    }
  }
  return unique;
}

function reportGaps(ups: readonly Entry[], problems: Problem[]): void {
  const bySequence = groupBy(ups.filter((u) => u.regular), (u) => u.parsed.sequence);
  const sequences = [...bySequence.keys()].sort((a, b) => a - b);
  for (let i = 1; i < sequences.length; i++) {
    const [before, after] = [sequences[i - 1], sequences[i]];
    if (after > before + 1) {
      const file = bySequence.get(after)![0].file;
      const missing = after - before === 2 ? `${before + 1} is` : `${before + 1} to ${after - 1} are`;
      problems.push(fileProblem('sequence-gap', 'warning', file, `The sequence jumps from ${before} to ${after} at ${path.basename(file)}: ${missing} missing.`));
    }
  }
}

function pairDowns(downs: readonly Entry[], ups: readonly Entry[], problems: Problem[]): Map<string, string> {
  const upNames = new Set(ups.map((u) => baseName(u.parsed)));
  const byName = new Map<string, string>();
  for (const down of downs.filter((d) => d.regular)) {
    const name = baseName(down.parsed);
    if (upNames.has(name)) {
      byName.set(name, down.file);
    } else {
      problems.push(fileProblem('orphan-down', 'warning', down.file, `${path.basename(down.file)} has no up file ${name}.sql; it is never used.`));
    }
  }
  return byName;
}

/** The ledger's version column is UNIQUE, so a second migration with one version could never be recorded. */
function checkVersions(sorted: readonly Migration[], problems: Problem[]): Migration[] {
  const seen = new Map<string, Migration>();
  let highest: Migration | undefined;
  const kept: Migration[] = [];
  for (const m of sorted) {
    const first = seen.get(m.version);
    if (first) {
      const message = `${path.basename(m.upPath)} has version ${m.version}, already used by ${path.basename(first.upPath)}; it is not used until its version changes.`;
      problems.push(fileProblem('duplicate-version', 'error', m.upPath, message));
      continue;
    }
    seen.set(m.version, m);
    kept.push(m);
    if (!parseSemver(m.version)) {
      continue;
    }
    if (highest && compareSemver(m.version, highest.version) < 0) {
      const message = `${path.basename(m.upPath)} has version ${m.version}, lower than ${highest.version} of the earlier ${path.basename(highest.upPath)}.`;
      problems.push(fileProblem('version-order', 'warning', m.upPath, message));
    } else {
      highest = m;
    }
  }
  return kept;
}

/** Folder-level problems first, then by file in numeric order, so repeated runs report identically. */
function sortProblems(problems: Problem[], names: readonly string[], root: string): Problem[] {
  const order = new Map([...names].sort(compareFileNames).map((n, i) => [path.join(root, n), i]));
  const rank = (p: Problem) => (p.file === undefined ? -1 : order.get(p.file) ?? -1);
  return problems.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map((x) => x.p);
}

/** Numeric by leading sequence (9 < 10 < 100 whatever the padding), then by name. */
export function compareFileNames(a: string, b: string): number {
  const na = /^\d+/.exec(a);
  const nb = /^\d+/.exec(b);
  const sa = na ? Number(na[0]) : Infinity;
  const sb = nb ? Number(nb[0]) : Infinity;
  return sa !== sb ? (sa < sb ? -1 : 1) : a < b ? -1 : a > b ? 1 : 0;
}

function fileProblem(code: ProblemCode, severity: Severity, file: string, message: string): Problem {
  return problem(code, message, { severity, file });
}

function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) {
      group.push(item);
    } else {
      groups.set(k, [item]);
    }
  }
  return groups;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
