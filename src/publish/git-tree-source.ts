import { CeremonyError } from '../metadata/errors.js';
import type { MeasuredFile, MetadataSource } from '../metadata/client/index.js';
import type { Git } from './git.js';

/** Refuses names that would leave the folder they are read from (`..`, absolute, NUL). */
function safeName(name: string): string {
  let decoded: string;
  try {
    // Role names arrive URL-encoded (as a client puts them in a URL); in the tree they are raw.
    decoded = decodeURIComponent(name);
  } catch {
    throw new CeremonyError('IO', `${JSON.stringify(name)} is not a valid file name`);
  }
  const parts = decoded.split('/');
  if (decoded.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new CeremonyError('IO', `${JSON.stringify(name)} is outside the repository directory`);
  }
  return decoded;
}

/**
 * A repository read from a commit instead of the working tree (`git cat-file`): what a pull
 * request would merge, byte for byte, whatever the checkout holds.
 */
export class GitTreeSource implements MetadataSource {
  constructor(
    private readonly git: Git,
    private readonly ref: string,
    private readonly folder: string,
  ) {}

  fetchMetadata(name: string, maxLength: number): Promise<Uint8Array | undefined> {
    return this.git.readBlob(this.ref, `${this.folder}/${safeName(name)}`, maxLength);
  }

  fetchTarget(path: string, maxLength: number): Promise<Uint8Array | undefined> {
    return this.git.readBlob(this.ref, `${this.folder}/targets/${safeName(path)}`, maxLength);
  }

  digestTarget(
    path: string,
    maxLength: number,
    algorithms: readonly string[],
  ): Promise<MeasuredFile | undefined> {
    const file = `${this.folder}/targets/${safeName(path)}`;
    return this.git.digestBlob(this.ref, file, maxLength, algorithms);
  }
}
