import { createHash, type Hash } from 'node:crypto';
import type { MeasuredFile } from '../metadata/client/source.js';

/** Hashes bytes as they arrive with each algorithm, counting them; nothing is kept. */
export class StreamDigest {
  private readonly hashes: [string, Hash][];
  length = 0;

  constructor(algorithms: readonly string[]) {
    this.hashes = algorithms.map((alg) => [alg, createHash(alg)]);
  }

  /** Feeds one chunk. */
  update(chunk: Uint8Array): void {
    this.length += chunk.length;
    for (const [, hash] of this.hashes) hash.update(chunk);
  }

  /** The length and hex digests of everything fed. */
  result(): MeasuredFile {
    const digests: Record<string, string> = {};
    for (const [alg, hash] of this.hashes) digests[alg] = hash.digest('hex');
    return { length: this.length, digests };
  }
}
