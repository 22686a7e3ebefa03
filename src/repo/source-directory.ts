import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CeremonyError } from '../metadata/errors.js';
import type { MetadataSource } from '../metadata/client/index.js';
import type { MeasuredFile } from '../metadata/client/source.js';
import {
  digestFileNoFollow,
  readBounded,
  readFileNoFollow,
  symlinkRefused,
} from './read-no-follow.js';

/** Reads at most `maxLength` bytes of a file the user named (links followed); undefined if absent. */
export function readLimited(file: string, maxLength: number): Promise<Uint8Array | undefined> {
  return readBounded(file, maxLength);
}

/** Repository files under a directory: metadata at the top, targets under `targets/`. */
export class DirectorySource implements MetadataSource {
  private readonly base: string;
  private readonly targetsBase: string;
  private realBase: Promise<string> | undefined;

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
    return this.read(inside(this.base, decoded), maxLength);
  }

  async fetchTarget(path: string, maxLength: number): Promise<Uint8Array | undefined> {
    return this.read(inside(this.targetsBase, path), maxLength);
  }

  async digestTarget(
    path: string,
    maxLength: number,
    algorithms: readonly string[],
  ): Promise<MeasuredFile | undefined> {
    const file = inside(this.targetsBase, path);
    if (!(await this.realDirectoryInside(file))) return undefined;
    return digestFileNoFollow(file, maxLength, algorithms);
  }

  /**
   * Reads a file of the repository: no symbolic link as the file itself (O_NOFOLLOW), and none
   * among its directories that leads out of the repository (the real directory must be inside).
   */
  private async read(file: string, maxLength: number): Promise<Uint8Array | undefined> {
    if (!(await this.realDirectoryInside(file))) return undefined;
    return readFileNoFollow(file, maxLength);
  }

  /** False when the file's directory does not exist; throws when it resolves out of the repository. */
  private async realDirectoryInside(file: string): Promise<boolean> {
    const dir = dirname(file);
    // Metadata files sit in the repository folder itself: its real path is resolved once.
    this.realBase ??= realpath(this.base);
    if (dir === this.base) {
      await this.realBase;
      return true;
    }
    const [realBase, realDir] = await Promise.all([
      this.realBase,
      realpath(dir).catch(() => undefined),
    ]);
    if (realDir === undefined) return false;
    const rel = relative(realBase, realDir);
    if (rel.startsWith('..') || isAbsolute(rel)) throw symlinkRefused(dirname(file));
    return true;
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
