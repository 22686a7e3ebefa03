import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture, treeDigest } from '../../helpers/ceremony.js';

// A bins delegation's listing is kept one file per bin (targets-listed/<delegation>/<bin>.jsonl):
// one more target rewrites one bin's file, and stage re-stages exactly that bin (this machine's
// record of unchanged bins spares reading the others). A listing edited by hand is still seen,
// a path filed in the wrong bin is refused, and a listing kept in one file (the layout before)
// is split by bin on the next import.

const BINS = `
delegations:
  bins: { succinct: { bit_length: 4, name_prefix: bins }, holders: [bob], threshold: 1, expires: 90d, signing_window: 30d }
`;

function sha256(data: string): string {
  return createHash('sha256').update(data).digest('hex');
}

function line(path: string, length: number): string {
  return JSON.stringify({ path, length, hashes: { sha256: sha256(path) } });
}

function binOf(path: string): string {
  return `bins-${sha256(path)[0] ?? ''}`;
}

async function manifest(ceremony: CeremonyFixture, name: string, paths: string[]): Promise<string> {
  const file = join(ceremony.dir, '..', name);
  await writeFile(file, paths.map((p, i) => line(p, i + 1)).join('\n') + '\n');
  return file;
}

/** The sha256 of each bin's listing file. */
async function binFiles(dir: string): Promise<Map<string, string>> {
  const folder = join(dir, 'targets-listed', 'bins');
  const out = new Map<string, string>();
  for (const name of (await readdir(folder)).sort())
    out.set(name, sha256(await readFile(join(folder, name), 'utf8')));
  return out;
}

async function stagedBins(ceremony: CeremonyFixture, args: string[]): Promise<string[]> {
  const staged = JSON.parse((await ceremony.ok(['stage', '--json', ...args])).stdout) as {
    roles: { role: string }[];
  };
  return staged.roles.map((r) => r.role).filter((r) => r.startsWith('bins-'));
}

async function publish(ceremony: CeremonyFixture): Promise<string> {
  expect((await ceremony.sign('bob')).code).toBe(0);
  const done = await ceremony.finalize();
  expect(done.code, done.stderr).toBe(0);
  return done.stdout;
}

