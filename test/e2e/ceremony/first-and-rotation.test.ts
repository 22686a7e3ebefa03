import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { readWithTufJs } from '../../helpers/tuf-js-client.js';

// Scenarios 1 and 2: a first ceremony with five holders (root and targets 3-of-5, online snapshot
// and timestamp), then a root rotation that replaces one holder and needs 3 of the old root's
// keys and 3 of the new root's.

const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin'];
let ceremony: CeremonyFixture;

async function verifyOk(): Promise<string> {
  const repo = join(ceremony.dir, 'repository');
  const result = await ceremony.ok(['verify', '--root', join(repo, '1.root.json'), '--json', repo]);
  return result.stdout;
}

describe('a first ceremony, then a rotation', () => {
  beforeAll(async () => {
    ceremony = await CeremonyFixture.create(PEOPLE, 3);
    for (const holder of [...PEOPLE, 'online']) await ceremony.addKey(holder);
  });

  it('stages, collects 3 of 5 signatures, finalizes and verifies', async () => {
    const staged = await ceremony.ok(['stage']);
    expect(staged.stdout).toMatch(/root v1 .*first version/);
    expect(staged.stdout).toMatch(/targets v1 .*first version/);
    let status = await ceremony.status();
    expect(status.code).toBe(1);
    expect(status.json.roles.map((r) => r.role)).toEqual(['root', 'targets']);
    expect(status.json.roles[0]?.checks[0]?.missing).toEqual(PEOPLE);

    const refused = await ceremony.finalize();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: cannot finalize below threshold: root v1: new root v1 0\/3/,
    );

    for (const holder of ['alice', 'carol']) expect((await ceremony.sign(holder)).code).toBe(0);
    status = await ceremony.status();
    expect(status.json.roles[0]?.checks[0]).toMatchObject({
      valid: 2,
      threshold: 3,
      signed_by: ['alice', 'carol'],
    });
    expect((await ceremony.finalize()).code).toBe(1);

    expect((await ceremony.sign('erin')).code).toBe(0);
    status = await ceremony.status();
    expect(status.code).toBe(0);
    expect(status.json.ready).toBe(true);
    const again = await ceremony.sign('erin');
    expect(again.stdout).toMatch(/nothing left to sign/);

    const final = await ceremony.finalize();
    expect(final.code, final.stderr).toBe(0);
    const report = JSON.parse(await verifyOk()) as { roles: { name: string; version: number }[] };
    expect(report.roles.map((r) => `${r.name}@${r.version}`)).toEqual([
      'root@1',
      'timestamp@1',
      'snapshot@1',
      'targets@1',
    ]);
    await readWithTufJs(join(ceremony.dir, 'repository'));
    expect((await ceremony.run(['status'])).stderr).toMatch(/no ceremony in progress/);
  });

  it('rotates root to replace a holder: 3 of the old root and 3 of the new are needed', async () => {
    await ceremony.editPlan((text) =>
      text
        .replace('  erin: {}\n', '  frank: {}\n')
        .replaceAll('[alice, bob, carol, dave, erin]', '[alice, bob, carol, dave, frank]'),
    );
    await ceremony.addKey('frank');
    const staged = await ceremony.ok(['stage']);
    expect(staged.stdout).toMatch(/root v2 .*keys, thresholds or settings changed/);
    const review = await ceremony.ok(['review', '--holder', 'frank']);
    expect(review.stdout).toMatch(/\+ root keys: frank \([0-9a-f]{8}\) added/);
    expect(review.stdout).toMatch(/- root keys: erin \([0-9a-f]{8}\) removed/);

    let status = await ceremony.status();
    const root = () => status.json.roles.find((r) => r.role === 'root');
    expect(root()?.checks.map((c) => c.authority)).toEqual(['new root v2', 'old root v1']);

    // frank and dave count for the new root only / both; erin (old root only) signs too.
    for (const holder of ['frank', 'dave']) expect((await ceremony.sign(holder)).code).toBe(0);
    status = await ceremony.status();
    expect(root()?.checks.map((c) => [c.valid, c.threshold])).toEqual([
      [2, 3],
      [1, 3],
    ]);
    expect((await ceremony.sign('erin')).code).toBe(0);
    status = await ceremony.status();
    expect(root()?.checks.map((c) => [c.valid, c.threshold])).toEqual([
      [2, 3],
      [2, 3],
    ]);
    const refused = await ceremony.finalize();
    expect(refused.stderr).toMatch(/new root v2 2\/3 holders, old root v1 2\/3 holders/);

    expect((await ceremony.sign('bob')).code).toBe(0);
    status = await ceremony.status();
    expect(root()?.checks.map((c) => [c.valid, c.threshold])).toEqual([
      [3, 3],
      [3, 3],
    ]);
    const finalized = await ceremony.finalize();
    expect(finalized.code, finalized.stderr).toBe(0);

    const report = JSON.parse(await verifyOk()) as { root: { version: number; chain: unknown[] } };
    expect(report.root.version).toBe(2);
    expect(report.root.chain).toHaveLength(1);
    const root2 = JSON.parse(
      await readFile(join(ceremony.dir, 'repository', '2.root.json'), 'utf8'),
    ) as { signatures: unknown[] };
    expect(root2.signatures).toHaveLength(4);
    await readWithTufJs(join(ceremony.dir, 'repository'));
  });
});
