import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
});
