import { promises as fsp, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { ChecksumCache, sha256Hex, statRegularFile, type LoadedSql } from './checksum';
import { fail, ok, type Migration, type Problem, type Result, type Severity } from '../model';
import { detectLayout, type ResolvedLayout } from './detect';
import { fileLabel } from './label';
import { isDieselFolderName, isMigrationCandidate, testFileFor, parseDieselFolder, parseMigrationFileName, type LayoutName, type LayoutSetting, type ParsedName } from './layouts';
import { descriptionFromSlug } from './naming';
import { markerOf, splitSections } from './sections';
import { compareSemver, parseSemver } from './semver';
import { problem, type ProblemCode } from '../problems';

export { ChecksumCache } from './checksum';

/** The migrations found in one folder, in numeric order, and everything wrong with the folder's files. */
export interface Catalog {
  readonly folder: string;
  /** The layout the files were read in: the setting, or what `auto` found. */
  readonly layout: LayoutName;
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
  /** An up file holding dbmate's sections: its two directions. */
  sections?: { up: string; down?: string };
}

export async function discoverMigrations(folder: string, cache: ChecksumCache = new ChecksumCache(), layoutSetting: LayoutSetting = 'auto'): Promise<Catalog> {
  const root = path.resolve(folder);
  const listed = await listFolder(root);
  if (!listed.ok) {
    return { folder: root, layout: layoutSetting === 'auto' ? 'seed' : layoutSetting, migrations: [], problems: [listed.error] };
  }
  const resolved = detectLayout(root, listed.value, layoutSetting);
  if (!resolved.ok) {
    return { folder: root, layout: 'seed', migrations: [], problems: [resolved.error] };
  }
  const problems: Problem[] = [];
  const entries = parseNames(root, listed.value, resolved.value.layout, problems);
  const names = listed.value.map((d) => d.name);
  const realRoot = await fsp.realpath(root);
  const checked = await mapLimit(entries, CONCURRENCY, (e) => inspect(e, realRoot, cache, problems));
  const present = checked.filter((e): e is Entry => e !== undefined);
  cache.retainOnly(root + path.sep, new Set(present.map((e) => e.file)));
  const layout = layoutOf(resolved.value, present);
  const migrations = await withTests(assemble(present, resolved.value, problems), layout, new Set(listed.value.filter((d) => d.isFile()).map((d) => d.name)));
  return { folder: root, layout, migrations, problems: sortProblems(problems, names, root) };
}

/**
 * Each migration's test file, when one is there as a plain file. The folder's listing answers for the flat layouts,
 * so a large folder costs no extra I/O; only Diesel's per-migration folders need a stat each.
 */
async function withTests(migrations: Migration[], layout: LayoutName, listedFiles: ReadonlySet<string>): Promise<Migration[]> {
  return mapLimit(migrations, CONCURRENCY, async (m) => {
    const testPath = testFileFor(m.upPath, m.name, layout);
    const present = layout === 'diesel' ? await fsp.stat(testPath).then((st) => st.isFile(), () => false) : listedFiles.has(path.basename(testPath));
    return present ? { ...m, testPath } : m;
  });
}

/** `auto` on plain numbered files whose texts all hold dbmate's sections is dbmate's layout (`new` writes it). */
function layoutOf(resolved: ResolvedLayout, entries: readonly Entry[]): LayoutName {
  if (resolved.layout !== 'seed' || !resolved.detected) return resolved.layout;
  const ups = entries.filter((e) => e.parsed.direction === 'up' && e.loaded);
  const downs = entries.some((e) => e.parsed.direction === 'down');
  return !downs && ups.length > 0 && ups.every((e) => e.sections?.down !== undefined || e.loaded!.sql.split('\n').some((line) => markerOf(line) === 'up')) ? 'dbmate' : 'seed';
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

function parseNames(root: string, listing: readonly Dirent[], layout: LayoutName, problems: Problem[]): Entry[] {
  const entries: Entry[] = [];
  for (const dirent of listing) {
    const name = dirent.name;
    if (layout === 'diesel' && dirent.isDirectory() && isDieselFolderName(name)) {
      entries.push(...dieselEntries(root, name, problems));
      continue;
    }
    if (!isMigrationCandidate(name)) {
      continue;
    }
    const file = path.join(root, name);
    const parsed = parseMigrationFileName(name, layout);
    if (parsed.ok) {
      entries.push({ parsed: parsed.value, file, listedAsFile: dirent.isFile(), regular: false });
    } else {
      problems.push({ ...parsed.error, file });
    }
  }
  return entries;
}

/** A Diesel folder's up.sql and down.sql; a missing one is dropped when it is inspected. */
function dieselEntries(root: string, folderName: string, problems: Problem[]): Entry[] {
  const parsed = parseDieselFolder(folderName);
  if (!parsed.ok) {
    problems.push({ ...parsed.error, file: path.join(root, folderName) });
    return [];
  }
  return (['up', 'down'] as const).map((direction) => ({
    parsed: { ...parsed.value, direction },
    file: path.join(root, folderName, `${direction}.sql`),
    listedAsFile: false,
    regular: false,
  }));
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
  problems.push(fileProblem('unreadable', 'error', entry.file, `${fileLabel(entry.file)} cannot be read: ${err.message}`));
  return entry;
}

function assemble(entries: readonly Entry[], resolved: ResolvedLayout, problems: Problem[]): Migration[] {
  const { layout } = resolved;
  const ups = entries.filter((e) => e.parsed.direction === 'up');
  const downs = entries.filter((e) => e.parsed.direction === 'down');
  reportGaps(ups, problems);
  const unique = dropDuplicateSequences(ups, problems);
  const downByKey = pairDowns(downs, ups, layout, problems);
  problems.push(...ups.flatMap((up) => up.loaded?.header.problems ?? []));
  const candidates: Migration[] = [];
  for (const up of unique) {
    if (!up.loaded || up.loaded.header.problems.length > 0) continue;
    const downFile = downByKey.get(pairKey(up.parsed, layout));
    if (!readSections(up, up.loaded, downFile, problems)) continue;
    candidates.push(toMigration(up, up.loaded, downFile));
  }
  candidates.sort((a, b) => a.sequence - b.sequence);
  return checkVersions(candidates, problems).map((m) => {
    if (m.downPath !== undefined) return m;
    const missingDown = expectedDown(m, layout);
    problems.push(fileProblem('missing-down', 'warning', m.upPath, `${fileLabel(m.upPath)} has ${missingDown}, so it cannot be rolled back.`));
    return { ...m, missingDown };
  });
}

/**
 * A file with dbmate's `-- migrate:down` marker holds both directions, whatever the layout: it is split, never run
 * whole. False when the migration cannot be used (bad markers, or a down file beside a down section).
 */
function readSections(up: Entry, loaded: LoadedSql, downFile: string | undefined, problems: Problem[]): boolean {
  const split = splitSections(loaded.sql, up.file, fileLabel(up.file));
  problems.push(...split.problems);
  if (split.problems.length > 0) return false;
  if (split.down !== undefined && downFile !== undefined) {
    const message = `${fileLabel(up.file)} has a "-- migrate:down" section and ${fileLabel(downFile)} exists too; it is not used until one of the two is removed.`;
    problems.push(fileProblem('two-downs', 'error', up.file, message));
    return false;
  }
  if (split.down !== undefined) up.sections = { up: split.up, down: split.down };
  return true;
}

function pairKey(parsed: ParsedName, layout: LayoutName): string {
  // Flyway pairs V1__x.sql with U1__y.sql by version alone; the others by the whole name.
  return layout === 'flyway' ? parsed.sequenceText : parsed.name;
}

function expectedDown(m: Migration, layout: LayoutName): string {
  switch (layout) {
    case 'flyway':
      return `no undo file U${m.sequenceText}__${m.slug}.sql`;
    case 'diesel':
      return `no ${m.name}/down.sql`;
    case 'dbmate':
      return 'no "-- migrate:down" section';
    default:
      return `no ${m.name}.down.sql`;
  }
}

function toMigration(up: Entry, loaded: LoadedSql, downFile: string | undefined): Migration {
  const { sequence, sequenceText, slug, name } = up.parsed;
  const sections = up.sections;
  const downPath = downFile ?? (sections?.down !== undefined ? up.file : undefined);
  return {
    sequence,
    sequenceText,
    slug,
    name,
    version: loaded.header.version ?? sequenceText,
    description: loaded.header.description ?? descriptionFromSlug(slug),
    upPath: up.file,
    ...(downPath === undefined ? {} : { downPath }),
    ...(sections?.down === undefined ? {} : { downSql: sections.down }),
    sql: sections ? sections.up : loaded.sql,
    checksum: sections ? sha256Hex(sections.up) : loaded.checksum,
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
    const names = group.map((g) => fileLabel(g.file)).sort();
    for (const g of group) {
      const others = names.filter((n) => n !== fileLabel(g.file)).join(', ');
      const message = `${fileLabel(g.file)} has the same sequence as ${others}; neither is used until one is renumbered.`;
      problems.push(fileProblem('duplicate-sequence', 'error', g.file, message));
    }
  }
  return unique;
}

/**
 * One warning for the whole folder, and only for short zero-padded sequences (001, 002, ...), where a gap is
 * likely a lost file. Timestamps and unpadded numbers (golang-migrate's 1, 2, ...) skip by design.
 */
function reportGaps(ups: readonly Entry[], problems: Problem[]): void {
  const regular = ups.filter((u) => u.regular);
  const widths = new Set(regular.map((u) => u.parsed.sequenceText.length));
  const [width] = widths;
  if (widths.size !== 1 || width < 3 || width > 6 || !/^\d+$/.test(regular[0].parsed.sequenceText)) return;
  const bySequence = groupBy(regular, (u) => u.parsed.sequence);
  const sequences = [...bySequence.keys()].sort((a, b) => a - b);
  const missing: string[] = [];
  let firstFile: string | undefined;
  const pad = (n: number) => String(n).padStart(width, '0');
  for (let i = 1; i < sequences.length; i++) {
    const [before, after] = [sequences[i - 1], sequences[i]];
    if (after === before + 1) continue;
    firstFile ??= bySequence.get(after)![0].file;
    missing.push(after - before === 2 ? pad(before + 1) : `${pad(before + 1)} to ${pad(after - 1)}`);
  }
  if (!firstFile) return;
  const shown = missing.length > 5 ? `${missing.slice(0, 5).join(', ')} and ${missing.length - 5} more` : missing.join(', ');
  problems.push(fileProblem('sequence-gap', 'warning', firstFile, `The sequence skips ${shown} (first at ${fileLabel(firstFile)}).`));
}

function pairDowns(downs: readonly Entry[], ups: readonly Entry[], layout: LayoutName, problems: Problem[]): Map<string, string> {
  const upKeys = new Set(ups.map((u) => pairKey(u.parsed, layout)));
  const byKey = new Map<string, string>();
  for (const down of downs.filter((d) => d.regular)) {
    const key = pairKey(down.parsed, layout);
    if (upKeys.has(key)) {
      byKey.set(key, down.file);
    } else {
      problems.push(fileProblem('orphan-down', 'warning', down.file, `${fileLabel(down.file)} has no up migration ${down.parsed.name}; it is never used.`));
    }
  }
  return byKey;
}

/** The ledger's version column is UNIQUE, so a second migration with one version could never be recorded. */
function checkVersions(sorted: readonly Migration[], problems: Problem[]): Migration[] {
  const seen = new Map<string, Migration>();
  let highest: Migration | undefined;
  const kept: Migration[] = [];
  for (const m of sorted) {
    const first = seen.get(m.version);
    if (first) {
      const message = `${fileLabel(m.upPath)} has version ${m.version}, already used by ${fileLabel(first.upPath)}; it is not used until its version changes.`;
      problems.push(fileProblem('duplicate-version', 'error', m.upPath, message));
      continue;
    }
    seen.set(m.version, m);
    kept.push(m);
    if (!parseSemver(m.version)) {
      continue;
    }
    if (highest && compareSemver(m.version, highest.version) < 0) {
      const message = `${fileLabel(m.upPath)} has version ${m.version}, lower than ${highest.version} of the earlier ${fileLabel(highest.upPath)}.`;
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
