import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCeremonyError } from '../../../src/metadata/errors.js';
import { DirectorySource, readLimited } from '../../../src/repo/source-directory.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'source-dir-'));
  await mkdir(join(dir, 'repo', 'targets', 'sub'), { recursive: true });
  await writeFile(join(dir, 'repo', 'timestamp.json'), 'x'.repeat(100));
  await writeFile(join(dir, 'repo', '1.a b.json'), 'role');
  await writeFile(join(dir, 'repo', 'targets', 'sub', 'file.txt'), 'target');
  await writeFile(join(dir, 'secret.json'), 'outside');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function error(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('DirectorySource', () => {
  it('reads metadata and targets within the limit', async () => {
    const source = new DirectorySource(join(dir, 'repo'));
    expect(Buffer.from((await source.fetchMetadata('timestamp.json', 100)) ?? []).length).toBe(100);
    expect(Buffer.from((await source.fetchTarget('sub/file.txt', 6)) ?? []).toString()).toBe(
      'target',
    );
    // Role names arrive URL-encoded, as a client would put them in a URL.
    expect(Buffer.from((await source.fetchMetadata('1.a%20b.json', 10)) ?? []).toString()).toBe(
      'role',
    );
  });

  it('returns undefined for missing files', async () => {
    const source = new DirectorySource(join(dir, 'repo'));
    expect(await source.fetchMetadata('2.root.json', 100)).toBeUndefined();
    expect(await source.fetchTarget('sub/none.txt', 100)).toBeUndefined();
    expect(await source.fetchTarget('sub/file.txt/deeper', 100)).toBeUndefined();
  });

  it('refuses files over the limit with FILE_TOO_LARGE', async () => {
    const source = new DirectorySource(join(dir, 'repo'));
    const err = await error(source.fetchMetadata('timestamp.json', 99));
    expect(isCeremonyError(err, 'FILE_TOO_LARGE')).toBe(true);
    expect(
      isCeremonyError(await error(source.fetchTarget('sub/file.txt', 5)), 'FILE_TOO_LARGE'),
    ).toBe(true);
  });

  it('refuses names that leave the repository', async () => {
    const source = new DirectorySource(join(dir, 'repo'));
    for (const name of ['../secret.json', '..%2Fsecret.json']) {
      expect(isCeremonyError(await error(source.fetchMetadata(name, 100)), 'IO')).toBe(true);
    }
    expect(isCeremonyError(await error(source.fetchTarget('../../secret.json', 100)), 'IO')).toBe(
      true,
    );
  });

  it('refuses a directory where a file is expected', async () => {
    const source = new DirectorySource(join(dir, 'repo'));
    expect(isCeremonyError(await error(source.fetchTarget('sub', 100)), 'IO')).toBe(true);
  });

  it('refuses a symbolic link inside the repository without reading or naming its target', async () => {
    const repo = join(dir, 'linked');
    await mkdir(join(repo, 'targets'), { recursive: true });
    await writeFile(join(dir, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    await symlink(join(dir, 'passwd'), join(repo, 'timestamp.json'));
    await symlink(dir, join(repo, 'targets', 'out'));
    const source = new DirectorySource(repo);
    const err = await error(source.fetchMetadata('timestamp.json', 1000));
    expect(isCeremonyError(err, 'IO')).toBe(true);
    const message = (err as Error).message;
    expect(message).toBe(
      `${join(repo, 'timestamp.json')} is a symbolic link; repository files are read without following links`,
    );
    const viaDir = await error(source.fetchTarget('out/passwd', 1000));
    expect(isCeremonyError(viaDir, 'IO')).toBe(true);
    for (const m of [message, (viaDir as Error).message]) {
      expect(m).not.toContain('root:x');
      expect(m).not.toContain(join(dir, 'passwd'));
    }
  });

  it('hashes a target as a stream, with the same limits and link refusal', async () => {
    const source = new DirectorySource(join(dir, 'repo'));
    const sha256 = createHash('sha256').update('target').digest('hex');
    expect(await source.digestTarget('sub/file.txt', 6, ['sha256', 'sha512'])).toEqual({
      length: 6,
      digests: {
        sha256,
        sha512: createHash('sha512').update('target').digest('hex'),
      },
    });
    expect(await source.digestTarget('sub/none.txt', 6, ['sha256'])).toBeUndefined();
    const big = await error(source.digestTarget('sub/file.txt', 5, ['sha256']));
    expect(isCeremonyError(big, 'FILE_TOO_LARGE')).toBe(true);
    const linked = new DirectorySource(join(dir, 'linked'));
    const out = await error(linked.digestTarget('out/passwd', 1000, ['sha256']));
    expect(isCeremonyError(out, 'IO')).toBe(true);
  });

  it('reads through a symbolic link the user names and keeps the limit', async () => {
    const link = join(dir, 'link.json');
    await symlink(join(dir, 'repo', 'timestamp.json'), link);
    expect((await readLimited(link, 100))?.length).toBe(100);
    expect(isCeremonyError(await error(readLimited(link, 50)), 'FILE_TOO_LARGE')).toBe(true);
  });
});
