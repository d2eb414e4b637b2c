import { createHash } from 'node:crypto';
import { constants, promises as fsp, type BigIntStats } from 'node:fs';
import * as path from 'node:path';
import { fileLabel } from './label';
import { parseHeader, type MigrationHeader } from './header';
import { fail, ok, type Problem, type Result } from '../model';
import { problem } from '../problems';

/**
 * Strict UTF-8 to text, BOM removed, CRLF and lone CR turned into LF: the form that is checksummed
 * and run, so Windows and Linux checkouts of one file agree. Invalid UTF-8 is refused, never replaced.
 */
export function decodeSqlText(bytes: Uint8Array, file: string): Result<string> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return fail(invalidUtf8(bytes, file));
  }
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
  }
  return ok(normaliseLineEndings(text));
}

export function normaliseLineEndings(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** Hex SHA-256 of the text's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function invalidUtf8(bytes: Uint8Array, file: string) {
  const line = firstBadLine(bytes);
  const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  const hint = utf16 ? ' It looks UTF-16 encoded; save it as UTF-8.' : ' Save it as UTF-8.';
  return problem('invalid-utf8', `${fileLabel(file)}:${line}: the file is not valid UTF-8 (first bad byte on line ${line}).${hint}`, { file, line });
}

/** A newline byte never occurs inside a multi-byte UTF-8 sequence, so each line can be checked on its own. */
function firstBadLine(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let line = 1; ; line++) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    if (nl === -1) {
      return line;
    }
    start = nl + 1;
  }
}

/** An up file as discovery needs it: its normalised text, that text's checksum and its header. */
export interface LoadedSql {
  readonly sql: string;
  readonly checksum: string;
  readonly header: MigrationHeader;
}

/**
 * Remembers each file's decoded text, checksum and header under its identity (size, mtime, ctime,
 * inode), so re-discovering 10,000 unchanged files reads none of them.
 */
export class ChecksumCache {
  /** `reads` counts files opened and hashed, `hits` files answered from memory. */
  readonly stats = { hits: 0, reads: 0 };
  private readonly entries = new Map<string, { stamp: string; result: Result<LoadedSql> }>();
  private readonly now: () => number;

  /**
   * @param now the clock, injectable for tests. A file modified within `RACY_WINDOW_MS` of being read is not
   * remembered: on file systems with coarse timestamps a second same-size write could keep its stamp.
   */
  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  static readonly RACY_WINDOW_MS = 2000;

  /** The loaded file, from memory when `stats` (of the file or a symlink's target) still matches. */
  async load(file: string, stats: BigIntStats): Promise<Result<LoadedSql>> {
    const cached = this.entries.get(file);
    if (cached && cached.stamp === stampOf(stats)) {
      this.stats.hits++;
      return cached.result;
    }
    this.stats.reads++;
    const { bytes, stats: opened } = await readRegularFile(file);
    if (!bytes) {
      this.entries.delete(file);
      return fail(notAFile(file, 'not a regular file'));
    }
    const result = loadText(bytes, file);
    if (this.now() - Number(opened.mtimeMs) >= ChecksumCache.RACY_WINDOW_MS) {
      this.entries.set(file, { stamp: stampOf(opened), result });
    } else {
      this.entries.delete(file);
    }
    return result;
  }

  /** Forgets files under `folder` that were not seen, so deleted migrations do not linger in memory. */
  retainOnly(folderPrefix: string, seen: ReadonlySet<string>): void {
    for (const file of this.entries.keys()) {
      if (file.startsWith(folderPrefix) && !seen.has(file)) {
        this.entries.delete(file);
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

function loadText(bytes: Uint8Array, file: string): Result<LoadedSql> {
  const decoded = decodeSqlText(bytes, file);
  if (!decoded.ok) {
    return decoded;
  }
  const sql = decoded.value;
  return ok({ sql, checksum: sha256Hex(sql), header: parseHeader(sql, file) });
}

function stampOf(s: BigIntStats): string {
  return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`;
}

/**
 * Opens without blocking (a FIFO swapped in after `lstat` must not hang the extension host) and
 * reads only when the opened handle is a regular file.
 */
async function readRegularFile(file: string): Promise<{ bytes?: Uint8Array; stats: BigIntStats }> {
  const handle = await fsp.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = await handle.stat({ bigint: true });
    if (!stats.isFile()) {
      return { stats };
    }
    return { bytes: await handle.readFile(), stats };
  } finally {
    await handle.close();
  }
}

/**
 * The stats of `file` when discovery may read it: a regular file, or a symlink that resolves to one
 * inside the folder. `lstat` comes first so nothing that could block (a FIFO, a device) is ever opened.
 */
export async function statRegularFile(file: string, realRoot: string): Promise<Result<BigIntStats>> {
  const own = await fsp.lstat(file, { bigint: true });
  if (!own.isSymbolicLink()) {
    return own.isFile() ? ok(own) : fail(notAFile(file, kindOf(own)));
  }
  let target: string;
  try {
    target = await fsp.realpath(file);
  } catch (e) {
    return fail(notAFile(file, `a symlink that cannot be followed (${(e as NodeJS.ErrnoException).code})`));
  }
  const relative = path.relative(realRoot, target);
  if (relative.split(path.sep)[0] === '..' || path.isAbsolute(relative)) {
    const message = `${fileLabel(file)} is a symlink to ${target}, outside the migrations folder; it is not used.`;
    return fail(problem('symlink-outside', message, { file }));
  }
  const stats = await fsp.stat(file, { bigint: true });
  return stats.isFile() ? ok(stats) : fail(notAFile(file, `a symlink to ${kindOf(stats)}`));
}

function notAFile(file: string, kind: string): Problem {
  return problem('not-a-file', `${fileLabel(file)} is named like a migration but is ${kind}; it is not used.`, { file });
}

function kindOf(s: BigIntStats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isBlockDevice() || s.isCharacterDevice()) return 'a device';
  return 'not a regular file';
}

