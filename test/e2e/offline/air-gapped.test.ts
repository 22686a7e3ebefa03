import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import {
  emptyDir,
  filesIn,
  NETWORK_ISOLATION,
  runOffline,
  signOffline,
} from '../../helpers/offline.js';
import { createSoftHsm, HAVE_SOFTHSM, type SoftHsm } from '../../helpers/softhsm.js';
import { readWithTufJs } from '../../helpers/tuf-js-client.js';

// Acceptance of air-gapped signing: three holders (carol's key on a SoftHSM2 token) each sign
// through `sign --export`, `sign-offline` in an empty directory with networking disabled, and
// `sign --import`; finalize and verify. Then a root rotation signed the same way needs a
// threshold of the old root and of the new one.

const CAROL_PIN = '4321';
let ceremony: CeremonyFixture;
let hsm: SoftHsm;
let carolRef: string;

async function keyRefOf(holder: string): Promise<string> {
  const dir = join(ceremony.dir, 'keys', holder);
  const [file] = await readdir(dir);
  // Key records name only the scheme; where the key is stays on this machine.
  return ceremony.keyRef((file ?? '').replace(/\.json$/, ''));
}

/** Export, offline signing in an empty directory, import: one holder's whole air-gapped turn. */
async function airGappedTurn(holder: string): Promise<string> {
  const carry = await emptyDir();
  const request = join(carry, `${holder}.request.json`);
  await ceremony.ok(['sign', '--holder', holder, '--export', request]);
  const offline = await emptyDir();
  const secret =
    holder === 'carol'
      ? { args: ['--key-ref', carolRef, '--pin-env', 'PIN'], env: { PIN: CAROL_PIN, ...hsm.env } }
      : {
          args: ['--key-ref', await keyRefOf(holder), '--passphrase-env', 'PASS'],
          env: { PASS: ceremony.env[ceremony.passphraseVar(holder)] ?? '' },
        };
  const response = join(carry, `${holder}.response.json`);
  const signed = await signOffline(
    [request, ...secret.args, '--out', response, '--yes'],
    offline,
    secret.env,
  );
  expect(signed.code, signed.stderr).toBe(0);
  expect(signed.stdout).toMatch(/sha256 of the bytes to sign: [0-9a-f]{64}/);
  expect(signed.stdout).toMatch(/; verified/);
  expect(await filesIn(offline)).toEqual([]);
  const text = await readFile(response, 'utf8');
  expect(text).not.toContain(secret.env.PASS ?? CAROL_PIN);
  expect(text).not.toMatch(/PRIVATE|passphrase|pin/i);
  const imported = await ceremony.ok(['sign', '--import', response]);
  return imported.stdout;
}

describe.runIf(HAVE_SOFTHSM)('air-gapped signing end to end', () => {
  beforeAll(async () => {
    hsm = createSoftHsm();
    hsm.createToken('carol', CAROL_PIN);
    ceremony = await CeremonyFixture.create(['alice', 'bob', 'carol'], 2);
    Object.assign(ceremony.env, hsm.env);
    await ceremony.addKey('alice');
    await ceremony.addKey('bob', 'ecdsa-p256');
    await ceremony.ok(
      [
        'key',
        'add',
        '--holder',
        'carol',
        '--hsm',
        'pkcs11:token=carol',
        '--generate',
        'ecdsa-p256',
        '--pin-env',
        'PIN',
      ],
      ceremony.dir,
      { PIN: CAROL_PIN },
    );
    carolRef = await keyRefOf('carol');
    expect(carolRef).toMatch(/^pkcs11:.*token=carol/);
    await ceremony.addKey('online');
  });

  afterAll(() => {
    hsm.remove();
  });

  it('runs with networking disabled', async () => {
    expect(NETWORK_ISOLATION).toBe(true);
    const probe = await runOffline(
      [
        process.execPath,
        '-e',
        "require('net').connect(443, '1.1.1.1').on('error', (e) => console.log(e.code))",
      ],
      await emptyDir(),
    );
    expect(probe.stdout.trim()).toBe('ENETUNREACH');
  });

  it('collects every signature through export, sign-offline and import; finalize verifies', async () => {
    await ceremony.ok(['stage']);
    for (const holder of ['alice', 'bob', 'carol']) {
      const out = await airGappedTurn(holder);
      expect(out).toMatch(new RegExp(`imported ${holder}'s signature of root v1 .*; verified`));
    }
    const status = await ceremony.status();
    expect(status.code).toBe(0);
    expect(status.json.roles.map((r) => r.checks[0]?.signed_by)).toEqual([
      ['alice', 'bob', 'carol'],
      ['alice', 'bob', 'carol'],
    ]);
    const log = await readFile(
      join(ceremony.dir, 'ceremony-logs', status.json.id, 'carol.jsonl'),
      'utf8',
    );
    expect(log).toMatch(/"request_sha256":"[0-9a-f]{64}".*"type":"signature.imported"/);
    const final = await ceremony.finalize();
    expect(final.code, final.stderr).toBe(0);
    const repo = join(ceremony.dir, 'repository');
    await ceremony.ok(['verify', '--root', join(repo, '1.root.json'), repo]);
    await readWithTufJs(repo);
  });

  it('signs a root rotation offline under the old and the new root', async () => {
    await ceremony.editPlan((text) =>
      text
        .replace('  carol: {}\n', '  carol: {}\n  dave: {}\n')
        .replace('root: { holders: [alice, bob, carol]', 'root: { holders: [alice, bob, dave]'),
    );
    await ceremony.addKey('dave');
    await ceremony.ok(['stage']);
    const request = join(await emptyDir(), 'carol.json');
    await ceremony.ok(['sign', '--holder', 'carol', '--export', request]);
    const exported = JSON.parse(await readFile(request, 'utf8')) as {
      roles: { role: string; keys: { counts_for: string[] }[] }[];
    };
    expect(exported.roles.map((r) => [r.role, r.keys[0]?.counts_for])).toEqual([
      ['root', ['old root v1']],
    ]);
    const root = async () => (await ceremony.status()).json.roles.find((r) => r.role === 'root');
    await airGappedTurn('dave');
    await airGappedTurn('alice');
    expect((await root())?.checks.map((c) => [c.authority, c.valid, c.threshold])).toEqual([
      ['new root v2', 2, 2],
      ['old root v1', 1, 2],
    ]);
    expect((await ceremony.finalize()).code).toBe(1);
    await airGappedTurn('carol');
    expect((await root())?.checks.map((c) => c.valid)).toEqual([2, 2]);
    const final = await ceremony.finalize();
    expect(final.code, final.stderr).toBe(0);
    const repo = join(ceremony.dir, 'repository');
    await ceremony.ok(['verify', '--root', join(repo, '1.root.json'), repo]);
    await readWithTufJs(repo);
  });
});
