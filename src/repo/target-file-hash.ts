import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { TargetFile } from '../metadata/model.js';

/** Read buffer for hashing target files: the only part of a target ever in memory. */
const CHUNK = 1024 * 1024;

/**
 * The TargetFile entry (length, sha256, custom) of a file on disk, hashed through one reused
 * buffer, so a target of several GiB is listed in flat memory (spec 4.5: LENGTH and HASHES).
 */
export async function targetFileOf(file: string, custom?: unknown): Promise<TargetFile> {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(CHUNK);
  let length = 0;
  const handle = await open(file, 'r');
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, length);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      length += bytesRead;
    }
  } finally {
    await handle.close();
  }
  // Keys in sorted order (custom, hashes, length), as targetFileFor builds them.
  const hashes = { sha256: hash.digest('hex') };
  return custom === undefined ? { hashes, length } : { custom, hashes, length };
}
