import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/fixtures.js';
import { expectValid } from '../../helpers/json-schemas.js';
import { createSoftHsm, HAVE_SOFTHSM, type SoftHsm } from '../../helpers/softhsm.js';

const CLI = join(PROJECT_ROOT, 'dist', 'cli', 'main.js');

function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface ListedJson {
  tokens: {
    label: string;
    serial: string;
    pin: string;
    keys: {
      label: string;
      id: string;
      keytype?: string;
      fingerprint?: string;
      keyid?: string;
      uri: string;
    }[];
  }[];
}

describe.runIf(HAVE_SOFTHSM)('tuf-ceremony hsm list (built CLI, SoftHSM2 tokens)', () => {
  let hsm: SoftHsm;

  beforeAll(() => {
    hsm = createSoftHsm();
    hsm.createToken('alice', '1234');
    hsm.createToken('bob', '1234');
    hsm.createKeyPair({
      token: 'alice',
      pin: '1234',
      label: 'root',
      idHex: 'a1',
      curve: 'p256',
      sign: true,
    });
    hsm.createKeyPair({
      token: 'alice',
      pin: '1234',
      label: 'ed',
      idHex: 'a2',
      curve: 'ed25519',
      sign: true,
    });
  });

  afterAll(() => {
    hsm.remove();
  });

  it('lists tokens and keys as JSON with key type, fingerprint and URI', () => {
    const r = cli(['hsm', 'list', '--module', hsm.modulePath, '--json'], hsm.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const listed = expectValid('hsm-list', r.stdout) as ListedJson;
    expect(listed.tokens.map((t) => t.label).sort()).toEqual(['alice', 'bob']);
    const alice = listed.tokens.find((t) => t.label === 'alice');
    expect(alice?.pin).toBe('ok');
    expect(alice?.serial).toMatch(/^[0-9a-f]{16}$/);
    expect(alice?.keys.map((k) => [k.label, k.id, k.keytype])).toEqual([
      ['ed', 'a2', 'ed25519'],
      ['root', 'a1', 'ecdsa'],
    ]);
    for (const k of alice?.keys ?? []) {
      expect(k.fingerprint).toMatch(/^[0-9a-f]{4}(:[0-9a-f]{4}){3}$/);
      expect(k.keyid).toMatch(/^[0-9a-f]{64}$/);
      expect(k.uri).toBe(
        `pkcs11:token=alice;serial=${alice?.serial ?? ''};id=%${k.id};object=${k.label}?module-path=${hsm.modulePath}`,
      );
    }
    expect(listed.tokens.find((t) => t.label === 'bob')?.keys).toEqual([]);
  });

  it('prints a readable listing by default', () => {
    const r = cli(['hsm', 'list', '--module', hsm.modulePath], hsm.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/token "alice" {2}serial [0-9a-f]{16} {2}SoftHSM project SoftHSM v2/);
    expect(r.stdout).toMatch(
      /ecdsa [0-9a-f:]{19} {2}"root" id a1 {2}\(public-key\)\n {4}pkcs11:token=alice;/,
    );
    expect(r.stdout).toMatch(/token "bob".*\n {2}no keys visible without a PIN/);
  });

  it('fails with a one-line error for a module that does not exist', () => {
    const r = cli(['hsm', 'list', '--module', join(hsm.dir, 'missing.so')], hsm.env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `error: PKCS#11 module ${join(hsm.dir, 'missing.so')} does not exist`,
    );
  });

  it('fails as a JSON error with --json', () => {
    const r = cli(['hsm', 'list', '--module', join(hsm.dir, 'missing.so'), '--json'], hsm.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(expectValid('error', r.stdout)).toMatchObject({
      error: { message: `PKCS#11 module ${join(hsm.dir, 'missing.so')} does not exist` },
    });
  });
});
