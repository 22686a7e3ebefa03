import { createPublicKey } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enrollKey, type EnrolledKey } from '../../../src/ceremony/enrolled-key.js';
import { keyFromPublicKeyObject } from '../../../src/metadata/keys.js';
import { generatePrivateKey } from '../../../src/signing/software-signer.js';
import { CeremonyFixture, treeDigest } from '../../helpers/ceremony.js';
import { runTool } from '../../helpers/cli.js';

// One holder, one vote; holders sign only what the plan says; init adopts no other trust root.
// Each case failed on the earlier main: a second key was enrolled silently, a holder with two
// keys met a 2-of-3 threshold alone, and sign signed drafts that no longer followed the plan.

function oneLineError(stderr: string): void {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^error: /);
}

async function enrolledRecords(ceremony: CeremonyFixture, holder: string): Promise<EnrolledKey[]> {
  const dir = join(ceremony.dir, 'keys', holder);
  const names = await readdir(dir);
  return Promise.all(
    names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as EnrolledKey),
  );
}

async function enrolled(holders: readonly string[]): Promise<CeremonyFixture> {
  const ceremony = await CeremonyFixture.create(holders, 2);
  for (const holder of [...holders, 'online']) await ceremony.addKey(holder);
  return ceremony;
}

describe('one holder, one vote', () => {
  it('refuses a second key for a holder unless --replace, which retires the old one', async () => {
    const ceremony = await enrolled(['alice', 'bob', 'carol']);
    const keyFile = join(ceremony.keysDir, 'alice-second.key');
    const second = [
      'key',
      'add',
      '--holder',
      'alice',
      '--generate',
      'ed25519',
      '--key-file',
      keyFile,
      '--passphrase-env',
      ceremony.passphraseVar('alice'),
    ];
    const before = await treeDigest(ceremony.dir);
    const refused = await ceremony.run(second);
    expect(refused.code).toBe(1);
    oneLineError(refused.stderr);
    expect(refused.stderr).toMatch(
      /alice already has an active key \([0-9a-f]{8}\): one holder has one vote; pass --replace .*nothing was written/,
    );
    expect(await treeDigest(ceremony.dir)).toEqual(before);
    expect(await readdir(ceremony.keysDir)).not.toContain('alice-second.key');

    // A new key file needs a passphrase of 12 characters or more: refused with the reason.
    const weak = await ceremony.run([...second.slice(0, -1), 'WEAK_PASS', '--replace'], {
      WEAK_PASS: 'eleven char',
    });
    expect(weak.code).toBe(1);
    oneLineError(weak.stderr);
    expect(weak.stderr).toMatch(
      /WEAK_PASS .*the passphrase has 11 character\(s\); a new key file needs at least 12/,
    );
    expect(weak.stderr).not.toContain('eleven char');
    expect(await treeDigest(ceremony.dir)).toEqual(before);
    expect(await readdir(ceremony.keysDir)).not.toContain('alice-second.key');

    const replaced = await ceremony.ok([...second, '--replace']);
    expect(replaced.stdout).toMatch(/retired alice's previous key [0-9a-f]{8}; the next/);
    const records = await enrolledRecords(ceremony, 'alice');
    expect(records).toHaveLength(2);
    const [old] = records.filter((r) => r.retired_at !== undefined);
    const [current] = records.filter((r) => r.retired_at === undefined);
    expect(old?.retired_reason).toBe(`replaced by ${current?.keyid.slice(0, 8) ?? ''}`);

    // Nor may a holder enroll another holder's key: one key would count for two people.
    const bobFile = (await readdir(ceremony.keysDir)).find((n) => n.startsWith('bob-')) ?? '';
    const beforeShared = await treeDigest(ceremony.dir);
    const shared = await ceremony.run([
      ...['key', 'add', '--holder', 'carol', '--replace'],
      ...['--key-ref', `file:${join(ceremony.keysDir, bobFile)}`],
    ]);
    expect(shared.code).toBe(1);
    oneLineError(shared.stderr);
    expect(shared.stderr).toMatch(/bob already enrolled this public key \([0-9a-f]{8}\)/);
    expect(await treeDigest(ceremony.dir)).toEqual(beforeShared);

    await ceremony.ok(['stage']);
    const review = await ceremony.ok(['review']);
    expect(review.stdout).toContain(
      `root keys: 2 of 3 holders (alice (${current?.keyid.slice(0, 8) ?? ''})`,
    );
    expect(review.stdout).not.toContain(old?.keyid.slice(0, 8) ?? 'x');
  });

  it('refuses to stage a 2-of-3 root in which one holder would hold two keys', async () => {
    const ceremony = await enrolled(['alice', 'bob', 'carol']);
    // A second alice key that reached keys/ without key add (a hand edit, a pull request).
    const extra = generatePrivateKey('ed25519');
    const record = enrollKey(
      'alice',
      keyFromPublicKeyObject(createPublicKey(extra)),
      'file:/elsewhere/alice-2.key',
      '2026-01-01T00:00:00Z',
    );
    await writeFile(
      join(ceremony.dir, 'keys', 'alice', `${record.keyid}.json`),
      `${JSON.stringify(record, null, 2)}\n`,
    );
    const before = await treeDigest(ceremony.dir);
    const refused = await ceremony.run(['stage']);
    expect(refused.code).toBe(1);
    oneLineError(refused.stderr);
    expect(refused.stderr).toMatch(
      /alice holds 2 active keys \([0-9a-f]{8}, [0-9a-f]{8}\): one holder has one vote; retire all but one with tuf-ceremony key retire --holder alice/,
    );
    expect(await treeDigest(ceremony.dir)).toEqual(before);
  });
});

describe('signing only what the plan says', () => {
  it('refuses to sign after a plan edit until stage --restage', async () => {
    const ceremony = await enrolled(['alice', 'bob', 'carol']);
    await ceremony.ok(['stage']);
    await ceremony.editPlan((text) => text.replace(/(root: \{[^}]*threshold: )2/, '$13'));

    const before = await treeDigest(ceremony.dir);
    const refused = await ceremony.sign('alice');
    expect(refused.code).toBe(1);
    oneLineError(refused.stderr);
    expect(refused.stderr).toBe(
      'error: the plan changed after staging: root: roles.root.threshold 2 -> 3; run tuf-ceremony stage --restage; nothing was signed\n',
    );
    expect(await treeDigest(ceremony.dir)).toEqual(before);
    // Nor is a signing request exported for an air-gapped machine.
    const outside = await mkdtemp(join(tmpdir(), 'drift-export-'));
    const exported = await ceremony.run([
      'sign',
      '--holder',
      'alice',
      '--export',
      join(outside, 'alice.json'),
    ]);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toMatch(
      /^error: the plan changed after staging: .*; no request was written\n$/,
    );
    expect(await readdir(outside)).toEqual([]);

    const status = await ceremony.run(['status']);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('the plan changed after staging');
    expect(status.stdout).toContain('  root: roles.root.threshold 2 -> 3');
    expect(status.stdout).toMatch(/not ready: the staged drafts no longer follow the plan$/m);
    const json = await ceremony.run(['status', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ready: false,
      plan_changed: ['root: roles.root.threshold 2 -> 3'],
    });
    const review = await ceremony.ok(['review', '--holder', 'alice']);
    expect(review.stdout.split('\n')[0]).toContain('the plan changed after staging');

    await ceremony.ok(['stage', '--restage']);
    const signed = await ceremony.sign('alice');
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stdout).toMatch(/signed root v1/);
    const after = await ceremony.status();
    expect(after.json).toMatchObject({ plan_changed: [] });
    const root = after.json.roles.find((r) => r.role === 'root');
    expect(root?.checks[0]).toMatchObject({ threshold: 3, valid: 1, signed_by: ['alice'] });
    const counted =
      'new root v1: 1 of threshold 3 holders signed (signed: alice; missing: bob, carol)';
    expect((await ceremony.ok(['review'])).stdout).toContain(counted);
    expect((await ceremony.run(['status'])).stdout).toContain(counted);
  });

  it('refuses to sign after a listing is edited by hand, though this machine recorded the staging', async () => {
    const ceremony = await enrolled(['alice', 'bob', 'carol']);
    const hash = (c: string): string => c.repeat(64);
    const line = (c: string): string =>
      JSON.stringify({ path: 'dist/a.tgz', length: 5, hashes: { sha256: hash(c) } });
    const manifest = join(ceremony.dir, '..', 'listing.jsonl');
    await writeFile(manifest, `${line('a')}\n`);
    await ceremony.ok(['targets', 'import', manifest]);
    await ceremony.ok(['stage']);
    // Staging recorded what its planning gave, outside the ceremony repository.
    const records = join(process.env.TUF_CEREMONY_CACHE as string, 'plans');
    expect((await readdir(records)).length).toBeGreaterThan(0);
    expect(await ceremony.status()).toMatchObject({ json: { plan_changed: [] } });

    const listing = join(ceremony.dir, 'targets-listed', 'targets.jsonl');
    const text = await readFile(listing, 'utf8');
    await writeFile(listing, text.replace(hash('a'), hash('b')));
    const before = await treeDigest(ceremony.dir);
    const refused = await ceremony.sign('alice');
    expect(refused.code).toBe(1);
    oneLineError(refused.stderr);
    expect(refused.stderr).toMatch(
      /^error: the plan changed after staging: targets: targets\["dist\/a\.tgz"\]\.hashes\.sha256 .*; nothing was signed\n$/,
    );
    expect(await treeDigest(ceremony.dir)).toEqual(before);
    // The key file is unlocked while the ceremony is checked; a wrong passphrase does not
    // hide the refusal, and the key opened for nothing is closed without a trace.
    const wrongPassphrase = await ceremony.run(
      ['sign', '--holder', 'alice', '--passphrase-env', 'WRONG', '--yes'],
      { WRONG: 'not the passphrase of alice' },
    );
    expect(wrongPassphrase.code).toBe(1);
    expect(wrongPassphrase.stderr).toBe(refused.stderr);
    expect(await treeDigest(ceremony.dir)).toEqual(before);
  });

  it('treats an unknown --role as a usage error', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    const nosuch = await ceremony.run(['stage', '--role', 'nosuch']);
    expect(nosuch.code).toBe(2);
    expect(nosuch.stderr).toMatch(
      /--role nosuch: .*ceremony\.yaml has no such role \(roles: root, targets\)/,
    );
    const online = await ceremony.run(['stage', '--role', 'timestamp']);
    expect(online.code).toBe(2);
    expect(online.stderr).toMatch(/timestamp is signed online at finalize/);
  });
});

