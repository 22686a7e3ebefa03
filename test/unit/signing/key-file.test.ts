import { createPublicKey, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCeremonyError } from '../../../src/metadata/errors.js';
import {
  KEY_FILE_FORMAT,
  readEncryptedKeyFile,
  readKeyFileDocument,
  readKeyFilePublicKey,
  writeEncryptedKeyFile,
} from '../../../src/signing/key-file.js';
import { ed25519FromSeed, generatePrivateKey } from '../../../src/signing/software-signer.js';

const PASS = 'correct horse battery staple';
const FAST = { scryptLog2N: 10 };
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'key-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function spki(key: KeyObject): string {
  const pub = key.type === 'public' ? key : createPublicKey(key);
  return pub.export({ format: 'der', type: 'spki' }).toString('hex');
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('encrypted key files', () => {
  it.each(['ed25519', 'ecdsa-p256'] as const)('round-trips an %s key', async (algorithm) => {
    const key = generatePrivateKey(algorithm);
    const path = join(dir, 'alice.key');
    await writeEncryptedKeyFile(path, key, PASS, { ...FAST, keyid: 'ab'.repeat(32) });
    const back = await readEncryptedKeyFile(path, PASS);
    expect(back.export({ format: 'der', type: 'pkcs8' })).toEqual(
      key.export({ format: 'der', type: 'pkcs8' }),
    );
    expect(spki(await readKeyFilePublicKey(path))).toBe(spki(key));
    const doc = await readKeyFileDocument(path);
    expect(doc).toMatchObject({
      format: KEY_FILE_FORMAT,
      kdf: { name: 'scrypt', N: 1024, r: 8, p: 1 },
      cipher: { name: 'aes-256-gcm' },
      keyid: 'ab'.repeat(32),
    });
  });

  it('uses N=2^17, r=8, p=1 unless a lower test cost is asked for', async () => {
    const path = join(dir, 'real.key');
    await writeEncryptedKeyFile(path, generatePrivateKey('ed25519'), PASS);
    expect((await readKeyFileDocument(path)).kdf).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
    expect(await readEncryptedKeyFile(path, PASS)).toBeDefined();
    for (const scryptLog2N of [9, 18, 12.5]) {
      const err = await rejection(
        writeEncryptedKeyFile(
          join(dir, `cost-${scryptLog2N}.key`),
          generatePrivateKey('ed25519'),
          PASS,
          {
            scryptLog2N,
          },
        ),
      );
      expect(err.message).toMatch(/must be between 2\^10 and 2\^17/);
    }
  });

  it('still reads an older file written at N=2^15 (the file records its parameters)', async () => {
    const path = join(dir, 'old.key');
    await writeEncryptedKeyFile(path, generatePrivateKey('ed25519'), PASS, { scryptLog2N: 15 });
    expect((await readKeyFileDocument(path)).kdf.N).toBe(2 ** 15);
    expect((await readEncryptedKeyFile(path, PASS)).type).toBe('private');
  });

  it('refuses a passphrase under 12 characters with the reason, writing nothing', async () => {
    const path = join(dir, 'short.key');
    const err = await rejection(
      writeEncryptedKeyFile(path, generatePrivateKey('ed25519'), 'elevenchars', FAST),
    );
    expect(isCeremonyError(err, 'SECRET_INVALID')).toBe(true);
    expect(err.message).toBe(
      `${path}: the passphrase has 11 character(s); a new key file needs at least 12 (a few unrelated words make a strong one)`,
    );
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
    // Characters, not bytes: twelve accented letters are enough.
    await writeEncryptedKeyFile(path, generatePrivateKey('ed25519'), 'é'.repeat(12), FAST);
  });

  it('refuses a GCM tag or IV of the wrong length before decrypting', async () => {
    const path = join(dir, 'tag.key');
    await writeEncryptedKeyFile(path, generatePrivateKey('ed25519'), PASS, FAST);
    const doc = JSON.parse(await readFile(path, 'utf8')) as {
      cipher: { tag: string; iv: string };
    };
    expect(Buffer.from(doc.cipher.tag, 'base64')).toHaveLength(16);
    const tag = Buffer.from(doc.cipher.tag, 'base64').subarray(0, 4).toString('base64');
    await writeFile(
      join(dir, 'short-tag.key'),
      JSON.stringify({ ...doc, cipher: { ...doc.cipher, tag } }),
    );
    const short = await rejection(readEncryptedKeyFile(join(dir, 'short-tag.key'), PASS));
    expect(short.message).toMatch(/cipher\.tag must be 16 bytes/);
    const iv = Buffer.alloc(16).toString('base64');
    await writeFile(
      join(dir, 'long-iv.key'),
      JSON.stringify({ ...doc, cipher: { ...doc.cipher, iv } }),
    );
    const long = await rejection(readEncryptedKeyFile(join(dir, 'long-iv.key'), PASS));
    expect(long.message).toMatch(/cipher\.iv must be 12 bytes/);
  });

  it('writes mode 0600 and never the private key in plain form', async () => {
    const seed = Buffer.alloc(32, 7);
    const key = ed25519FromSeed(seed);
    const path = join(dir, 'bob.key');
    await writeEncryptedKeyFile(path, key, PASS, FAST);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const bytes = await readFile(path);
    const text = bytes.toString('utf8');
    const der = key.export({ format: 'der', type: 'pkcs8' });
    for (const secret of [der, seed]) {
      expect(bytes.includes(secret)).toBe(false);
      expect(text).not.toContain(secret.toString('base64'));
      expect(text).not.toContain(secret.toString('hex'));
    }
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain(PASS);
  });

  it('refuses a wrong passphrase without naming it', async () => {
    const path = join(dir, 'carol.key');
    await writeEncryptedKeyFile(path, generatePrivateKey('ed25519'), PASS, FAST);
    const err = await rejection(readEncryptedKeyFile(path, 'wrong guess'));
    expect(isCeremonyError(err, 'SECRET_INVALID')).toBe(true);
    expect(err.message).toBe(`${path}: wrong passphrase (or the file is damaged)`);
    expect(err.message).not.toContain('wrong guess');
  });

  it('detects a swapped public key or a flipped ciphertext byte', async () => {
    const path = join(dir, 'dave.key');
    await writeEncryptedKeyFile(path, generatePrivateKey('ed25519'), PASS, FAST);
    const doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    const other = createPublicKey(generatePrivateKey('ed25519'))
      .export({ format: 'pem', type: 'spki' })
      .toString();
    await writeFile(join(dir, 'swapped.key'), JSON.stringify({ ...doc, public_key: other }));
    const swapped = await rejection(readEncryptedKeyFile(join(dir, 'swapped.key'), PASS));
    expect(isCeremonyError(swapped, 'SECRET_INVALID')).toBe(true);
    const ct = Buffer.from(doc.ciphertext as string, 'base64');
    ct[0] = (ct[0] ?? 0) ^ 1;
    await writeFile(
      join(dir, 'flipped.key'),
      JSON.stringify({ ...doc, ciphertext: ct.toString('base64') }),
    );
    const flipped = await rejection(readEncryptedKeyFile(join(dir, 'flipped.key'), PASS));
    expect(flipped.message).toMatch(/wrong passphrase \(or the file is damaged\)/);
  });

  it('refuses to overwrite an existing file, and an empty passphrase', async () => {
    const path = join(dir, 'erin.key');
    await writeFile(path, 'precious');
    const err = await rejection(
      writeEncryptedKeyFile(path, generatePrivateKey('ed25519'), PASS, FAST),
    );
    expect(err.message).toMatch(/already exists; refusing to overwrite/);
    expect(await readFile(path, 'utf8')).toBe('precious');
    const empty = await rejection(
      writeEncryptedKeyFile(join(dir, 'new.key'), generatePrivateKey('ed25519'), '', FAST),
    );
    expect(isCeremonyError(empty, 'SECRET_INVALID')).toBe(true);
    await expect(stat(join(dir, 'new.key'))).rejects.toThrow(/ENOENT/);
  });

  it('reports unreadable files with their name and a missing file as FILE_MISSING', async () => {
    await writeFile(
      join(dir, 'junk.key'),
      '{"format":"tuf-ceremony-key-v1","kdf":{"name":"scrypt","N":3}}',
    );
    const junk = await rejection(readEncryptedKeyFile(join(dir, 'junk.key'), PASS));
    expect(junk.message).toMatch(/junk.key: not a tuf-ceremony key file/);
    const missing = await rejection(readEncryptedKeyFile(join(dir, 'none.key'), PASS));
    expect(isCeremonyError(missing, 'FILE_MISSING')).toBe(true);
  });
});
