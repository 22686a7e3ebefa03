import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { CeremonyError } from '../metadata/errors.js';

// Public keys of transparency and CT logs, and the log ids Sigstore computes from them.

/** A log's public key: DER SubjectPublicKeyInfo plus Sigstore's PublicKeyDetails name. */
export interface LogPublicKey {
  spkiDer: Uint8Array;
  keyDetails: string;
  /** The 32-byte raw key for Ed25519 keys. */
  ed25519Raw?: Uint8Array;
}

const CURVE_DETAILS: Record<string, string> = {
  prime256v1: 'PKIX_ECDSA_P256_SHA_256',
  secp384r1: 'PKIX_ECDSA_P384_SHA_384',
  secp521r1: 'PKIX_ECDSA_P521_SHA_512',
};

function describe(key: KeyObject, where: string): LogPublicKey {
  const spkiDer = new Uint8Array(key.export({ type: 'spki', format: 'der' }));
  if (key.asymmetricKeyType === 'ed25519') {
    const jwk = key.export({ format: 'jwk' });
    return {
      spkiDer,
      keyDetails: 'PKIX_ED25519',
      ed25519Raw: new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url')),
    };
  }
  const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
  const details = key.asymmetricKeyType === 'ec' ? CURVE_DETAILS[curve] : undefined;
  if (details === undefined) {
    throw new CeremonyError(
      'KEY_UNSUPPORTED',
      `${where}: a log key must be ECDSA P-256/P-384/P-521 or Ed25519, found ${key.asymmetricKeyType ?? 'unknown'} ${curve}`.trim(),
    );
  }
  return { spkiDer, keyDetails: details };
}

/** Reads exactly one `PUBLIC KEY` PEM block (private keys and certificates are refused). */
export function logKeyFromPem(pem: string, where: string): LogPublicKey {
  const blocks = pem.match(/-----BEGIN ([A-Z0-9 ]+)-----/g) ?? [];
  if (blocks.length !== 1 || blocks[0] !== '-----BEGIN PUBLIC KEY-----') {
    throw new CeremonyError(
      'KEY_UNSUPPORTED',
      `${where}: expected exactly one "-----BEGIN PUBLIC KEY-----" PEM block`,
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new CeremonyError(
      'KEY_UNSUPPORTED',
      `${where}: not a readable public key (${(err as Error).message})`,
    );
  }
  return describe(key, where);
}

/** Reads a DER SubjectPublicKeyInfo (as stored base64 in trusted_root.json `rawBytes`). */
export function logKeyFromSpki(der: Uint8Array, where: string): LogPublicKey {
  try {
    return describe(createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }), where);
  } catch (err) {
    if (err instanceof CeremonyError) throw err;
    throw new CeremonyError('KEY_UNSUPPORTED', `${where}: not a DER SubjectPublicKeyInfo`);
  }
}

/** RFC 6962 section 3.2 log id (Rekor v1, CT logs): sha256 of the DER SubjectPublicKeyInfo. */
export function rfc6962LogId(key: LogPublicKey): Uint8Array {
  return new Uint8Array(createHash('sha256').update(key.spkiDer).digest());
}

/** The checkpoint origin of a log: its base URL without the scheme (C2SP tlog-checkpoint). */
export function checkpointOrigin(baseUrl: string): string {
  return baseUrl.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
}

/**
 * Rekor v2 log id for an Ed25519 shard, as C2SP signed-note defines the key hash:
 * sha256(origin || 0x0A || 0x01 || 32-byte key), the full digest (also the checkpointKeyId).
 */
export function signedNoteKeyId(origin: string, key: LogPublicKey, where: string): Uint8Array {
  if (key.ed25519Raw === undefined || key.ed25519Raw.length !== 32) {
    throw new CeremonyError(
      'USAGE',
      `${where}: a Rekor v2 shard (--api-version 2) needs an Ed25519 key, found ${key.keyDetails}`,
    );
  }
  return new Uint8Array(
    createHash('sha256')
      .update(`${origin}\n`)
      .update(new Uint8Array([0x01]))
      .update(key.ed25519Raw)
      .digest(),
  );
}

/** Standard base64 of bytes (proto3 JSON `bytes`). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
