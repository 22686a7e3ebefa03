import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CeremonyFixture, treeDigest } from '../../helpers/ceremony.js';

// Scenario 3 (a staged draft changed after a holder signed) and the bad-input rules: a one-line
// error, a non-zero exit, and nothing written.

let ceremony: CeremonyFixture;

function oneLineError(stderr: string): void {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^error: /);
  expect(stderr).not.toMatch(/\n\s+at /);
}

async function expectRefusedWithoutWrites(
  args: string[],
  pattern: RegExp,
  env: Record<string, string> = {},
): Promise<number | null> {
  const before = await treeDigest(ceremony.dir);
  const result = await ceremony.run(args, env);
  expect(result.code, result.stdout).not.toBe(0);
  oneLineError(result.stderr);
  expect(result.stderr).toMatch(pattern);
  expect(await treeDigest(ceremony.dir)).toEqual(before);
  return result.code;
}

describe('stale signatures and bad input', () => {
  beforeAll(async () => {
    ceremony = await CeremonyFixture.create(['alice', 'bob', 'carol'], 2);
    for (const holder of ['alice', 'bob', 'carol', 'online']) await ceremony.addKey(holder);
    await ceremony.ok(['stage']);
  });

  it('reports a signature over a changed draft as stale and does not count it', async () => {
    expect((await ceremony.sign('alice')).code).toBe(0);
    await ceremony.editPlan((text) => text.replace(/(targets: \{[^}]*expires: )365d/, '$1300d'));
    const refused = await ceremony.run(['stage']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--restage/);
    const restaged = await ceremony.ok(['stage', '--restage']);
    expect(restaged.stdout).toMatch(/targets v1/);
    const { json } = await ceremony.status();
    const targets = json.roles.find((r) => r.role === 'targets');
    expect(targets?.checks[0]?.valid).toBe(0);
    expect(targets?.stale.map((s) => s.holder)).toEqual(['alice']);
    const text = await ceremony.run(['status']);
    expect(text.stdout).toMatch(/stale: alice's signature .* does not count/);
    // Root did not change: alice's root signature still counts.
    expect(json.roles.find((r) => r.role === 'root')?.checks[0]?.valid).toBe(1);
    const again = await ceremony.sign('alice');
    expect(again.stdout).toMatch(/signed targets v1/);
    expect(again.stdout).not.toMatch(/signed root/);
    const after = await ceremony.status();
    expect(after.json.roles.find((r) => r.role === 'targets')?.checks[0]?.valid).toBe(1);
  });

  it('refuses a staged file edited by hand', async () => {
    const file = join(ceremony.dir, 'staged', 'targets.json');
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace(/"version": 1/, '"version": 7'));
    await expectRefusedWithoutWrites(
      ['sign', '--holder', 'bob', '--passphrase-env', ceremony.passphraseVar('bob'), '--yes'],
      /staged[/\\]targets\.json: changed after staging/,
    );
    await expectRefusedWithoutWrites(['status'], /changed after staging/);
    await writeFile(file, original);
  });

  it('refuses an unknown holder as bad input (exit 1), suggesting a close name', async () => {
    const code = await expectRefusedWithoutWrites(
      ['sign', '--holder', 'mallory', '--yes'],
      /no holder named "mallory"/,
    );
    expect(code).toBe(1);
    await expectRefusedWithoutWrites(
      ['key', 'add', '--holder', 'mallory', '--generate', 'ed25519'],
      /no holder named "mallory"/,
    );
    await expectRefusedWithoutWrites(['review', '--holder', 'alcie'], /did you mean "alice"/);
  });

  it('refuses a wrong passphrase without writing', async () => {
    await expectRefusedWithoutWrites(
      ['sign', '--holder', 'bob', '--passphrase-env', 'WRONG_PASS', '--yes'],
      /wrong passphrase/,
      { WRONG_PASS: 'not the passphrase' },
    );
  });

  it('refuses a key file that does not match the enrolled key', async () => {
    const carolKey = JSON.parse(
      await readFile(
        join(
          ceremony.dir,
          'keys',
          'carol',
          (await import('node:fs')).readdirSync(join(ceremony.dir, 'keys', 'carol'))[0] ?? '',
        ),
        'utf8',
      ),
    ) as { keyid: string };
    await expectRefusedWithoutWrites(
      [
        'sign',
        '--holder',
        'bob',
        '--key-ref',
        await ceremony.keyRef(carolKey.keyid),
        '--passphrase-env',
        ceremony.passphraseVar('carol'),
        '--yes',
      ],
      /not the enrolled key/,
    );
  });

  it('refuses to sign without --yes when there is no terminal', async () => {
    await expectRefusedWithoutWrites(
      ['sign', '--holder', 'bob', '--passphrase-env', ceremony.passphraseVar('bob')],
      /confirm with --yes/,
    );
  });

  it('refuses a malformed plan, listing every mistake at once', async () => {
    const plan = join(ceremony.dir, 'ceremony.yaml');
    const original = await readFile(plan, 'utf8');
    await writeFile(
      plan,
      original
        .replace('threshold: 2, expires: 365d', 'threshold: 4, expires: 365d')
        .replace(
          'snapshot: { holders: [online], threshold: 1, expires: 7d',
          'snapshot: { holders: [online], threshold: 1, expires: 7x',
        ),
    );
    const before = await treeDigest(ceremony.dir);
    const result = await ceremony.run(['stage']);
    expect(result.code).not.toBe(0);
    oneLineError(result.stderr);
    expect(result.stderr).toMatch(/roles\.root\.threshold: 4 is more than its 3 holders/);
    expect(result.stderr).toMatch(/roles\.snapshot\.expires/);
    expect(await treeDigest(ceremony.dir)).toEqual(before);
    await writeFile(plan, original);
  });
});
