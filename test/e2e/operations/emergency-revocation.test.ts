import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HOLDER_FIELD } from '../../../src/ceremony/enrolled-key.js';
import { canonicalBytes } from '../../../src/metadata/canonical.js';
import { readEncryptedKeyFile } from '../../../src/signing/key-file.js';
import { SoftwareSigner } from '../../../src/signing/software-signer.js';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { readWithTufJs } from '../../helpers/tuf-js-client.js';

// Emergency revocation: erin's key is declared compromised, erin is removed from root and
// targets, the remaining holders rotate root (3 of the old root, 3 of the new), and a client
// following the chain no longer accepts anything signed with erin's key.

const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin'];
let ceremony: CeremonyFixture;

interface KeyRecord {
  keyid: string;
  retired_at?: string;
  retired_reason?: string;
}

async function keyOf(holder: string): Promise<{ file: string; record: KeyRecord }> {
  const dir = join(ceremony.dir, 'keys', holder);
  const [name] = await readdir(dir);
  if (!name) throw new Error(`no key enrolled for ${holder}`);
  const file = join(dir, name);
  return { file, record: JSON.parse(await readFile(file, 'utf8')) as KeyRecord };
}

async function signerOf(holder: string): Promise<SoftwareSigner> {
  const { record } = await keyOf(holder);
  const variable = ceremony.passphraseVar(holder);
  const path = (await ceremony.keyRef(record.keyid)).replace(/^file:/, '');
  return new SoftwareSigner(await readEncryptedKeyFile(path, ceremony.env[variable] ?? ''), {
    [HOLDER_FIELD]: holder,
  });
}

function verify(repo: string): ReturnType<CeremonyFixture['run']> {
  return ceremony.run(['verify', '--root', join(repo, '1.root.json'), '--json', repo]);
}

describe('emergency revocation of a compromised key', () => {
  beforeAll(async () => {
    ceremony = await CeremonyFixture.create(PEOPLE, 3);
    for (const holder of [...PEOPLE, 'online']) await ceremony.addKey(holder);
    await ceremony.ok(['stage']);
    for (const holder of ['alice', 'bob', 'erin'])
      expect((await ceremony.sign(holder)).code).toBe(0);
    expect((await ceremony.finalize()).code).toBe(0);
  }, 120_000);

  it('rotates the compromised key out and a client stops trusting it', async () => {
    const erin = await keyOf('erin');
    const erinKeyid = erin.record.keyid;

    const badPrefix = await ceremony.run(['key', 'retire', '--holder', 'erin', '--keyid', 'abc']);
    expect(badPrefix.code).toBe(2);
    const retired = await ceremony.ok([
      'key',
      'retire',
      '--holder',
      'erin',
      '--keyid',
      erinKeyid.slice(0, 10),
      '--compromised',
    ]);
    expect(retired.stdout).toMatch(/next tuf-ceremony stage rotates it out/);
    const stored = await keyOf('erin');
    expect(stored.record.retired_reason).toBe('compromised');
    expect(stored.record.retired_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const again = await ceremony.run(['key', 'retire', '--holder', 'erin', '--keyid', erinKeyid]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already retired/);

    await ceremony.editPlan((text) =>
      text.replaceAll('[alice, bob, carol, dave, erin]', '[alice, bob, carol, dave]'),
    );
    const staged = await ceremony.ok(['stage']);
    expect(staged.stdout).toMatch(/root v2/);
    expect(staged.stdout).toMatch(/targets v2/);

    let status = await ceremony.status();
    const root = () => status.json.roles.find((r) => r.role === 'root');
    expect(root()?.checks.map((c) => c.authority)).toEqual(['new root v2', 'old root v1']);
    expect(status.json.roles.map((r) => r.role)).toEqual(['root', 'targets']);

    const erinSign = await ceremony.sign('erin');
    expect(erinSign.code).toBe(0);
    expect(erinSign.stdout).toMatch(/erin has nothing left to sign/);

    for (const holder of ['alice', 'bob', 'carol'])
      expect((await ceremony.sign(holder)).code).toBe(0);
    status = await ceremony.status();
    expect(root()?.checks.map((c) => [c.valid, c.threshold])).toEqual([
      [3, 3],
      [3, 3],
    ]);
    expect(root()?.checks.every((c) => !c.signed_by.includes('erin'))).toBe(true);
    expect(status.json.ready).toBe(true);
    const finalized = await ceremony.finalize();
    expect(finalized.code, finalized.stderr).toBe(0);

    const repo = join(ceremony.dir, 'repository');
    const report = JSON.parse((await verify(repo)).stdout) as { root: { version: number } };
    expect(report.root.version).toBe(2);
    const root2 = JSON.parse(await readFile(join(repo, '2.root.json'), 'utf8')) as {
      signed: {
        version: number;
        keys: Record<string, unknown>;
        roles: Record<string, { keyids: string[] }>;
      };
      signatures: { keyid: string }[];
    };
    expect(Object.keys(root2.signed.keys)).not.toContain(erinKeyid);
    for (const role of Object.values(root2.signed.roles))
      expect(role.keyids).not.toContain(erinKeyid);
    expect(root2.signatures.map((s) => s.keyid)).not.toContain(erinKeyid);
    await readWithTufJs(repo);

    // An attacker holding erin's key and two more holders' keys crafts root v3.
    const forged = { ...root2.signed, version: 3 };
    const bytes = canonicalBytes(forged);
    const signers = [await signerOf('erin'), await signerOf('alice'), await signerOf('bob')];
    expect(signers[0]?.keyid).toBe(erinKeyid);
    const signatures = await Promise.all(signers.map((s) => s.sign(bytes)));
    const copy = join(ceremony.dir, '..', 'attacker-copy');
    await cp(repo, copy, { recursive: true });
    await writeFile(join(copy, '3.root.json'), JSON.stringify({ signed: forged, signatures }));
    const rejected = await verify(copy);
    expect(rejected.code).not.toBe(0);
    expect(rejected.stdout + rejected.stderr).toMatch(/3\.root\.json|root v3|threshold/i);
    // The untouched repository still verifies.
    expect((await verify(repo)).code).toBe(0);
  }, 180_000);
});
