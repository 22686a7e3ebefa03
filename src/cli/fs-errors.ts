import { printable } from '../metadata/printable.js';
import { readFile } from 'node:fs/promises';
import { CeremonyError } from '../metadata/errors.js';

// Operating-system errors the user can cause (a wrong path, a full disk, a read-only mount),
// turned into one line that names the file and says what to do. Node's own messages
// ("ENOENT: no such file or directory, open '...'") never reach the user.

/** A Node system error: `code` like ENOENT, usually with the `path` it concerns. */
export interface SystemError {
  code: string;
  path?: string;
  dest?: string;
  syscall?: string;
}

/** True for Node system errors (ENOENT, EACCES, ...), which come from the user's environment. */
export function isSystemError(err: unknown): err is SystemError {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

const FIXES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory; check the path',
  EISDIR: 'is a directory where a file is expected; give a file',
  ENOTDIR:
    'a part of this path is a file where a directory is expected; move that file away or fix the path',
  EACCES: 'permission denied; check the owner and mode (ls -l) or run as the owner',
  EPERM: 'operation not permitted; check the owner, mode and attributes of the file',
  ENOSPC: 'no space left on the device; free some space and run the command again',
  EDQUOT: 'disk quota exceeded; free some space and run the command again',
  EROFS: 'read-only file system; run the command in a writable directory',
  EEXIST: 'already exists; remove it or choose another name',
  ENOTEMPTY: 'directory not empty; remove its contents or choose another directory',
  EMFILE: 'too many open files; raise the limit (ulimit -n) and run the command again',
  ENAMETOOLONG: 'file name too long; choose a shorter path',
  ELOOP: 'too many symbolic links; fix the link',
  EBUSY: 'busy; close what uses it and run the command again',
};

/** One line for a system error: the file, what happened, and the fix. */
export function systemErrorMessage(err: SystemError): string {
  const fix = FIXES[err.code];
  const what = fix ?? `${err.syscall ?? 'operation'} failed (${err.code})`;
  if (err.path === undefined) return `${what} (${err.code})`;
  const file = printable(err.path);
  return fix === undefined ? `${file}: ${what}` : `${file}: ${what} (${err.code})`;
}

/**
 * The error to show for a failure on a file the user named: a system error becomes one line
 * naming the file as the user typed it (`shown`); anything else is returned unchanged.
 */
export function userFileError(err: unknown, shown: string): unknown {
  if (!isSystemError(err)) return err;
  return new CeremonyError('IO', systemErrorMessage({ ...err, path: shown }), {
    file: shown,
    cause: err,
  });
}

/** Reads a file the user named on the command line; errors name it as typed. */
export async function readUserFile(path: string, shown: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw userFileError(err, shown);
  }
}
