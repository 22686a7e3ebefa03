import { CeremonyError } from '../metadata/errors.js';

// PKCS#11 CKM_ECDSA returns r || s, each as long as the curve order (PKCS#11 3.0 section
// 2.3.1); TUF's ecdsa-sha2-nistp256 signatures are the DER SEQUENCE { INTEGER r, INTEGER s }.

function derInteger(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const body = Buffer.from(bytes.subarray(start));
  // A leading 1 bit would make the INTEGER negative: prefix a zero byte (X.690 8.3).
  const value = (body[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body;
  return Buffer.concat([Buffer.from([0x02, value.length]), value]);
}

/** Converts a raw r||s ECDSA signature to DER; throws HSM on an odd or empty length. */
export function rawEcdsaToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0 || raw.length > 132) {
    throw new CeremonyError(
      'HSM',
      `the token returned an ECDSA signature of ${raw.length} bytes, not r||s`,
    );
  }
  const half = raw.length / 2;
  const r = derInteger(raw.subarray(0, half));
  const s = derInteger(raw.subarray(half));
  const len = r.length + s.length;
  const header = len < 0x80 ? Buffer.from([0x30, len]) : Buffer.from([0x30, 0x81, len]);
  return Buffer.concat([header, r, s]);
}
