import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBinListing, listedBins } from '../../../src/repo/bin-listings.js';
import { BinnedListing } from '../../../src/repo/binned-listing.js';
import { readBinRecord, writeBinRecord } from '../../../src/repo/bin-record.js';
import { writeListing } from '../../../src/repo/target-listings.js';
import { targetFileFor } from '../../../src/metadata/build-targets.js';
import { binForPath } from '../../../src/metadata/delegation.js';
import type { SuccinctRoles, TargetFile } from '../../../src/metadata/model.js';

const BINS: SuccinctRoles = { keyids: [], threshold: 1, bit_length: 3, name_prefix: 'b' };
const file = (text: string): TargetFile => targetFileFor(new TextEncoder().encode(text));
const line = (path: string): string =>
  JSON.stringify({ path, length: file(path).length, hashes: file(path).hashes });
const PATHS = Array.from({ length: 30 }, (_, i) => `p/${i}.tgz`);

const made: string[] = [];
async function tempRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bin-listings-'));
  made.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

describe('per-bin listings', () => {
  it('parses a bin, refusing a bad line, a duplicate and a path of another bin by line', () => {
    const bin = binForPath(BINS, PATHS[0] as string);
    const mine = PATHS.filter((p) => binForPath(BINS, p) === bin);
    const other = PATHS.find((p) => binForPath(BINS, p) !== bin) as string;
    const text = `${mine.map(line).join('\n')}\n`;
    expect([...parseBinListing(text, 'f.jsonl', BINS, bin).keys()]).toEqual(mine);
    expect(() => parseBinListing(`${text}{"path":1}\n`, 'f.jsonl', BINS, bin)).toThrow(
      new RegExp(`^f\\.jsonl: line ${mine.length + 1}: `),
    );
    expect(() =>
      parseBinListing(`${text}${line(mine[0] as string)}\n`, 'f.jsonl', BINS, bin),
    ).toThrow(/duplicate path/);
    expect(() => parseBinListing(`${text}${line(other)}\n`, 'f.jsonl', BINS, bin)).toThrow(
      new RegExp(`hashes into bin ${binForPath(BINS, other)}, not ${bin} \\(TAP 15\\)`),
    );
  });

  it('changes and writes only the bins touched, and splits a one-file listing', async () => {
    const root = await tempRoot();
    const listing = new BinnedListing(root, 'bins', BINS);
    for (const p of PATHS) listing.set(p, file(p));
    expect(await listing.write()).toBe(8);
    const bins = (await listedBins(root, 'bins', BINS)) ?? [];
    expect(bins).toHaveLength(8);
    const again = new BinnedListing(root, 'bins', BINS);
    expect(again.has(PATHS[3] as string)).toBe(true);
    again.delete(PATHS[3] as string);
    expect(await again.write()).toBe(1);
    const changed = binForPath(BINS, PATHS[3] as string);
    const text = await readFile(join(root, 'targets-listed', 'bins', `${changed}.jsonl`), 'utf8');
    expect(text).not.toContain(PATHS[3]);

    // The layout before: one file for the delegation, split on the first change, then removed.
    const old = await tempRoot();
    await writeListing(old, 'bins', new Map(PATHS.map((p) => [p, file(p)])));
    const split = new BinnedListing(old, 'bins', BINS, new Map(PATHS.map((p) => [p, file(p)])));
    split.set('p/new.tgz', file('new'));
    expect(await split.write()).toBe(8);
    expect(await readdir(join(old, 'targets-listed'))).toEqual(['bins']);
    const total = (await listedBins(old, 'bins', BINS)) ?? [];
    let count = 0;
    for (const bin of total) {
      const t = await readFile(join(old, 'targets-listed', 'bins', `${bin}.jsonl`), 'utf8');
      count += parseBinListing(t, bin, BINS, bin).size;
    }
    expect(count).toBe(PATHS.length + 1);
  });

  it('refuses a file in the folder that is not a bin of the delegation', async () => {
    const root = await tempRoot();
    await mkdir(join(root, 'targets-listed', 'bins'), { recursive: true });
    await writeFile(join(root, 'targets-listed', 'bins', 'b-9.jsonl'), '');
    await expect(listedBins(root, 'bins', BINS)).rejects.toThrow(
      /b-9\.jsonl: not the listing of a bin of bins/,
    );
  });

  it('keeps bin facts by ceremony folder; a damaged record counts as none', async () => {
    const dir = await tempRoot();
    const facts = new Map([
      ['b-0', { listing: 'l0', published: 'f0', version: 3, expires: '2027-01-01T00:00:00Z' }],
      ['b-1', { listing: '', draft: 'd1', version: 4, expires: '2027-01-02T00:00:00Z' }],
    ]);
    await writeBinRecord(dir, '/ceremony', { plan: 'p', bins: facts });
    expect(await readBinRecord(dir, '/ceremony')).toEqual({ plan: 'p', bins: facts });
    expect((await readBinRecord(dir, '/other')).bins.size).toBe(0);
    const [name] = await readdir(dir);
    await writeFile(join(dir, name as string), '{"dir":"/ceremony","plan":"p","bins":{"b-0":[1]}}');
    expect((await readBinRecord(dir, '/ceremony')).bins.size).toBe(0);
  });
});