describe('init adopts no other trust root', () => {
  it("refuses a directory holding another root's repository/ and accepts README, LICENSE, .git", async () => {
    const base = await mkdtemp(join(tmpdir(), 'tuf-ceremony-init-'));
    const taken = join(base, 'taken');
    await mkdir(join(taken, 'repository'), { recursive: true });
    await writeFile(join(taken, 'repository', '1.root.json'), '{}');
    await writeFile(join(taken, 'README.md'), '# mine\n');
    const before = await treeDigest(taken);
    const refused = await runTool(['init', taken], { cwd: base });
    expect(refused.code).toBe(1);
    oneLineError(refused.stderr);
    expect(refused.stderr).toContain(`${taken}: already holds repository/ of a trust root`);
    expect(await treeDigest(taken)).toEqual(before);

    const withKeys = join(base, 'with-keys');
    await mkdir(join(withKeys, 'keys'), { recursive: true });
    const keys = await runTool(['init', withKeys], { cwd: base });
    expect(keys.stderr).toMatch(/already holds keys\/ of a trust root/);

    const fresh = join(base, 'fresh');
    await mkdir(join(fresh, '.git'), { recursive: true });
    await writeFile(join(fresh, 'README.md'), '# fresh\n');
    await writeFile(join(fresh, 'LICENSE'), 'MIT\n');
    const ok = await runTool(['init', fresh, '--holders', 'alice,bob', '--threshold', '1'], {
      cwd: base,
    });
    expect(ok.code, ok.stderr).toBe(0);
    const again = await runTool(['init', fresh], { cwd: base });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds ceremony\.yaml, keys\/ of a trust root/);
  });
});
