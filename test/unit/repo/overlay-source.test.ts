import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OverlaySource } from '../../../src/repo/overlay-source.js';
import { DirectorySource } from '../../../src/repo/source-directory.js';
import { MemorySource } from '../metadata/client/memory-source.js';

const enc = new TextEncoder();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'overlay-'));
  await mkdir(join(dir, 'targets'), { recursive: true });
  await writeFile(join(dir, 'targets', 'old.txt'), 'published');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('OverlaySource.digestTarget', () => {
  it('measures pending targets from memory and published ones through the base source', async () => {
    const pending = new Map([['targets/new.txt', enc.encode('pending')]]);
    const overDir = new OverlaySource(pending, new DirectorySource(dir));
    expect(await overDir.digestTarget('new.txt', 100, ['sha256'])).toEqual({
      length: 7,
      digests: { sha256: sha256('pending') },
    });
    expect(await overDir.digestTarget('old.txt', 100, ['sha256'])).toEqual({
      length: 9,
      digests: { sha256: sha256('published') },
    });
    const overMemory = new OverlaySource(
      pending,
      new MemorySource(new Map([['targets/mem.txt', enc.encode('memory')]])),
    );
    expect(await overMemory.digestTarget('mem.txt', 100, ['sha256'])).toEqual({
      length: 6,
      digests: { sha256: sha256('memory') },
    });
    expect(await overMemory.digestTarget('none.txt', 100, ['sha256'])).toBeUndefined();
  });
});
