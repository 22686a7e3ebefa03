import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { DEFAULT_LIMITS } from '../metadata/client/source.js';
import { CeremonyError } from '../metadata/errors.js';

// Files of directories the tool does not control (a repository served by a mirror, a pull
// request's checkout) are opened with O_NOFOLLOW: a symbolic link planted as `timestamp.json`
// cannot make the tool read /etc/passwd or a token file, and its target is never named.

function tooLarge(file: string, maxLength: number): CeremonyError {
  return new CeremonyError('FILE_TOO_LARGE', `${file} is larger than ${maxLength} bytes`);
}

/** The error for a symbolic link where a file was expected (its target is not read nor named). */
export function symlinkRefused(file: string): CeremonyError {
  return new CeremonyError(
    'IO',
    `${file} is a symbolic link; repository files are read without following links`,
  );
}

/**
 * Reads a regular file of at most `maxLength` bytes without following a symbolic link in its last
 * component; undefined when it does not exist.
 */
export function readFileNoFollow(
  file: string,
  maxLength: number = DEFAULT_LIMITS.maxMetadata,
): Promise<Uint8Array | undefined> {
  return readBounded(file, maxLength, constants.O_RDONLY | constants.O_NOFOLLOW);
}

/**
 * Reads a regular file of at most `maxLength` bytes (opened with `flags`); undefined when it does
 * not exist. The buffer is sized from fstat, never beyond the limit.
 */
export async function readBounded(
  file: string,
  maxLength: number,
  flags: number = constants.O_RDONLY,
): Promise<Uint8Array | undefined> {
  let handle;
  try {
    handle = await open(file, flags);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') throw symlinkRefused(file);
    throw err;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new CeremonyError('IO', `${file} is not a regular file`);
    if (info.size > maxLength) throw tooLarge(file, maxLength);
    // Read one byte more than allowed: a file that grew since stat is caught too.
    const buffer = Buffer.alloc(Math.min(info.size, maxLength) + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > maxLength) throw tooLarge(file, maxLength);
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
