import { mkdtemp, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture, treeDigest } from '../../helpers/ceremony.js';
import { FOUR_BINS, listingLine } from './four-bins.js';

// finalize keeps a record of the targets roles it verified as a client (in the tool's cache
// folder) and does not parse unchanged bins again; the record's facts are still checked, a bin
// whose bytes changed is checked in full, and `verify` never reads the record.

/** Flips one hex digit of the first signature in a metadata file (still JSON, other bytes). */
function corrupt(text: string): string {
  return text.replace(/("sig": ")([0-9a-f])/, (_m, head: string, digit: string) => {
    return `${head}${digit === '0' ? '1' : '0'}`;
  });
}

describe('finalize with the record of verified roles', () => {
  it('takes unchanged bins on the record, still checks it, and verify never reads it', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
    await ceremony.editPlan((text) => text + FOUR_BINS);
    const cache = await mkdtemp(join(tmpdir(), 'tuf-ceremony-cache-'));
    const env = { TUF_CEREMONY_CACHE: cache };
    const record = join(cache, 'verified-roles.txt');
    const repo = join(ceremony.dir, 'repository');
    const manifest = join(ceremony.dir, '..', 'listing.jsonl');
    const verifyArgs = ['verify', '--root', join(repo, '1.root.json'), repo];

    const paths = Array.from({ length: 12 }, (_, i) => `pkgs/p-${i}.tgz`);
    await writeFile(manifest, paths.map(listingLine).join('\n') + '\n');
    await ceremony.ok(['targets', 'import', manifest]);
    await ceremony.ok(['stage']);
    for (const holder of ['alice', 'bob'])
      expect((await ceremony.sign(holder, ceremony.dir, env)).code).toBe(0);
    expect((await ceremony.finalize(env)).code).toBe(0);
    const recorded = await readFile(record, 'utf8');
    // The four bins (top-level targets has delegations: always parsed, never recorded).
    expect(recorded.trim().split('\n')).toHaveLength(4);

    // A record whose every fact would refuse: verify does not read it.
    const expired = recorded.replace(/ \S+Z$/gm, ' 2001-01-01T00:00:00Z');
    await writeFile(record, expired);
    await ceremony.ok(verifyArgs, ceremony.dir, env);

    // One more target changes one bin; the three others are unchanged.
    await writeFile(manifest, [...paths, 'pkgs/one-more.tgz'].map(listingLine).join('\n') + '\n');
    await ceremony.ok(['targets', 'import', manifest]);
    const staged = JSON.parse((await ceremony.ok(['stage', '--json'])).stdout) as {
      roles: { role: string }[];
    };
    const changed = staged.roles.map((r) => r.role).filter((r) => r.startsWith('bins-'));
    expect(changed).toHaveLength(1);
    expect((await ceremony.sign('bob', ceremony.dir, env)).code).toBe(0);
    const before = await treeDigest(repo);

    // finalize reads the record and still checks each recorded expiry at now (spec 5.6.5).
    const refused = await ceremony.finalize(env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: bins-[0-3] \(1\.bins-[0-3]\.json\): expired on 2001-01-01T00:00:00Z, now .* \(spec 5\.6\.5/m,
    );
    expect(await treeDigest(repo)).toEqual(before);

    // An unchanged bin corrupted on disk is not on the record and fails as it does without one.
    await writeFile(record, recorded);
    const unchanged = ['bins-0', 'bins-1', 'bins-2', 'bins-3'].find((b) => !changed.includes(b));
    const file = (await readdir(repo)).find((n) => n.endsWith(`.${unchanged ?? ''}.json`)) ?? '';
    const good = await readFile(join(repo, file), 'utf8');
    await writeFile(join(repo, file), corrupt(good));
    const withRecord = await ceremony.finalize(env);
    // The same cache without this record (other records of the machine kept).
    await rename(record, `${record}.aside`);
    const withoutRecord = await ceremony.finalize(env);
    await rename(`${record}.aside`, record);
    expect(withRecord.code).toBe(1);
    expect(withRecord.stderr).toMatch(/sha256 .* but snapshot v\d+ lists .* \(spec 5\.6\.2/);
    expect({ code: withRecord.code, stderr: withRecord.stderr }).toEqual({
      code: withoutRecord.code,
      stderr: withoutRecord.stderr,
    });

    // Repaired, the release is published and checked by a client without any record.
    await writeFile(join(repo, file), good);
    const published = await ceremony.finalize(env);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toMatch(/verified as a client: .*bins-[0-3] v1/);
    await ceremony.ok(verifyArgs);
  });
});
