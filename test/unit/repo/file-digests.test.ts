import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileDigests } from '../../../src/repo/file-digests.js';

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

async function temp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'file-digests-'));
  made.push(dir);
  return dir;
}

const LATER = (): number => Date.now() + 10_000;

describe('file digests kept by file status', () => {
  it('answers for an unchanged file only, and never for a file changed moments before', async () => {
    const records = await temp();
    const dir = await temp();
    const file = join(dir, 'listing.jsonl');
    await writeFile(file, 'one\n');
    const first = await FileDigests.open(records, dir);
    // Hashed "now": the file changed less than two seconds before, so it is not remembered.
    first.remember(file, 'a'.repeat(64), Date.now());
    await first.save();
    expect((await FileDigests.open(records, dir)).lookup(file)).toBeUndefined();

    const second = await FileDigests.open(records, dir);
    second.remember(file, 'b'.repeat(64), LATER());
    await second.save();
    const third = await FileDigests.open(records, dir);
    expect(third.lookup(file)).toBe('b'.repeat(64));
    // With the length the status gives (finalize checks it against snapshot, spec 5.6.2).
    expect(third.measured(file)).toEqual({ length: 4, sha256: 'b'.repeat(64) });
    // Same length, other bytes: the change time moved, so the record no longer answers (the
    // pause outlasts the kernel's coarse file clock; real records need two settled seconds).
    await new Promise((resolve) => setTimeout(resolve, 50));
    await writeFile(file, 'two\n');
    expect((await FileDigests.open(records, dir)).lookup(file)).toBeUndefined();
    expect((await FileDigests.open(records, dir)).measured(file)).toBeUndefined();
    // Another ceremony folder has its own record.
    expect((await FileDigests.open(records, await temp())).lookup(file)).toBeUndefined();
  });

  it('answers a lookup from a status taken ahead once, then from the file again', async () => {
    const records = await temp();
    const dir = await temp();
    const file = join(dir, 'bin.json');
    await writeFile(file, 'one\n');
    const first = await FileDigests.open(records, dir);
    first.remember(file, 'c'.repeat(64), LATER());
    await first.save();
    const digests = await FileDigests.open(records, dir);
    digests.prefetch([file, join(dir, 'not-recorded.json')]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await writeFile(file, 'two\n');
    // The status taken ahead stands for the file as it was then; the next lookup sees the change.
    expect(digests.lookup(file)).toBe('c'.repeat(64));
    expect(digests.lookup(file)).toBeUndefined();
  });

  it('leaves a small new file for later when rewriting a large record would cost more', async () => {
    const records = await temp();
    const dir = await temp();
    const files = Array.from({ length: 100 }, (_, i) => join(dir, `bin-${i}.jsonl`));
    for (const file of files) await writeFile(file, 'listed\n');
    const first = await FileDigests.open(records, dir);
    for (const file of files) first.remember(file, 'd'.repeat(64), LATER());
    await first.save();
    // 100 entries: a rewrite is worth 6,400 bytes hashed again; one small file costs 4,103.
    const small = join(dir, 'bin-small.jsonl');
    const large = join(dir, 'bin-large.jsonl');
    await writeFile(small, 'one more\n');
    await writeFile(large, 'x'.repeat(4096));
    const second = await FileDigests.open(records, dir);
    for (const file of files) expect(second.lookup(file)).toBe('d'.repeat(64));
    second.remember(small, 'e'.repeat(64), LATER());
    await second.save();
    const third = await FileDigests.open(records, dir);
    expect(third.lookup(small)).toBeUndefined();
    for (const file of files) expect(third.lookup(file)).toBe('d'.repeat(64));
    third.remember(small, 'e'.repeat(64), LATER());
    third.remember(large, 'f'.repeat(64), LATER());
    await third.save();
    const fourth = await FileDigests.open(records, dir);
    expect([fourth.lookup(small), fourth.lookup(large)]).toEqual(['e'.repeat(64), 'f'.repeat(64)]);
  });

  it('hashes settled files no record answers for, and only those', async () => {
    const records = await temp();
    const dir = await temp();
    const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
    const files = Array.from({ length: 5 }, (_, i) => join(dir, `${i}.bins-${i}.json`));
    for (const [i, file] of files.entries()) await writeFile(file, `bin ${i}\n`.repeat(i + 1));
    const link = join(dir, 'link.json');
    await symlink(files[0] ?? '', link);
    const folder = join(dir, 'folder.json');
    await mkdir(folder);
    const large = join(dir, 'large.json');
    await writeFile(large, 'x'.repeat(100));
    // A FIFO under a published file's name: opening it must not wait for a writer.
    const fifo = join(dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    const all = [...files, link, folder, large, fifo, join(dir, 'missing.json')];

    // Just written: nothing is hashed (a write in the same instant could hide behind it).
    const fresh = await FileDigests.open(records, dir);
    fresh.prefetch(all);
    expect(fresh.refresh(all, 99)).toBe(0);
    for (const file of all) expect(fresh.lookup(file)).toBeUndefined();

    const first = await FileDigests.open(records, dir);
    first.prefetch(all);
    expect(first.refresh(all, 99, LATER)).toBe(files.length);
    for (const [i, file] of files.entries())
      expect(first.measured(file)).toEqual({
        length: 6 * (i + 1),
        sha256: sha(`bin ${i}\n`.repeat(i + 1)),
      });
    // A link, a folder, a file over the limit, a FIFO and a missing one are left to the reader.
    for (const file of [link, folder, large, fifo, join(dir, 'missing.json')])
      expect(first.lookup(file)).toBeUndefined();
    await first.save();

    // Kept: the next command hashes only the file changed since.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await writeFile(files[2] ?? '', 'other bytes\n');
    const second = await FileDigests.open(records, dir);
    second.prefetch(all);
    expect(second.refresh(all, 99, LATER)).toBe(1);
    expect(second.lookup(files[2] ?? '')).toBe(sha('other bytes\n'));
    expect(second.lookup(files[1] ?? '')).toBe(sha('bin 1\n'.repeat(2)));
    // The status taken when hashing answers once; a change after it is seen on the next lookup.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await writeFile(files[3] ?? '', 'changed after the refresh\n');
    expect(second.lookup(files[3] ?? '')).toBe(sha('bin 3\n'.repeat(4)));
    expect(second.lookup(files[3] ?? '')).toBeUndefined();
  });
});
