import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFileAtomic } from '../../../src/repo/atomic-write.js';
import { targetFileOf } from '../../../src/repo/target-file-hash.js';

describe('copyFileAtomic', () => {
  it('copies byte for byte, hashing as it goes, and keeps holes as holes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tuf-ceremony-copy-'));
    const source = join(dir, 'source.bin');
    await writeFile(source, 'head');
    await truncate(source, 5 * 1024 * 1024 + 3);
    const bytes = await readFile(source);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const copied = await copyFileAtomic(source, join(dir, 'out', 'copy.bin'));
    expect(copied).toEqual({ length: bytes.length, sha256 });
    expect((await readFile(join(dir, 'out', 'copy.bin'))).equals(bytes)).toBe(true);
    expect((await stat(join(dir, 'out', 'copy.bin'))).blocks * 512).toBeLessThan(2 * 1024 * 1024);
    expect(await targetFileOf(source, { k: 1 })).toEqual({
      custom: { k: 1 },
      hashes: { sha256 },
      length: bytes.length,
    });
  });

  it('lands nothing when the check of the copied bytes fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tuf-ceremony-copy-'));
    await writeFile(join(dir, 'source.bin'), 'changed since it was staged');
    await expect(
      copyFileAtomic(join(dir, 'source.bin'), join(dir, 'dest.bin'), () => {
        throw new Error('sha256 mismatch');
      }),
    ).rejects.toThrow('sha256 mismatch');
    expect(await readdir(dir)).toEqual(['source.bin']);
  });
});
