import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture, treeDigest } from '../../helpers/ceremony.js';
import { readWithTufJs } from '../../helpers/tuf-js-client.js';

// Target files in delegated roles: `targets add` routes each path to the role a client searches
// (a path delegation, a bin of TAP 15 succinct hash bins, or top-level targets); stage re-signs
// only the roles whose targets changed; finalize publishes the bytes; clients download them.

const ROLE = 'threshold: 1, expires: 90d, signing_window: 30d';
const DELEGATIONS = `
delegations:
  registry.example.org: { paths: ["registry.example.org/*"], terminating: true, holders: [alice], ${ROLE} }
  packages: { paths: ["packages/*"], holders: [bob], ${ROLE} }
  bins: { delegated_by: packages, succinct: { bit_length: 2, name_prefix: bins }, holders: [bob], ${ROLE} }
`;
// sha256 of the path picks the bin: a and b -> bins-0, c -> bins-2, d -> bins-3.
const PACKAGES: Record<string, string> = {
  'packages/a.tgz': 'bins-0',
  'packages/b.tgz': 'bins-0',
  'packages/c.tgz': 'bins-2',
  'packages/d.tgz': 'bins-3',
};

interface StagedJson {
  roles: { role: string; version: number; reasons: string[] }[];
}

async function stageJson(ceremony: CeremonyFixture): Promise<StagedJson> {
  return JSON.parse((await ceremony.ok(['stage', '--json'])).stdout) as StagedJson;
}

const staged = (json: StagedJson) => json.roles.map((r) => `${r.role} v${r.version}`).sort();

async function signAndFinalize(ceremony: CeremonyFixture, holders: string[]): Promise<void> {
  for (const holder of holders) {
    const signed = await ceremony.sign(holder);
    expect(signed.code, signed.stderr).toBe(0);
  }
  const final = await ceremony.finalize();
  expect(final.code, final.stderr).toBe(0);
}

describe('targets in delegated roles and hash bins', () => {
  it('routes, stages, publishes and serves delegated targets; refuses misplaced ones', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
    await ceremony.editPlan((text) => text + DELEGATIONS);
    const first = await stageJson(ceremony);
    expect(staged(first)).toContain('bins-3 v1');
    await signAndFinalize(ceremony, ['alice', 'bob']);

    // Inputs: one per path delegation, four into bins, one top-level.
    const contents: Record<string, string> = {
      'registry.example.org/app.json': '{"app":1}\n',
      'README.txt': 'top-level readme\n',
    };
    for (const path of Object.keys(PACKAGES)) contents[path] = `bytes of ${path}\n`;
    const routed: string[] = [];
    for (const [path, text] of Object.entries(contents)) {
      const file = join(ceremony.dir, '..', path.replaceAll('/', '_'));
      await writeFile(file, text);
      const custom = path.startsWith('registry') ? ['--custom', '{"kind":"app"}'] : [];
      routed.push((await ceremony.ok(['targets', 'add', file, '--path', path, ...custom])).stdout);
    }
    expect(routed[0]).toMatch(
      /target registry\.example\.org\/app\.json: 10 bytes, role registry\.example\.org\n/,
    );
    expect(routed[1]).toMatch(/target README\.txt: 17 bytes, role targets\n/);
    for (const [i, [path, bin]] of Object.entries(PACKAGES).entries())
      expect(routed[i + 2]).toContain(
        `target ${path}: ${contents[path]?.length} bytes, role bins, bin ${bin}`,
      );
    expect(await readdir(join(ceremony.dir, 'delegated-targets'))).toEqual([
      'bins',
      'registry.example.org',
    ]);

    const second = await stageJson(ceremony);
    expect(staged(second)).toEqual(
      ['bins-0 v2', 'bins-2 v2', 'bins-3 v2', 'registry.example.org v2', 'targets v2'].sort(),
    );
    for (const role of second.roles)
      expect(role.reasons).toContain('target files added, changed or removed');

    // A bin input changed after signing: sign and finalize refuse with one line, write nothing.
    const repo = join(ceremony.dir, 'repository');
    const input = join(ceremony.dir, 'delegated-targets', 'bins', 'packages', 'd.tgz');
    const unchanged = await treeDigest(repo);
    for (const holder of ['alice', 'bob']) expect((await ceremony.sign(holder)).code).toBe(0);
    await writeFile(input, 'swapped\n');
    const late = await ceremony.sign('alice');
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(
      /^error: the plan changed after staging: bins-\d+: targets\["packages\/d\.tgz"\]\.hashes\.sha256 /,
    );
    const tampered = await ceremony.finalize();
    expect(tampered.code).toBe(1);
    expect(tampered.stderr.trim().split('\n')).toHaveLength(1);
    expect(tampered.stderr).toMatch(
      /delegated-targets\/bins\/packages\/d\.tgz: changed since it was staged/,
    );
    expect(await treeDigest(repo)).toEqual(unchanged);
    await writeFile(input, contents['packages/d.tgz'] ?? '');
    await signAndFinalize(ceremony, []);

    const root = join(repo, '1.root.json');
    const registry = JSON.parse(
      await readFile(join(repo, '2.registry.example.org.json'), 'utf8'),
    ) as { signed: { targets: Record<string, { custom?: unknown }> } };
    expect(registry.signed.targets['registry.example.org/app.json']?.custom).toEqual({
      kind: 'app',
    });
    const verifyArgs = ['verify', '--root', root];
    for (const path of Object.keys(contents)) verifyArgs.push('--target', path);
    await ceremony.ok([...verifyArgs, repo]);
    const downloaded = await readWithTufJs(repo, [
      'registry.example.org/app.json',
      'packages/c.tgz',
    ]);
    expect(downloaded.get('registry.example.org/app.json')?.toString()).toBe('{"app":1}\n');
    expect(downloaded.get('packages/c.tgz')?.toString()).toBe('bytes of packages/c.tgz\n');

    // --role with a path the role is not delegated: one-line error, nothing written.
    const before = await treeDigest(ceremony.dir);
    const extra = join(ceremony.dir, '..', 'extra.txt');
    await writeFile(extra, 'extra\n');
    const refused = await ceremony.run([
      'targets',
      'add',
      extra,
      '--path',
      'registry.example.org/x',
      '--role',
      'bins',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(
      /registry\.example\.org\/x: role bins is not delegated this path .*spec 5\.6\.7\.2/,
    );
    expect(await treeDigest(ceremony.dir)).toEqual(before);

    // Removing one bin target re-signs only that bin (plus snapshot and timestamp at finalize).
    const removed = await ceremony.ok(['targets', 'remove', 'packages/c.tgz']);
    expect(removed.stdout).toMatch(/target packages\/c\.tgz removed from role bins/);
    expect(staged(await stageJson(ceremony))).toEqual(['bins-2 v3']);
    const published = await treeDigest(repo);
    await signAndFinalize(ceremony, ['bob']);
    const after = await treeDigest(repo);
    const changed = Object.keys(after)
      .filter((f) => after[f] !== published[f])
      .sort();
    expect(changed).toEqual(['3.bins-2.json', '3.snapshot.json', 'timestamp.json']);
    const bin = JSON.parse(await readFile(join(repo, '3.bins-2.json'), 'utf8')) as {
      signed: { targets: object };
    };
    expect(bin.signed.targets).toEqual({});
    const gone = await ceremony.run([
      ...verifyArgs.slice(0, 3),
      '--target',
      'packages/c.tgz',
      repo,
    ]);
    expect(gone.code).toBe(1);
    await ceremony.ok([...verifyArgs.slice(0, 3), '--target', 'packages/d.tgz', repo]);
  }, 60_000);
});
