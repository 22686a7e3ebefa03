import { constants, verify as cryptoVerify } from 'node:crypto';
import type { PublicKeyHandle } from './keys.js';

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/**
 * Verifies one hex signature over `bytes` (spec 5.3.x: signatures are over the canonical form of
 * `signed`). ECDSA signatures are DER, high-S accepted; RSA-PSS salt length is auto-detected.
 */
export function checkSignature(
  handle: PublicKeyHandle,
  bytes: Uint8Array,
  sigHex: string,
): boolean {
  if (!HEX.test(sigHex)) return false;
  const sig = Buffer.from(sigHex, 'hex');
  try {
    switch (handle.scheme) {
      case 'ed25519':
        return cryptoVerify(null, bytes, handle.keyObject, sig);
      case 'ecdsa-sha2-nistp256':
        return cryptoVerify('sha256', bytes, { key: handle.keyObject, dsaEncoding: 'der' }, sig);
      case 'rsassa-pss-sha256':
        return cryptoVerify(
          'sha256',
          bytes,
          {
            key: handle.keyObject,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_AUTO,
          },
          sig,
        );
    }
  } catch {
    return false;
  }
}
