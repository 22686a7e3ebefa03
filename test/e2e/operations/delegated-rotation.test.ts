import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { readWithTufJs } from '../../helpers/tuf-js-client.js';

// Key and holder changes of a delegated role, through staged ceremonies with the right signers:
// the delegated role's key is declared compromised and replaced (the delegator, targets, is
// re-signed by its holders with the new delegation keys; the delegated role by its new key), then
// a holder is added to the delegation with a threshold of 2, and then the top-level targets
// threshold changes (root and targets re-signed under the old and the new root).

const DELEGATION = [
  'delegations:',
  '  registry.example.org:',
  '    paths: ["registry.example.org/*"]',
  '    terminating: true',
  '    holders: [carol]',
  '    threshold: 1',
  '    expires: 90d',
  '    signing_window: 30d',
  '',
].join('\n');

interface Signed {
  version: number;
  delegations?: {
    keys: Record<string, unknown>;
    roles: { name: string; keyids: string[]; threshold: number }[];
  };
  roles?: Record<string, { keyids: string[]; threshold: number }>;
}

async function published(dir: string, file: string): Promise<Signed> {
  const text = await readFile(join(dir, 'repository', file), 'utf8');
  return (JSON.parse(text) as { signed: Signed }).signed;
}

async function keyids(dir: string, holder: string): Promise<string[]> {
  const names = await readdir(join(dir, 'keys', holder));
  return names.map((n) => n.replace(/\.json$/, ''));
}

describe('delegated role key and holder changes', () => {
  it('replaces a compromised delegated key, adds a delegated holder with threshold 2, and raises the targets threshold', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    await ceremony.editPlan((text) => `${text}\n${DELEGATION}`);
    await ceremony.editPlan((text) =>
      text.replace('holders:\n', 'holders:\n  carol: {}\n  dave: {}\n'),
    );
    for (const holder of ['alice', 'bob', 'carol', 'online']) await ceremony.addKey(holder);
    await ceremony.ok(['stage']);
    for (const holder of ['alice', 'carol']) expect((await ceremony.sign(holder)).code).toBe(0);
    expect((await ceremony.finalize()).code).toBe(0);
    const repo = join(ceremony.dir, 'repository');
    const verify = (): Promise<unknown> =>
      ceremony.ok(['verify', '--root', join(repo, '1.root.json'), repo]);
    await verify();
    const [carolOld] = await keyids(ceremony.dir, 'carol');
    if (carolOld === undefined) throw new Error('carol has no key');

    // 1. carol's key is compromised: retired, a new one enrolled; targets and the delegated role
    //    are staged, root is not (its keys did not change).
    await ceremony.ok(['key', 'retire', '--holder', 'carol', '--keyid', carolOld, '--compromised']);
    await ceremony.addKey('carol');
    const staged = await ceremony.ok(['stage']);
    expect(staged.stdout).toMatch(/targets v2 .*delegations changed in the plan/);
    expect(staged.stdout).toMatch(
      /registry\.example\.org v2 .*its signing keys or threshold changed/,
    );
    expect(staged.stdout).not.toMatch(/ root v/);
    // The delegated role cannot be finalized with targets' signature alone.
    expect((await ceremony.sign('bob')).code).toBe(0);
    const early = await ceremony.finalize();
    expect(early.code).not.toBe(0);
    expect(early.stderr).toMatch(/registry\.example\.org/);
    expect((await ceremony.sign('carol')).code).toBe(0);
    expect((await ceremony.finalize()).code).toBe(0);
    await verify();
    const targets2 = await published(ceremony.dir, '2.targets.json');
    const carolNew = (await keyids(ceremony.dir, 'carol')).find((k) => k !== carolOld);
    expect(Object.keys(targets2.delegations?.keys ?? {})).toEqual([carolNew]);
    expect(targets2.delegations?.roles[0]?.keyids).toEqual([carolNew]);

    // 2. dave joins the delegation, threshold 2: both must sign the delegated role.
    await ceremony.addKey('dave');
    await ceremony.editPlan((text) =>
      text.replace(
        'holders: [carol]\n    threshold: 1',
        'holders: [carol, dave]\n    threshold: 2',
      ),
    );
    await ceremony.ok(['stage']);
    expect((await ceremony.sign('alice')).code).toBe(0);
    expect((await ceremony.sign('carol')).code).toBe(0);
    const short = await ceremony.finalize();
    expect(short.code).not.toBe(0);
    expect(short.stderr).toMatch(/registry\.example\.org/);
    expect((await ceremony.sign('dave')).code).toBe(0);
    expect((await ceremony.finalize()).code).toBe(0);
    await verify();
    const targets3 = await published(ceremony.dir, '3.targets.json');
    expect(targets3.delegations?.roles[0]?.threshold).toBe(2);
    expect(targets3.delegations?.roles[0]?.keyids).toHaveLength(2);

    // 3. The targets threshold goes from 1 to 2: root v2 (old root threshold 1, new root 1) and
    //    targets v4 (needs 2 of alice and bob under the new root).
    await ceremony.editPlan((text) =>
      text.replace(/( {2}targets: \{ holders: \[alice, bob\], threshold: )1/, '$12'),
    );
    const rotated = await ceremony.ok(['stage']);
    expect(rotated.stdout).toMatch(/root v2 .*keys, thresholds or settings changed/);
    expect(rotated.stdout).toMatch(/targets v4 .*its signing keys or threshold changed/);
    expect((await ceremony.sign('alice')).code).toBe(0);
    const half = await ceremony.finalize();
    expect(half.code).not.toBe(0);
    expect(half.stderr).toMatch(/targets/);
    expect((await ceremony.sign('bob')).code).toBe(0);
    expect((await ceremony.finalize()).code).toBe(0);
    await verify();
    expect((await published(ceremony.dir, '2.root.json')).roles?.targets?.threshold).toBe(2);
    // tuf-js follows the root chain v1 -> v2 and accepts targets v4 under the new threshold.
    await expect(readWithTufJs(repo, [])).resolves.toBeInstanceOf(Map);
  });
});
