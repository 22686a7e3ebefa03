import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTextNoFollowSync } from '../../../src/repo/read-no-follow.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'read-text-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('text read through one reused buffer', () => {
  it('gives each file its own text, small and large in turn', async () => {
    const long = join(dir, 'long.jsonl');
    const short = join(dir, 'short.jsonl');
    const large = join(dir, 'large.jsonl');
    await writeFile(long, 'é'.repeat(300_000));
    await writeFile(short, 'one line\n');
    await writeFile(large, 'x'.repeat(3 * 1024 * 1024));
    expect(readTextNoFollowSync(long, 1 << 30)).toBe('é'.repeat(300_000));
    // The shared buffer holds the longer text's bytes after it: none of them show.
    expect(readTextNoFollowSync(short, 1 << 30)).toBe('one line\n');
    expect(readTextNoFollowSync(large, 1 << 30)).toHaveLength(3 * 1024 * 1024);
    expect(readTextNoFollowSync(short, 1 << 30)).toBe('one line\n');
  });

  it('refuses a link and a file over the limit, and gives nothing for a missing file', async () => {
    const file = join(dir, 'bins-0.jsonl');
    await writeFile(file, '0123456789');
    const link = join(dir, 'link.jsonl');
    await symlink(file, link);
    expect(() => readTextNoFollowSync(link, 100)).toThrow(/symbolic link/);
    expect(() => readTextNoFollowSync(file, 9)).toThrow(/larger than 9 bytes/);
    expect(readTextNoFollowSync(file, 10)).toBe('0123456789');
    expect(readTextNoFollowSync(join(dir, 'missing.jsonl'), 10)).toBeUndefined();
  });
});
