import { open } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { CeremonyError } from '../metadata/errors.js';
import type { MetadataSource } from '../metadata/client/index.js';

/** Reads at most `maxLength` bytes of a file; undefined when it does not exist. */
export async function readLimited(
  file: string,
  maxLength: number,
): Promise<Uint8Array | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
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

function tooLarge(file: string, maxLength: number): CeremonyError {
  return new CeremonyError('FILE_TOO_LARGE', `${file} is larger than ${maxLength} bytes`);
}

/** Repository files under a directory: metadata at the top, targets under `targets/`. */
export class DirectorySource implements MetadataSource {
  private readonly base: string;
  private readonly targetsBase: string;

  constructor(directory: string) {
    this.base = resolve(directory);
    this.targetsBase = join(this.base, 'targets');
  }

  async fetchMetadata(name: string, maxLength: number): Promise<Uint8Array | undefined> {
    // Role names arrive URL-encoded (as a client puts them in a URL); on disk they are raw.
    let decoded: string;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      return undefined;
    }
    return readLimited(inside(this.base, decoded), maxLength);
  }

  async fetchTarget(path: string, maxLength: number): Promise<Uint8Array | undefined> {
    return readLimited(inside(this.targetsBase, path), maxLength);
  }
}

/** Joins a relative name under a base directory, refusing anything that would leave it. */
function inside(base: string, name: string): string {
  const file = resolve(base, name);
  const rel = relative(base, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || name.includes('\0')) {
    throw new CeremonyError('IO', `${name} is outside the repository directory`);
  }
  return file;
}
