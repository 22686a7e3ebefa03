import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture, treeDigest } from '../../helpers/ceremony.js';
import { readWithTufJs } from '../../helpers/tuf-js-client.js';

// Targets known only by a manifest (paths, lengths, hashes, no bytes): `targets import` routes
// them into succinct hash bins, the ceremony publishes them in metadata only, a finalize killed
// half-way resumes, and a real client (tuf-js) finds a target through its bin and downloads the
// bytes the operator hosts. Bad manifests are refused line by line with nothing written.

const BINS = `
delegations:
  bins: { succinct: { bit_length: 8, name_prefix: bins }, holders: [bob], threshold: 1, expires: 90d, signing_window: 30d }
`;
const COUNT = 10_000;
const KNOWN = 'dist/known-package-1.0.tgz';
const KNOWN_BYTES = Buffer.from('the bytes of one package the operator hosts\n');

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function manifestOf(dir: string, name: string, lines: readonly string[]): Promise<string> {
  const file = join(dir, '..', name);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

function entry(path: string, length: number, hash: string): string {
  return JSON.stringify({ path, length, hashes: { sha256: hash } });
}

async function bigManifest(dir: string): Promise<string> {
  const lines = [entry(KNOWN, KNOWN_BYTES.length, sha256(KNOWN_BYTES))];
  for (let i = 1; i < COUNT; i++) lines.push(entry(`pkgs/p-${i}.tgz`, i, sha256(`p-${i}`)));
  return manifestOf(dir, 'packages.jsonl', lines);
}

describe('targets import from a manifest', () => {
  it('routes 10,000 listed targets into 256 bins, resumes a killed finalize, serves a bin target to tuf-js', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
    await ceremony.editPlan((text) => text + BINS);

    const imported = await ceremony.ok(['targets', 'import', await bigManifest(ceremony.dir)]);
    expect(imported.stdout).toMatch(
      /imported 10,000 target\(s\) from .*role bins: 10,000 new, 0 replaced in 256 bin\(s\)/,
    );
    expect(imported.stdout).toMatch(/published in metadata only/);
    const staged = JSON.parse((await ceremony.ok(['stage', '--json'])).stdout) as {
      roles: { role: string }[];
    };
    expect(staged.roles.filter((r) => r.role.startsWith('bins-'))).toHaveLength(256);
    const review = await ceremony.ok(['review', '--holder', 'bob']);
    expect(review.stdout).toMatch(/bins-00 … bins-ff: 256 bins of bins, v1/);
    expect(review.stdout).toMatch(/targets: 10000 added, 0 changed, 0 removed across 256 bins/);
    expect(review.stdout).toMatch(/10000 target\(s\) known only by listing/);
    // A summary, not 10,000 lines: counts, the first paths, and each role's hash picture.
    expect(review.stdout.split('\n').length).toBeLessThan(120);
    for (const holder of ['alice', 'bob']) expect((await ceremony.sign(holder)).code).toBe(0);

    const killed = await ceremony.finalize({ TUF_CEREMONY_CRASH_AT: 'finalize:mid-write' });
    expect(killed.signal).toBe('SIGKILL');
    const repo = join(ceremony.dir, 'repository');
    expect(await readdir(repo)).not.toContain('timestamp.json');
    const resumed = await ceremony.finalize();
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/10,000 target\(s\) known only by listing: metadata only/);
    // Metadata only: no target bytes were copied into the repository.
    expect(await readdir(repo)).not.toContain('targets');
    await ceremony.ok(['verify', '--root', join(repo, '1.root.json'), repo]);

    // The operator hosts the bytes; tuf-js finds the target through its bin and checks them.
    const hosted = join(repo, 'targets', 'dist', `${sha256(KNOWN_BYTES)}.known-package-1.0.tgz`);
    await writeFile(join(ceremony.dir, '..', 'known.tgz'), KNOWN_BYTES);
    await mkdir(join(repo, 'targets', 'dist'), { recursive: true });
    await copyFile(join(ceremony.dir, '..', 'known.tgz'), hosted);
    const downloaded = await readWithTufJs(repo, [KNOWN]);
    expect(downloaded.get(KNOWN)).toEqual(KNOWN_BYTES);
  });

  it('refuses bad manifests with their line numbers and changes nothing', async () => {
    const ceremony = await CeremonyFixture.create(['alice'], 1);
    const good = entry('a/ok.tgz', 3, sha256('ok'));
    const cases: [string, string[], RegExp][] = [
      [
        'bad-json.jsonl',
        [good, '{"path": "a/b.tgz", "length": 1,'],
        /line 2: not a JSON object \(bad JSON\)/,
      ],
      [
        'negative.jsonl',
        [good, good.replace('ok', 'x'), entry('a/n.tgz', -1, sha256('n'))],
        /line 3: "length" must be a non-negative integer/,
      ],
      [
        'no-hash.jsonl',
        [good, JSON.stringify({ path: 'a/h.tgz', length: 1, hashes: {} })],
        /line 2: "hashes" has no sha256/,
      ],
      [
        'duplicate.jsonl',
        [good, entry('a/ok.tgz', 4, sha256('dup'))],
        /line 2: duplicate path "a\/ok\.tgz" \(also on line 1\)/,
      ],
      [
        'dotdot.jsonl',
        [good, entry('a/../../etc/passwd', 1, sha256('p'))],
        /line 2: target path .* must be relative, with no empty, "\." or "\.\." segments/,
      ],
      [
        'bad.csv',
        ['path,length,sha256', 'a/c.tgz,12', `a/d.tgz,-5,${sha256('d')}`],
        /line 2: needs 3 or 4 fields.*line 3: "length" must be a non-negative integer/,
      ],
    ];
    const before = await treeDigest(ceremony.dir);
    for (const [name, lines, message] of cases) {
      const file = await manifestOf(ceremony.dir, name, lines);
      const refused = await ceremony.run(['targets', 'import', file]);
      expect(refused.code, name).toBe(1);
      expect(refused.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(refused.stderr, name).toMatch(message);
      expect(refused.stderr, name).toMatch(/nothing was imported/);
    }
    const unknown = await manifestOf(ceremony.dir, 'remove.csv', ['a/none.tgz,1,' + sha256('x')]);
    const notThere = await ceremony.run(['targets', 'remove', '--manifest', unknown]);
    expect(notThere.code).toBe(1);
    expect(notThere.stderr).toMatch(
      /remove\.csv: 1 bad line\(s\), nothing was removed: line 1: "a\/none\.tgz" is not a target input of targets/,
    );
    expect(await treeDigest(ceremony.dir)).toEqual(before);

    // The same listing imports, replaces and removes cleanly.
    const ok = await manifestOf(ceremony.dir, 'ok.csv', [`a/ok.tgz,3,${sha256('ok')}`]);
    await ceremony.ok(['targets', 'import', ok]);
    const again = await ceremony.ok(['targets', 'import', ok]);
    expect(again.stdout).toMatch(/role targets: 0 new, 1 replaced/);
    const listing = await readFile(join(ceremony.dir, 'targets-listed', 'targets.jsonl'), 'utf8');
    expect(listing).toBe(`${entry('a/ok.tgz', 3, sha256('ok'))}\n`);
    await ceremony.ok(['targets', 'remove', '--manifest', ok]);
    expect(await readFile(join(ceremony.dir, 'targets-listed', 'targets.jsonl'), 'utf8')).toBe('');
  });
});
