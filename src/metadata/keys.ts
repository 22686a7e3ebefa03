import { createPublicKey, type KeyObject } from 'node:crypto';
import { canonicalBytes } from './canonical.js';
import { sha256Hex } from './bytes.js';
import { CeremonyError } from './errors.js';
import type { Key } from './model.js';

// Key encodings found in real repositories (TUF-FACTS): ed25519 as 64 hex chars or PEM; ecdsa as
// SPKI PEM or a hex SEC1 point under keytype `ecdsa` or `ecdsa-sha2-nistp256`; rsa as PEM.

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const HEX = /^[0-9a-fA-F]+$/;

/** Keyid per spec 4.2: hex sha256 of the canonical JSON of the whole key object, custom fields included. */
export function computeKeyid(key: Key): string {
  return sha256Hex(canonicalBytes(key));
}

/** The signature schemes this tool verifies and signs with. */
export type Scheme = 'ed25519' | 'ecdsa-sha2-nistp256' | 'rsassa-pss-sha256';

/** Normalized scheme of a key, or undefined when unsupported. */
export function schemeOf(key: Key): Scheme | undefined {
  const { keytype, scheme } = key;
  if (keytype === 'ed25519' && scheme === 'ed25519') return 'ed25519';
  if (
    (keytype === 'ecdsa' || keytype === 'ecdsa-sha2-nistp256') &&
    scheme === 'ecdsa-sha2-nistp256'
  ) {
    return 'ecdsa-sha2-nistp256';
  }
  if (keytype === 'rsa' && scheme === 'rsassa-pss-sha256') return 'rsassa-pss-sha256';
  return undefined;
}

function fromPublicText(scheme: Scheme, text: string): KeyObject {
  if (text.includes('-----BEGIN')) return createPublicKey(text);
  if (!HEX.test(text)) throw new Error('public key is neither PEM nor hex');
  const raw = Buffer.from(text, 'hex');
  if (scheme === 'ed25519' && raw.length === 32) {
    return createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
      format: 'der',
      type: 'spki',
    });
  }
  if (scheme === 'ecdsa-sha2-nistp256' && raw.length === 65 && raw[0] === 4) {
    return createPublicKey({
      key: Buffer.concat([P256_SPKI_PREFIX, raw]),
      format: 'der',
      type: 'spki',
    });
  }
  throw new Error(`hex public key of ${raw.length} bytes does not fit ${scheme}`);
}

const EXPECTED_TYPE: Record<Scheme, string> = {
  ed25519: 'ed25519',
  'ecdsa-sha2-nistp256': 'ec',
  'rsassa-pss-sha256': 'rsa',
};

/** A key ready for verification: parsed once and cached, as signing ceremonies verify often. */
export interface PublicKeyHandle {
  readonly scheme: Scheme;
  readonly keyObject: KeyObject;
  /** DER SubjectPublicKeyInfo in hex: identical for one key whatever its encoding or keyid. */
  readonly identity: string;
}

const cache = new Map<string, PublicKeyHandle>();

/** Parses (and caches) a metadata key for verification; throws KEY_UNSUPPORTED with a reason. */
export function publicKeyHandle(key: Key): PublicKeyHandle {
  const scheme = schemeOf(key);
  if (!scheme) {
    throw new CeremonyError(
      'KEY_UNSUPPORTED',
      `keytype ${key.keytype} with scheme ${key.scheme} is not supported`,
    );
  }
  const text = key.keyval.public;
  const cacheKey = `${scheme}\n${text}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  let keyObject: KeyObject;
  try {
    keyObject = fromPublicText(scheme, text);
  } catch (err) {
    throw new CeremonyError(
      'KEY_UNSUPPORTED',
      `${scheme} public key cannot be read: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (keyObject.asymmetricKeyType !== EXPECTED_TYPE[scheme]) {
    throw new CeremonyError(
      'KEY_UNSUPPORTED',
      `public key is ${String(keyObject.asymmetricKeyType)}, not ${scheme}`,
    );
  }
  if (
    scheme === 'ecdsa-sha2-nistp256' &&
    keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new CeremonyError('KEY_UNSUPPORTED', 'ecdsa-sha2-nistp256 key is not on the P-256 curve');
  }
  const identity = keyObject.export({ format: 'der', type: 'spki' }).toString('hex');
  const handle = { scheme, keyObject, identity };
  if (cache.size > 10_000) cache.clear();
  cache.set(cacheKey, handle);
  return handle;
}

/** A metadata key object for a public KeyObject, in the encodings python-tuf and tuf-js write. */
export function keyFromPublicKeyObject(
  keyObject: KeyObject,
  extra: Record<string, string> = {},
): Key {
  switch (keyObject.asymmetricKeyType) {
    case 'ed25519': {
      const der = keyObject.export({ format: 'der', type: 'spki' });
      return {
        keytype: 'ed25519',
        scheme: 'ed25519',
        keyval: { public: der.subarray(ED25519_SPKI_PREFIX.length).toString('hex') },
        ...extra,
      };
    }
    case 'ec': {
      if (keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
        throw new CeremonyError('KEY_UNSUPPORTED', 'only P-256 ECDSA keys are supported');
      }
      const pem = keyObject.export({ format: 'pem', type: 'spki' }).toString();
      return { keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256', keyval: { public: pem }, ...extra };
    }
    case 'rsa': {
      const pem = keyObject.export({ format: 'pem', type: 'spki' }).toString();
      return { keytype: 'rsa', scheme: 'rsassa-pss-sha256', keyval: { public: pem }, ...extra };
    }
    default:
      throw new CeremonyError(
        'KEY_UNSUPPORTED',
        `key type ${String(keyObject.asymmetricKeyType)} is not supported`,
      );
  }
}

/** Short human fingerprint of a key for reading aloud: first 16 hex of the SPKI sha256, in groups. */
export function keyFingerprint(key: Key): string {
  return (keyFingerprintDigest(key).slice(0, 16).match(/.{4}/g) ?? []).join(':');
}

/** The full sha256 of a key's public key (DER SubjectPublicKeyInfo); its fingerprint's source. */
export function keyFingerprintDigest(key: Key): string {
  return sha256Hex(Buffer.from(publicKeyHandle(key).identity, 'hex'));
}