describe('bin listings', () => {
  it('rewrites and re-stages only the bin one more target changes', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
    await ceremony.editPlan((text) => text + BINS);
    const paths = Array.from({ length: 200 }, (_, i) => `pkgs/p-${i}.tgz`);
    await ceremony.ok(['targets', 'import', await manifest(ceremony, 'all.jsonl', paths)]);
    const listed = await readdir(join(ceremony.dir, 'targets-listed'));
    expect(listed).toEqual(['bins']);
    const before = await binFiles(ceremony.dir);
    expect(before.size).toBe(16);
    const text = await readFile(
      join(ceremony.dir, 'targets-listed', 'bins', 'bins-0.jsonl'),
      'utf8',
    );
    for (const l of text.trim().split('\n'))
      expect(binOf((JSON.parse(l) as { path: string }).path)).toBe('bins-0');
    // A file with bytes in the same delegation: copied, while the listed ones are not.
    const artifact = join(ceremony.dir, '..', 'with-bytes.tgz');
    await writeFile(artifact, 'the bytes of a package\n');
    await ceremony.ok([
      'targets',
      'add',
      artifact,
      '--role',
      'bins',
      '--path',
      'pkgs/with-bytes.tgz',
    ]);
    expect(await stagedBins(ceremony, [])).toHaveLength(16);
    expect(await publish(ceremony)).toContain('200 target(s) known only by listing: metadata only');
    const copied = await readdir(join(ceremony.dir, 'repository', 'targets', 'pkgs'));
    expect(copied.filter((n) => n.endsWith('with-bytes.tgz'))).toHaveLength(1);
    expect(copied.filter((n) => n.includes('p-'))).toEqual([]);

    const extra = 'pkgs/one-more.tgz';
    const added = await ceremony.ok([
      'targets',
      'import',
      await manifest(ceremony, 'one.jsonl', [extra]),
    ]);
    expect(added.stdout).toMatch(/role bins: 1 new, 0 replaced in 1 bin\(s\)/);
    const after = await binFiles(ceremony.dir);
    const changed = [...after].filter(([name, sha]) => before.get(name) !== sha).map(([n]) => n);
    expect(changed).toEqual([`${binOf(extra)}.jsonl`]);
    expect(await stagedBins(ceremony, [])).toEqual([binOf(extra)]);
    await publish(ceremony);
    await ceremony.ok([
      'verify',
      '--root',
      join(ceremony.dir, 'repository', '1.root.json'),
      join(ceremony.dir, 'repository'),
    ]);

    // A listing edited by hand (a changed length) is read again, though the record knew the bin.
    const other = paths.find((p) => binOf(p) !== binOf(extra)) as string;
    const file = join(ceremony.dir, 'targets-listed', 'bins', `${binOf(other)}.jsonl`);
    const original = await readFile(file, 'utf8');
    await writeFile(
      file,
      original.replace(line(other, paths.indexOf(other) + 1), line(other, 999)),
    );
    expect(await stagedBins(ceremony, [])).toEqual([binOf(other)]);
    const review = await ceremony.ok(['review', '--holder', 'bob']);
    expect(review.stdout).toContain(`~ target ${other} changed (999 bytes`);

    // A path filed in a bin it does not hash into is refused, naming the file and the rule.
    const misfiled = paths.find((p) => binOf(p) !== binOf(other)) as string;
    await writeFile(file, `${original}${line(misfiled, 7)}\n`);
    const refused = await ceremony.run(['stage', '--restage']);
    expect(refused.code).toBe(1);
    const errors = refused.stderr.split('\n').filter((l) => !l.startsWith('warning: '));
    expect(errors.join('\n').trim().split('\n'), refused.stderr).toHaveLength(1);
    expect(refused.stderr).toContain(`${binOf(other)}.jsonl: line`);
    expect(refused.stderr).toMatch(/hashes into bin bins-., not bins-. \(TAP 15\)/);
  });

  it('splits a listing kept in one file by bin on the next import', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
    await ceremony.editPlan((text) => text + BINS);
    const paths = Array.from({ length: 40 }, (_, i) => `old/p-${i}.tgz`);
    const single = join(ceremony.dir, 'targets-listed', 'bins.jsonl');
    await ceremony.ok(['targets', 'import', await manifest(ceremony, 'all.jsonl', paths)]);
    // The layout before per-bin files: the whole delegation's listing in one file.
    const lines = await Promise.all(
      [...(await binFiles(ceremony.dir)).keys()].map((n) =>
        readFile(join(ceremony.dir, 'targets-listed', 'bins', n), 'utf8'),
      ),
    );
    const all = lines.join('').trim().split('\n').sort();
    await writeFile(single, `${all.join('\n')}\n`);
    // Both layouts at once (a split that was stopped): staging refuses with advice.
    const tree = await treeDigest(ceremony.dir);
    const both = await ceremony.run(['stage']);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(
      /both exist: a targets import or remove was stopped .* run it again/,
    );
    expect(await treeDigest(ceremony.dir)).toEqual(tree);

    const removed = await manifest(ceremony, 'gone.jsonl', [paths[0] as string]);
    await ceremony.ok(['targets', 'remove', '--manifest', removed]);
    expect(await readdir(join(ceremony.dir, 'targets-listed'))).toEqual(['bins']);
    const staged = JSON.parse((await ceremony.ok(['stage', '--json'])).stdout) as {
      roles: { role: string }[];
    };
    expect(staged.roles.filter((r) => r.role.startsWith('bins-'))).toHaveLength(16);
    const review = await ceremony.ok(['review', '--holder', 'bob']);
    expect(review.stdout).toMatch(/targets: 39 added, 0 changed, 0 removed across 16 bins/);
  });
});
