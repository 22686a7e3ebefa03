import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { CeremonyError } from '../metadata/errors.js';
import { CKK } from './constants.js';

// Public keys read from token objects: an EC point (CKA_EC_POINT, with the curve named in
// CKA_EC_PARAMS) becomes a SubjectPublicKeyInfo that node:crypto parses (and so checks that the
// point is on the curve); a certificate object gives its public key directly.

const P256_PARAMS = '06082a8648ce3d030107'; // OID 1.2.840.10045.3.1.7 (prime256v1)
const ED25519_OID_PARAMS = '06032b6570'; // OID 1.3.101.112
const ED25519_NAME_PARAMS = Buffer.from('edwards25519').toString('hex'); // PrintableString form
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The curves this tool signs with. */
export type TokenCurve = 'p256' | 'ed25519';

/** The curve named by CKA_EC_PARAMS, or undefined when it is not one this tool supports. */
export function curveOfParams(params: Buffer): TokenCurve | undefined {
  const hex = params.toString('hex');
  if (hex === P256_PARAMS) return 'p256';
  if (hex === ED25519_OID_PARAMS || hex === `130c${ED25519_NAME_PARAMS}`) return 'ed25519';
  return undefined;
}

/** CKA_EC_PARAMS for generating a key on a curve (OID form, PKCS#11 3.0 section 2.3.10). */
export function paramsOfCurve(curve: TokenCurve): Buffer {
  return Buffer.from(curve === 'p256' ? P256_PARAMS : ED25519_OID_PARAMS, 'hex');
}

/** The raw point inside CKA_EC_POINT: a DER OCTET STRING per the spec, raw on some tokens. */
export function unwrapEcPoint(value: Buffer, rawLength: number): Buffer {
  if (value.length === rawLength + 2 && value[0] === 0x04 && value[1] === rawLength) {
    return value.subarray(2);
  }
  if (value.length === rawLength) return value;
  throw new CeremonyError(
    'HSM',
    `the token's CKA_EC_POINT has ${value.length} bytes, expected ${rawLength} (or ${rawLength + 2} DER)`,
  );
}

/** A public KeyObject from a token key's type, EC parameters and EC point. */
export function publicKeyFromEcAttributes(
  keyType: number,
  params: Buffer,
  point: Buffer,
): KeyObject {
  const curve = curveOfParams(params);
  if (curve === undefined || (keyType !== CKK.EC && keyType !== CKK.EC_EDWARDS)) {
    throw new CeremonyError(
      'KEY_UNSUPPORTED',
      `token key type 0x${keyType.toString(16)} with EC parameters ${params.toString('hex')} is not P-256 or Ed25519`,
    );
  }
  const spki =
    curve === 'p256'
      ? Buffer.concat([P256_SPKI_PREFIX, unwrapEcPoint(point, 65)])
      : Buffer.concat([ED25519_SPKI_PREFIX, unwrapEcPoint(point, 32)]);
  try {
    return createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch (err) {
    throw new CeremonyError('HSM', `the token's public key is not a valid ${curve} point`, {
      cause: err,
    });
  }
}

/** The public key of a DER certificate stored on the token (CKO_CERTIFICATE, CKA_VALUE). */
export function publicKeyFromCertificate(der: Buffer): KeyObject {
  try {
    return new X509Certificate(der).publicKey;
  } catch (err) {
    throw new CeremonyError('HSM', "the token's certificate cannot be read", { cause: err });
  }
}
