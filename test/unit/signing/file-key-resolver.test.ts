import { createPublicKey } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliSecretSource, EnvSecretSource, PromptSecretSource } from '../../../src/cli/secrets.js';
import { ScriptedPrompter } from '../../../src/cli/prompt.js';
import {
  computeKeyid,
  keyFromPublicKeyObject,
  publicKeyHandle,
} from '../../../src/metadata/keys.js';
import { isCeremonyError } from '../../../src/metadata/errors.js';
import { checkSignature } from '../../../src/metadata/signature-check.js';
import { FileKeyResolver, fileRefPath } from '../../../src/signing/file-key-resolver.js';
import { writeEncryptedKeyFile } from '../../../src/signing/key-file.js';
import { KeyRefRegistry } from '../../../src/signing/key-ref.js';
import { ed25519FromSeed } from '../../../src/signing/software-signer.js';

const PASS = 'alice passphrase';
const alicePrivate = ed25519FromSeed(Buffer.alloc(32, 1));
const bobPrivate = ed25519FromSeed(Buffer.alloc(32, 2));
const aliceKey = keyFromPublicKeyObject(createPublicKey(alicePrivate));
const bobKey = keyFromPublicKeyObject(createPublicKey(bobPrivate));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-resolver-'));
  await writeEncryptedKeyFile(join(dir, 'keys', 'alice.key'), alicePrivate, PASS, {
    scryptLog2N: 10,
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('fileRefPath', () => {
  it('resolves relative, absolute and URL forms', () => {
    expect(fileRefPath('file:keys/a.key', '/base')).toBe('/base/keys/a.key');
    expect(fileRefPath('file:/abs/a.key', '/base')).toBe('/abs/a.key');
    expect(fileRefPath('file:///abs/a%20b.key', '/base')).toBe('/abs/a b.key');
    expect(() => fileRefPath('file:', '/base')).toThrow(/names no file/);
    expect(() => fileRefPath('pkcs11:x', '/base')).toThrow(/not a file: reference/);
  });
});

describe('FileKeyResolver', () => {
  it('opens the enrolled key and signs under its keyid', async () => {
    const registry = new KeyRefRegistry([new FileKeyResolver(dir)]);
    const env = new EnvSecretSource({ ALICE_PASS: PASS }, 'ALICE_PASS');
    const signer = await registry.open('file:keys/alice.key', env, aliceKey);
    const bytes = new TextEncoder().encode('{"_type":"root"}');
    const sig = await signer.sign(bytes);
    expect(sig.keyid).toBe(computeKeyid(aliceKey));
    expect(signer.keyid).toBe(computeKeyid(aliceKey));
    expect(checkSignature(publicKeyHandle(aliceKey), bytes, sig.sig)).toBe(true);
    await signer.close();
  });

  it('refuses a key file that does not hold the enrolled key (KEY_MISMATCH)', async () => {
    const resolver = new FileKeyResolver(dir, {
      holderOf: (keyid) => (keyid === computeKeyid(bobKey) ? 'bob' : undefined),
    });
    const env = new EnvSecretSource({ P: PASS }, 'P');
    const err = await rejection(
      resolver.open(`file:${join(dir, 'keys', 'alice.key')}`, env, bobKey),
    );
    expect(isCeremonyError(err, 'KEY_MISMATCH')).toBe(true);
    expect(err.message).toBe(
      `${join(dir, 'keys', 'alice.key')}: this key file holds key ${computeKeyid(aliceKey).slice(0, 8)}, not the enrolled key ${computeKeyid(bobKey).slice(0, 8)} of bob`,
    );
  });

  it('gives an environment variable one try', async () => {
    const env = new EnvSecretSource({ P: 'nope' }, 'P');
    const err = await rejection(new FileKeyResolver(dir).open('file:keys/alice.key', env));
    expect(isCeremonyError(err, 'SECRET_INVALID')).toBe(true);
    expect(err.message).not.toContain('nope');
  });

  it('asks a terminal again after a wrong passphrase, up to three times', async () => {
    const prompter = new ScriptedPrompter([
      { kind: 'password', match: /^Passphrase for key file .*alice.key:$/, answer: 'typo 1' },
      { kind: 'password', match: '(attempt 2 of 3)', answer: PASS },
    ]);
    const signer = await new FileKeyResolver(dir).open(
      'file:keys/alice.key',
      new PromptSecretSource(prompter),
      aliceKey,
    );
    expect(signer.keyid).toBe(computeKeyid(aliceKey));
    expect(prompter.remaining).toBe(0);

    const stubborn = new ScriptedPrompter([
      { kind: 'password', match: 'alice.key', answer: 'a' },
      { kind: 'password', match: 'attempt 2', answer: 'b' },
      { kind: 'password', match: 'attempt 3', answer: 'c' },
    ]);
    const err = await rejection(
      new FileKeyResolver(dir).open('file:keys/alice.key', new PromptSecretSource(stubborn)),
    );
    expect(err.message).toMatch(/wrong passphrase/);
    expect(stubborn.remaining).toBe(0);
  });

  it('without a terminal and without --passphrase-env, says which flag to pass', async () => {
    const secrets = new CliSecretSource({}, {}, undefined);
    const err = await rejection(new FileKeyResolver(dir).open('file:keys/alice.key', secrets));
    expect(isCeremonyError(err, 'USAGE')).toBe(true);
    expect(err.message).toMatch(/pass --passphrase-env VAR/);
  });
});
