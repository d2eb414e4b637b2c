// A file-system failure as one sentence: which path, what is wrong with it, what to do. Used wherever an
// I/O error would otherwise reach the user as "internal error" and a stack trace.
import type { Problem } from './model';
import { problem } from './problems';

/** Errors the operating system reports about a path (they carry a code and a syscall). */
export function isFileSystemError(e: unknown): e is NodeJS.ErrnoException {
  const err = e as NodeJS.ErrnoException | undefined;
  return typeof err?.code === 'string' && typeof err.syscall === 'string';
}

/**
 * Whether the failed call meant to read or to write. An `open` does not say (the same call creates a file), so code
 * that creates or writes a file passes 'write' (and names the folder): else a refused create read "may not read".
 */
export type FileIntent = 'read' | 'write';

const READ_CALLS = new Set(['scandir', 'opendir', 'open', 'read', 'stat', 'lstat', 'access', 'readlink', 'realpath']);

function intentOf(e: NodeJS.ErrnoException): FileIntent {
  return READ_CALLS.has(e.syscall ?? '') ? 'read' : 'write';
}

/**
 * What is wrong and what to do, for the codes a user can act on. For a write, `file` is best the folder the file
 * was to be created in: that is where the permission is missing, and a temp file's name means nothing to the user.
 */
export function fileSystemAdvice(e: NodeJS.ErrnoException, file: string, intent: FileIntent = intentOf(e)): string {
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return intent === 'read'
        ? `this user may not read ${file}; give it permission, or run as a user who has it`
        : `this user may not write to ${file}; give it write permission there, or run as a user who has it`;
    case 'ENOENT':
      return `${file} does not exist; check the path in the settings or flags`;
    case 'ENOTDIR':
      return `part of ${file} is a file where a folder is expected; check the path`;
    case 'EISDIR':
      return `${file} is a folder where a file is expected; remove or rename that folder`;
    case 'ELOOP':
      return `${file} is a symbolic link that loops (or there are too many links on the way); fix or remove the link`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk holding ${file} is full; free some space on it and try again`;
    case 'EROFS':
      return `${file} is on a read-only file system; remount it read-write or use a copy elsewhere`;
    case 'EMFILE':
    case 'ENFILE':
      return `too many files are open to read ${file}; close other programs or raise the open-file limit (ulimit -n)`;
    default:
      return `${file}: ${e.message}`;
  }
}

/** The problem for an I/O error no code path expected; nothing it interrupted had been changed yet. */
export function fileSystemProblem(e: NodeJS.ErrnoException, fallbackPath?: string): Problem {
  const file = e.path ?? fallbackPath ?? 'a file';
  return problem('fs-error', `Could not ${verb(e.syscall)}: ${fileSystemAdvice(e, file)}.`, { file: e.path ?? fallbackPath });
}

function verb(syscall: string | undefined): string {
  switch (syscall) {
    case 'scandir':
    case 'opendir':
      return 'list a folder';
    case 'open':
    case 'read':
      return 'read a file';
    case 'mkdir':
      return 'create a folder';
    case 'write':
    case 'link':
    case 'rename':
    case 'unlink':
    case 'rmdir':
      return 'write a file';
    default:
      return 'use a file';
  }
}
