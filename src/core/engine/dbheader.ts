// Header-level checks on a database file's first bytes, so a file that is not a whole SQLite database is
// refused with a clear reason before an engine opens it (both would treat an empty file as a new database).
import { ok, type Result } from '../model';
import { failWith, type ProblemCode } from '../problems';

export interface DatabaseHeader {
  readonly pageSize: number;
  readonly pageCount: number;
  /** File format versions 2/2: the file was last used in WAL mode. */
  readonly walMode: boolean;
}

const MAGIC = 'SQLite format 3\0';
const HEADER_SIZE = 100;

/** Reads the 100-byte header (https://sqlite.org/fileformat.html#the_database_header) and checks the size against it. */
export function inspectDatabaseHeader(bytes: Uint8Array, file: string): Result<DatabaseHeader> {
  const format = inspectFormat(bytes, bytes.length, file);
  return format.ok ? checkLayout(bytes, file, format.value.pageSize) : format;
}

/**
 * Only what the first 100 bytes can say (magic, page size, format) of a file of `size` bytes: the
 * native engine's check, since SQLite itself reconciles the size with the header and the WAL.
 */
export function inspectFormat(head: Uint8Array, size: number, file: string): Result<{ pageSize: number; walMode: boolean }> {
  const bytes = head;
  if (size === 0) {
    return fileProblem('db-empty', file, `${file} is empty (0 bytes), so it is not an SQLite database. If you meant a new database, remove the empty file: applying migrations creates it.`);
  }
  const magic = Buffer.from(bytes.subarray(0, MAGIC.length)).toString('latin1');
  if (magic !== MAGIC) {
    const truncatedMagic = bytes.length < MAGIC.length && MAGIC.startsWith(magic);
    return truncatedMagic
      ? truncated(file, `it is only ${bytes.length} bytes long`)
      : fileProblem('db-not-sqlite', file, `${file} is not an SQLite database (it starts with ${describeStart(bytes)} instead of "SQLite format 3"); it may be another kind of file or encrypted.`);
  }
  if (bytes.length < HEADER_SIZE) {
    return truncated(file, `it is only ${bytes.length} bytes long, shorter than the 100-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    return fileProblem('db-bad-page-size', file, `${file} has a damaged header: page size ${rawPageSize} is not a power of two between 512 and 65536.`);
  }
  const writeVersion = bytes[18];
  const readVersion = bytes[19];
  if (![1, 2].includes(writeVersion) || ![1, 2].includes(readVersion) || bytes[21] !== 64 || bytes[22] !== 32 || bytes[23] !== 32) {
    return fileProblem('db-not-sqlite', file, `${file} has a damaged or unsupported header (file format ${writeVersion}/${readVersion}); SQLite would not open it.`);
  }
  return ok({ pageSize, walMode: writeVersion === 2 && readVersion === 2 });
}

function checkLayout(bytes: Uint8Array, file: string, pageSize: number): Result<DatabaseHeader> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length % pageSize !== 0) {
    return truncated(file, `its size (${bytes.length} bytes) is not a whole number of ${pageSize}-byte pages`);
  }
  const filePages = bytes.length / pageSize;
  const headerPages = view.getUint32(28);
  // The in-header page count is only trusted when the change counter matches "version-valid-for" (offset 92).
  const headerPagesValid = headerPages !== 0 && view.getUint32(24) === view.getUint32(92);
  if (headerPagesValid && headerPages > filePages) {
    return truncated(file, `its header says ${headerPages} pages but the file holds only ${filePages}`);
  }
  return ok({ pageSize, pageCount: headerPagesValid ? headerPages : filePages, walMode: bytes[18] === 2 && bytes[19] === 2 });
}

function truncated(file: string, why: string): Result<never> {
  return fileProblem('db-truncated', file, `${file} is truncated or damaged: ${why}. Restore it from a backup.`);
}

function describeStart(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.subarray(0, 16));
  const printable = head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  return printable ? JSON.stringify(head.toString('latin1')) : `bytes ${head.subarray(0, 8).toString('hex')}`;
}

export function fileProblem(code: ProblemCode, file: string, message: string): Result<never> {
  return failWith(code, message, { file });
}
