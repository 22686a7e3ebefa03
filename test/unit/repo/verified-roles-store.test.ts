import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifiedRoleKey } from '../../../src/metadata/client/index.js';
import { VerifiedRolesRecord, verifiedRolesFile } from '../../../src/repo/verified-roles-store.js';

// The record of targets roles finalize verified on this machine: kept in the tool's cache
// folder, bounded, extended atomically, and costing time only when it is missing, unreadable,
// damaged or read-only.

const EXPIRES = '2031-01-01T00:00:00Z';
const key = (i: number): string => verifiedRoleKey(`bin-${i}`, 'a'.repeat(64), 'b'.repeat(64));

let base: string;
let env: Record<string, string>;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'tuf-ceremony-verified-'));
  env = { TUF_CEREMONY_CACHE: join(base, 'cache') };
});

afterEach(async () => {
  await chmod(base, 0o700);
  await rm(base, { recursive: true, force: true });
});

describe('the record of verified roles', () => {
  it('keeps what one command added for the next, in the cache folder', async () => {
    const first = await VerifiedRolesRecord.load(env);
    expect(first.get(key(1))).toBeUndefined();
    first.add(key(1), { version: 3, expires: EXPIRES });
    expect(first.get(key(1))).toEqual({ version: 3, expires: EXPIRES });
    await first.save();
    const file = verifiedRolesFile(env);
    expect(file).toBe(join(base, 'cache', 'verified-roles.txt'));
    expect(await readFile(file, 'utf8')).toBe(`${key(1)} 3 ${EXPIRES}\n`);
    const next = await VerifiedRolesRecord.load(env);
    expect(next.get(key(1))).toEqual({ version: 3, expires: EXPIRES });
    expect(next.get(key(2))).toBeUndefined();
  });

  it('ignores lines that are not entries', async () => {
    const file = verifiedRolesFile(env);
    const good = `${key(1)} 1 ${EXPIRES}`;
    await mkdir(join(base, 'cache'));
    await writeFile(
      file,
      [
        'garbage',
        `${key(2)} 0 ${EXPIRES}`,
        `${key(3)} 1 2031-01-01 00:00:00`,
        `${key(4).toUpperCase()} 1 ${EXPIRES}`,
        `${key(5)} 1 ${EXPIRES} extra`,
        `${key(6)} 99999999999999999 ${EXPIRES}`,
        good,
      ].join('\n'),
    );
    const record = await VerifiedRolesRecord.load(env);
    expect(record.get(key(1))).toEqual({ version: 1, expires: EXPIRES });
    for (const i of [2, 3, 4, 5, 6]) expect(record.get(key(i)), `line ${i}`).toBeUndefined();
    record.add(key(7), { version: 2, expires: EXPIRES });
    await record.save();
    // Appended; the lines that are not entries stay until a rewrite, and are never taken.
    const again = await VerifiedRolesRecord.load(env);
    expect(again.get(key(7))).toEqual({ version: 2, expires: EXPIRES });
    for (const i of [2, 3, 4, 5, 6]) expect(again.get(key(i)), `line ${i}`).toBeUndefined();
    // The rewrite (forced here by a bound of 2 entries) drops them.
    const bounded = await VerifiedRolesRecord.load(env, 2);
    expect(bounded.get(key(1))).toBeDefined();
    bounded.add(key(8), { version: 3, expires: EXPIRES });
    await bounded.save();
    expect(await readFile(file, 'utf8')).toBe(`${good}\n${key(8)} 3 ${EXPIRES}\n`);
  });

  it('keeps the most recently used entries, at most the bound, once appends double it', async () => {
    const first = await VerifiedRolesRecord.load(env, 2);
    for (const i of [1, 2]) first.add(key(i), { version: i, expires: EXPIRES });
    await first.save();
    // Appended while the file holds fewer than twice the bound: nothing is dropped yet.
    const second = await VerifiedRolesRecord.load(env, 2);
    second.add(key(3), { version: 3, expires: EXPIRES });
    await second.save();
    expect((await readFile(verifiedRolesFile(env), 'utf8')).trim().split('\n')).toHaveLength(3);
    // Entry 1 is used again, entry 4 added: the rewrite keeps the two most recently used.
    const third = await VerifiedRolesRecord.load(env, 2);
    expect(third.get(key(1))).toBeDefined();
    third.add(key(4), { version: 4, expires: EXPIRES });
    await third.save();
    const fourth = await VerifiedRolesRecord.load(env);
    expect([1, 2, 3, 4].map((i) => fourth.get(key(i))?.version)).toEqual([
      1,
      undefined,
      undefined,
      4,
    ]);
    const lines = (await readFile(verifiedRolesFile(env), 'utf8')).trim().split('\n');
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['1', '4']);
  });

  it('ends a line a crash cut short before appending', async () => {
    const file = verifiedRolesFile(env);
    await mkdir(join(base, 'cache'));
    await writeFile(file, `${key(1)} 1 ${EXPIRES}\n${key(2)} 1 2031-`);
    const record = await VerifiedRolesRecord.load(env);
    record.add(key(3), { version: 3, expires: EXPIRES });
    await record.save();
    const next = await VerifiedRolesRecord.load(env);
    expect([1, 2, 3].map((i) => next.get(key(i))?.version)).toEqual([1, undefined, 3]);
  });

  it('costs time only where the cache cannot be read or written', async () => {
    await writeFile(join(base, 'cache'), 'a file where the folder should be');
    const record = await VerifiedRolesRecord.load(env);
    expect(record.get(key(1))).toBeUndefined();
    record.add(key(1), { version: 1, expires: EXPIRES });
    await expect(record.save()).resolves.toBeUndefined();
    await rm(join(base, 'cache'));
    // A read-only cache folder (root ignores the mode: then the save simply succeeds).
    await chmod(base, 0o500);
    await expect(record.save()).resolves.toBeUndefined();
  });
});
