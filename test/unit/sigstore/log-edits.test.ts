import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CeremonyError } from '../../../src/metadata/errors.js';
import {
  addCtLog,
  addTransparencyLog,
  emptyTrustedRoot,
  endCtLog,
  endTransparencyLog,
  type TrustedRootDoc,
} from '../../../src/sigstore/index.js';

function publicPem(type: 'ed25519' | 'p256' | 'p384' | 'rsa'): string {
  const pair =
    type === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', { namedCurve: type === 'p256' ? 'P-256' : 'P-384' });
  return pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

const P256 = publicPem('p256');
const ED = publicPem('ed25519');
const BASE = 'https://rekor.example.dev';

function withLog(): TrustedRootDoc {
  return addTransparencyLog(emptyTrustedRoot('0.2'), {
    baseUrl: BASE,
    publicKeyPem: P256,
    start: '2024-01-01T00:00:00Z',
  });
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof CeremonyError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'no error';
}

describe('transparency and CT log edits', () => {
  it('adds entries sorted by start without touching the input', () => {
    const base = withLog();
    const snapshot = structuredClone(base);
    const doc = addTransparencyLog(base, {
      baseUrl: 'https://old.example.dev',
      publicKeyPem: publicPem('p384'),
      start: '2023-06-01T12:00:00+02:00',
    });
    expect(base).toEqual(snapshot);
    expect(doc.tlogs.map((t) => t.baseUrl)).toEqual(['https://old.example.dev', BASE]);
    expect(doc.tlogs[0]?.publicKey).toMatchObject({
      keyDetails: 'PKIX_ECDSA_P384_SHA_384',
      validFor: { start: '2023-06-01T10:00:00Z' },
    });
  });

  it('closes an entry and keeps it (never deleted)', () => {
    const doc = endTransparencyLog(withLog(), { baseUrl: BASE, end: '2025-01-01T00:00:00.5Z' });
    expect(doc.tlogs).toHaveLength(1);
    expect(doc.tlogs[0]?.publicKey.validFor).toEqual({
      start: '2024-01-01T00:00:00Z',
      end: '2025-01-01T00:00:00.500Z',
    });
    expect(
      code(() => endTransparencyLog(doc, { baseUrl: BASE, end: '2026-01-01T00:00:00Z' })),
    ).toMatch(/^USAGE: no open transparency log with base URL/);
  });

  it('writes operator and a Rekor v2 checkpointKeyId on a v0.2 file', () => {
    const doc = addTransparencyLog(emptyTrustedRoot('0.2'), {
      baseUrl: 'https://log2030-1.rekor.example.dev',
      publicKeyPem: ED,
      start: '2030-01-01T00:00:00Z',
      apiVersion: 2,
      operator: 'example.dev',
    });
    const entry = doc.tlogs[0];
    expect(entry?.operator).toBe('example.dev');
    expect(entry?.publicKey.keyDetails).toBe('PKIX_ED25519');
    expect(entry?.checkpointKeyId).toEqual(entry?.logId);
  });

  it.each([
    [
      'a PEM that is not a key',
      () =>
        addTransparencyLog(withLog(), {
          baseUrl: 'https://x.dev',
          publicKeyPem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
          start: '2024-01-01T00:00:00Z',
        }),
      /^KEY_UNSUPPORTED: .*not a readable public key/,
    ],
    [
      'a private key',
      () =>
        addTransparencyLog(withLog(), {
          baseUrl: 'https://x.dev',
          publicKeyPem: generateKeyPairSync('ed25519')
            .privateKey.export({ type: 'pkcs8', format: 'pem' })
            .toString(),
          start: '2024-01-01T00:00:00Z',
        }),
      /^KEY_UNSUPPORTED: .*PUBLIC KEY/,
    ],
    [
      'an RSA key',
      () =>
        addCtLog(withLog(), {
          baseUrl: 'https://ct.dev',
          publicKeyPem: publicPem('rsa'),
          start: '2024-01-01T00:00:00Z',
        }),
      /^KEY_UNSUPPORTED: .*ECDSA .* or Ed25519/,
    ],
    [
      'an ECDSA key for a Rekor v2 shard',
      () =>
        addTransparencyLog(withLog(), {
          baseUrl: 'https://v2.dev',
          publicKeyPem: publicPem('p256'),
          start: '2024-01-01T00:00:00Z',
          apiVersion: 2,
        }),
      /^USAGE: --api-version 2: a Rekor v2 shard .* needs an Ed25519 key/,
    ],
    [
      'the same key twice',
      () =>
        addTransparencyLog(withLog(), {
          baseUrl: 'https://again.dev',
          publicKeyPem: P256,
          start: '2024-02-01T00:00:00Z',
        }),
      /^USAGE: this transparency log key is already listed/,
    ],
    [
      'an http URL',
      () =>
        addTransparencyLog(withLog(), {
          baseUrl: 'http://x.dev',
          publicKeyPem: ED,
          start: '2024-01-01T00:00:00Z',
        }),
      /^USAGE: --base-url: "http:\/\/x.dev" must use https/,
    ],
    [
      'a trailing slash',
      () =>
        addTransparencyLog(withLog(), {
          baseUrl: 'https://x.dev/',
          publicKeyPem: ED,
          start: '2024-01-01T00:00:00Z',
        }),
      /must not end with "\/"/,
    ],
    [
      'a time without zone',
      () =>
        addTransparencyLog(withLog(), {
          baseUrl: 'https://x.dev',
          publicKeyPem: ED,
          start: '2024-01-01T00:00:00',
        }),
      /^USAGE: --start: .* is not an RFC 3339 time/,
    ],
    [
      'an operator on a v0.1 file',
      () =>
        addTransparencyLog(emptyTrustedRoot('0.1'), {
          baseUrl: 'https://x.dev',
          publicKeyPem: ED,
          start: '2024-01-01T00:00:00Z',
          operator: 'x.dev',
        }),
      /^USAGE: --operator needs a v0.2 trusted root/,
    ],
    [
      'an end before the start',
      () => endTransparencyLog(withLog(), { baseUrl: BASE, end: '2023-12-31T23:59:59Z' }),
      /^USAGE: .*end 2023-12-31T23:59:59Z is not after its start 2024-01-01T00:00:00Z/,
    ],
    [
      'an unknown base URL',
      () => endCtLog(withLog(), { baseUrl: BASE, end: '2025-01-01T00:00:00Z' }),
      /^USAGE: no open CT log with base URL https:\/\/rekor.example.dev/,
    ],
  ])('refuses %s', (_name, fn, expected) => {
    expect(code(fn)).toMatch(expected);
  });

  it('asks for --log-id when several open shards share a base URL', () => {
    const two = addTransparencyLog(withLog(), {
      baseUrl: BASE,
      publicKeyPem: ED,
      start: '2024-06-01T00:00:00Z',
    });
    expect(
      code(() => endTransparencyLog(two, { baseUrl: BASE, end: '2025-01-01T00:00:00Z' })),
    ).toMatch(/2 open transparency logs .* --log-id/);
    const id = two.tlogs[1]?.logId.keyId ?? '';
    const closed = endTransparencyLog(two, {
      baseUrl: BASE,
      end: '2025-01-01T00:00:00Z',
      logId: id,
    });
    expect(closed.tlogs.map((t) => t.publicKey.validFor.end)).toEqual([
      undefined,
      '2025-01-01T00:00:00Z',
    ]);
  });
});
