import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  type KeyObject,
} from 'node:crypto';
import { computeKeyid, keyFromPublicKeyObject } from '../metadata/keys.js';
import { CeremonyError } from '../metadata/errors.js';
import type { Key, Signature } from '../metadata/model.js';
import type { Signer } from '../metadata/signer.js';

/** Algorithms software keys can be generated with. */
export type SoftwareAlgorithm = 'ed25519' | 'ecdsa-p256' | 'rsa';

/** Signer over a private key held in memory (node:crypto): ed25519, ECDSA P-256 (DER) or RSA-PSS. */
export class SoftwareSigner implements Signer {
  readonly key: Key;
  readonly keyid: string;

  constructor(
    private readonly privateKey: KeyObject,
    keyExtra: Record<string, string> = {},
  ) {
    if (privateKey.type !== 'private')
      throw new CeremonyError('KEY_UNSUPPORTED', 'a software signer needs a private key');
    this.key = keyFromPublicKeyObject(createPublicKey(privateKey), keyExtra);
    this.keyid = computeKeyid(this.key);
  }

  sign(bytes: Uint8Array): Promise<Signature> {
    let sig: Buffer;
    switch (this.key.scheme) {
      case 'ed25519':
        sig = cryptoSign(null, bytes, this.privateKey);
        break;
      case 'ecdsa-sha2-nistp256':
        sig = cryptoSign('sha256', bytes, { key: this.privateKey, dsaEncoding: 'der' });
        break;
      default:
        sig = cryptoSign('sha256', bytes, {
          key: this.privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        });
    }
    return Promise.resolve({ keyid: this.keyid, sig: sig.toString('hex') });
  }
}

/** Generates a fresh private key. */
export function generatePrivateKey(algorithm: SoftwareAlgorithm): KeyObject {
  switch (algorithm) {
    case 'ed25519':
      return generateKeyPairSync('ed25519').privateKey;
    case 'ecdsa-p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case 'rsa':
      return generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey;
  }
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An ed25519 private key from a 32-byte seed (deterministic keys for examples and golden files). */
export function ed25519FromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new CeremonyError('KEY_UNSUPPORTED', 'an ed25519 seed is 32 bytes');
  return createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}
