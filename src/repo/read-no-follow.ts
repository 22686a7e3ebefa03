import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { DEFAULT_LIMITS, type MeasuredFile } from '../metadata/client/source.js';
import { CeremonyError } from '../metadata/errors.js';
import { StreamDigest } from './stream-digest.js';

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

/** readFileNoFollow with synchronous system calls (a file read on first use, behind a getter). */
export function readFileNoFollowSync(
  file: string,
  maxLength: number = DEFAULT_LIMITS.maxMetadata,
): Uint8Array | undefined {
  return readBoundedSync(file, maxLength, constants.O_RDONLY | constants.O_NOFOLLOW);
}

/**
 * Opens a regular file of at most `maxLength` bytes (synchronous system calls); undefined when it
 * does not exist. The caller closes the descriptor.
 */
function openBounded(
  file: string,
  maxLength: number,
  flags: number,
): { fd: number; size: number } | undefined {
  let fd: number;
  try {
    fd = openSync(file, flags);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') throw symlinkRefused(file);
    throw err;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new CeremonyError('IO', `${file} is not a regular file`);
    if (info.size > maxLength) throw tooLarge(file, maxLength);
    return { fd, size: info.size };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/**
 * Reads a regular file of at most `maxLength` bytes (opened with `flags`); undefined when it does
 * not exist. The buffer is sized from fstat, never beyond the limit. Synchronous system calls
 * behind the promise: loading a repository of 16,384 bins reads as many small files, and four
 * thread-pool round trips per file cost more than the reads themselves.
 */
export function readBounded(
  file: string,
  maxLength: number,
  flags: number = constants.O_RDONLY,
): Promise<Uint8Array | undefined> {
  return new Promise((resolve) => {
    resolve(readBoundedSync(file, maxLength, flags));
  });
}

function readBoundedSync(file: string, maxLength: number, flags: number): Uint8Array | undefined {
  const opened = openBounded(file, maxLength, flags);
  if (opened === undefined) return undefined;
  const { fd, size } = opened;
  try {
    // Read one byte more than allowed: a file that grew since stat is caught too.
    const buffer = Buffer.allocUnsafe(Math.min(size, maxLength) + 1);
    const filled = fillFrom(fd, buffer, buffer.length);
    if (filled > maxLength) throw tooLarge(file, maxLength);
    return buffer.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

/** Reads of up to this many bytes go through one reused buffer (readBuffer). */
const SHARED_READ_BYTES = 1 << 20;
let sharedBuffer: Buffer | undefined;

/**
 * A buffer of at least `bytes` bytes for one synchronous read: the same one each time up to
 * SHARED_READ_BYTES, which its caller uses and lets go before it returns; a new one beyond.
 */
export function readBuffer(bytes: number): Buffer {
  if (bytes > SHARED_READ_BYTES) return Buffer.allocUnsafe(bytes);
  sharedBuffer ??= Buffer.allocUnsafe(SHARED_READ_BYTES);
  return sharedBuffer;
}

/** Reads from the start of `fd` into `buffer` until `want` bytes or the end; the count read. */
export function fillFrom(fd: number, buffer: Buffer, want: number): number {
  let filled = 0;
  while (filled < want) {
    const bytesRead = readSync(fd, buffer, filled, want - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/**
 * The UTF-8 text of a regular file of at most `maxLength` bytes (no symbolic link followed), or
 * undefined when it does not exist. Read through readBuffer: reading 16,384 bin listings in turn
 * then leaves the allocator no buffer per file to hold (a million's finalize peaked about 250 MB
 * higher with one per file).
 */
export function readTextNoFollowSync(file: string, maxLength: number): string | undefined {
  const opened = openBounded(file, maxLength, constants.O_RDONLY | constants.O_NOFOLLOW);
  if (opened === undefined) return undefined;
  const { fd, size } = opened;
  try {
    // Read one byte more than allowed: a file that grew since stat is caught too.
    const want = Math.min(size, maxLength) + 1;
    const buffer = readBuffer(want);
    const filled = fillFrom(fd, buffer, want);
    if (filled > maxLength) throw tooLarge(file, maxLength);
    return buffer.toString('utf8', 0, filled);
  } finally {
    closeSync(fd);
  }
}

/** Bytes read at a time when a file is hashed as a stream. */
const CHUNK = SHARED_READ_BYTES;

/**
 * Length and digests of a regular file (no symbolic link followed) of at most `maxLength` bytes,
 * read 1 MiB at a time: memory stays flat whatever the size.
 */
export function digestFileNoFollow(
  file: string,
  maxLength: number,
  algorithms: readonly string[],
): Promise<MeasuredFile | undefined> {
  return new Promise((resolve) => {
    const opened = openBounded(file, maxLength, constants.O_RDONLY | constants.O_NOFOLLOW);
    if (opened === undefined) {
      resolve(undefined);
      return;
    }
    const { fd } = opened;
    try {
      const digest = new StreamDigest(algorithms);
      // One buffer for every call: the reads are synchronous, and a fresh zeroed MiB per file
      // cost more than hashing 16,384 small files.
      const buffer = readBuffer(CHUNK);
      for (;;) {
        const bytesRead = readSync(fd, buffer, 0, CHUNK, null);
        if (bytesRead === 0) break;
        digest.update(buffer.subarray(0, bytesRead));
        if (digest.length > maxLength) throw tooLarge(file, maxLength);
      }
      resolve(digest.result());
    } finally {
      closeSync(fd);
    }
  });
}
