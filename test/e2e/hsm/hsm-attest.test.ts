import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFingerprint, keyFromPublicKeyObject } from '../../../src/metadata/keys.js';
import { PROJECT_ROOT } from '../../helpers/fixtures.js';
import { expectValid } from '../../helpers/json-schemas.js';
import { certFactory, type CertFactory } from '../../unit/hsm/attestation-certs.js';

const CLI = join(PROJECT_ROOT, 'dist', 'cli', 'main.js');

describe('tuf-ceremony hsm attest (built CLI)', () => {
  let certs: CertFactory;
  let dir: string;
  const publicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const key = keyFromPublicKeyObject(publicKey);

  const cli = (args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(() => {
    certs = certFactory();
    certs.root('Test PIV Root CA');
    certs.intermediate('Yubico PIV Attestation', 'Test PIV Root CA');
    certs.attestation('YubiKey PIV Attestation 9c', 'Yubico PIV Attestation', publicKey, {
      firmware: [5, 4, 3],
      serial: 12_345_678,
      pinPolicy: 2,
      touchPolicy: 2,
    });
    dir = certs.dir;
    writeFileSync(join(dir, 'leaf.pem'), certs.pem('YubiKey PIV Attestation 9c'));
    writeFileSync(join(dir, 'f9.pem'), certs.pem('Yubico PIV Attestation'));
    writeFileSync(join(dir, 'root.pem'), certs.pem('Test PIV Root CA'));
    writeFileSync(
      join(dir, 'alice.json'),
      JSON.stringify({ holder: 'alice', keyid: 'x', key, key_ref: 'pkcs11:token=alice' }),
    );
  });

  afterAll(() => {
    certs.remove();
  });

  const base = [
    'hsm',
    'attest',
    '--attestation',
    'leaf.pem',
    '--intermediate',
    'f9.pem',
    '--root',
    'root.pem',
  ];

  it('verifies an attestation for an enrolled key file and prints what it proves', () => {
    const r = cli([...base, '--key-file', 'alice.json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'attestation verified: YubiKey serial 12345678, firmware 5.4.3, slot 9c, PIN policy once, touch policy always',
        `key fingerprint ${keyFingerprint(key)} was generated on this YubiKey and cannot leave it`,
        'chain: YubiKey PIV Attestation 9c <- Yubico PIV Attestation <- Test PIV Root CA',
        '',
      ].join('\n'),
    );
    const json = cli([...base, '--key-file', 'alice.json', '--json']);
    expect(json.stderr).toBe('');
    expect(expectValid('hsm-attest', json.stdout)).toMatchObject({
      kind: 'yubikey-piv',
      serial: 12_345_678,
      firmware: '5.4.3',
    });
  });

  it('fails when the chain is not valid at the clock given by TUF_CEREMONY_NOW', () => {
    const r = cli([...base, '--key-file', 'alice.json'], {
      TUF_CEREMONY_NOW: '2099-01-01T00:00:00Z',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: YubiKey attestation: "YubiKey PIV Attestation 9c" is not valid at 2099-01-01T00:00:00.000Z/,
    );
    const json = cli([...base, '--key-file', 'alice.json', '--json'], {
      TUF_CEREMONY_NOW: '2099-01-01T00:00:00Z',
    });
    expect(json.code).toBe(1);
    expect(json.stderr).toBe('');
    expect(expectValid('error', json.stdout)).toMatchObject({
      error: { message: expect.stringMatching(/is not valid at 2099-01-01/) as string },
    });
  });

  it('is a usage error without a key or with a missing file', () => {
    expect(cli(base).stderr).toMatch(/give exactly one of --key-file and --uri/);
    const r = cli([...base.slice(0, 6), '--root', 'nope.pem', '--key-file', 'alice.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--root nope\.pem: ENOENT/);
  });
});
