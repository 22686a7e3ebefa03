import { execFile } from 'node:child_process';
import { lstat, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture, treeDigest } from '../../helpers/ceremony.js';
import { FOUR_BINS, listingLine } from './four-bins.js';

// finalize remembers, in the tool's cache folder, the sha256 of each published bin it read by
// the bin's file status (size, inode, modification and change times) once that status settled;
// the next finalize does not read an unchanged bin again. A bin whose bytes changed on disk,
// even with its size kept and its modification time set back, has another change time: it is
// read, and refused by the client check (spec 5.6.2).

const run = promisify(execFile);

type Entry = [size: string, ino: string, mtimeNs: string, ctimeNs: string, sha256: string];

/** The cache's record of published files: path -> [size, inode, mtime ns, ctime ns, sha256]. */
async function publishedRecord(cache: string): Promise<Record<string, Entry>> {
  const dir = join(cache, 'published');
  const [name] = await readdir(dir);
  const record = JSON.parse(await readFile(join(dir, name ?? ''), 'utf8')) as {
    files: Record<string, Entry>;
  };
  return record.files;
}

/** A file's status as the record keeps it (file-digests.ts). */
async function statusOf(path: string): Promise<number[]> {
  const s = await lstat(path);
  return [s.size, s.ino, s.mtimeMs, s.ctimeMs];
}

describe('finalize with the record of published files', () => {
  it('skips reading unchanged bins but catches one changed with size and time kept', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
    await ceremony.editPlan((text) => text + FOUR_BINS);
    const cache = await mkdtemp(join(tmpdir(), 'tuf-ceremony-cache-'));
    ceremony.env.TUF_CEREMONY_CACHE = cache;
    const repo = join(ceremony.dir, 'repository');
    const manifest = join(ceremony.dir, '..', 'listing.jsonl');
    const paths = Array.from({ length: 8 }, (_, i) => `pkgs/p-${i}.tgz`);
    const oneMore = async (path: string): Promise<string[]> => {
      paths.push(path);
      await writeFile(manifest, paths.map(listingLine).join('\n') + '\n');
      await ceremony.ok(['targets', 'import', manifest]);
      const staged = JSON.parse((await ceremony.ok(['stage', '--json'])).stdout) as {
        roles: { role: string }[];
      };
      expect((await ceremony.sign('bob')).code).toBe(0);
      return staged.roles.map((r) => r.role).filter((r) => r.startsWith('bins-'));
    };

    await writeFile(manifest, paths.map(listingLine).join('\n') + '\n');
    await ceremony.ok(['targets', 'import', manifest]);
    await ceremony.ok(['stage']);
    for (const holder of ['alice', 'bob']) expect((await ceremony.sign(holder)).code).toBe(0);
    expect((await ceremony.finalize()).code).toBe(0);
    // A file is remembered only once its last change is two seconds old (file-digests.ts).
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const first = await oneMore('pkgs/one-more.tgz');
    expect(first).toHaveLength(1);
    expect((await ceremony.finalize()).code).toBe(0);

    // The three unchanged bins were read and remembered with their status as it is now.
    const names = await readdir(repo);
    const unchanged = names.filter(
      (n) => /^1\.bins-[0-3]\.json$/.test(n) && !first.some((b) => n === `1.${b}.json`),
    );
    expect(unchanged).toHaveLength(3);
    const record = await publishedRecord(cache);
    for (const name of unchanged)
      expect(record[join(repo, name)]?.slice(0, 4)).toEqual(await statusOf(join(repo, name)));

    // One more target in another bin if possible; then a remembered bin is changed on disk with
    // its size and modification time kept: only its change time tells, and finalize reads it.
    const second = await oneMore('pkgs/yet-another.tgz');
    const victim = unchanged.find((n) => !second.some((b) => n === `1.${b}.json`)) ?? '';
    const file = join(repo, victim);
    const good = await readFile(file, 'utf8');
    const before = await lstat(file, { bigint: true });
    const bad = good.replace(/("sig": ")([0-9a-f])/, (_m, head: string, digit: string) => {
      return `${head}${digit === '0' ? '1' : '0'}`;
    });
    expect(bad.length).toBe(good.length);
    expect(bad).not.toBe(good);
    await writeFile(file, bad);
    // Set back to the nanosecond (GNU touch; utimes takes a double, which rounds).
    const ns = String(before.mtimeNs % 1_000_000_000n).padStart(9, '0');
    await run('touch', ['-m', '-d', `@${before.mtimeNs / 1_000_000_000n}.${ns}`, file]);
    const after = await statusOf(file);
    expect(after.slice(0, 3)).toEqual(record[file]?.slice(0, 3));
    const tree = await treeDigest(repo);
    const refused = await ceremony.finalize();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/sha256 .* but snapshot v\d+ lists .* \(spec 5\.6\.2/);
    expect(await treeDigest(repo)).toEqual(tree);

    // Repaired (another change time again), the release is published and verifies.
    await writeFile(file, good);
    const published = await ceremony.finalize();
    expect(published.code, published.stderr).toBe(0);
    await ceremony.ok(['verify', '--root', join(repo, '1.root.json'), repo]);
  });
});
