import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CKK } from '../../../src/hsm/constants.js';
import {
  curveOfParams,
  paramsOfCurve,
  publicKeyFromEcAttributes,
  unwrapEcPoint,
} from '../../../src/hsm/public-key.js';

function rawPoint(curve: 'p256' | 'ed25519'): { raw: Buffer; spki: Buffer } {
  const pub =
    curve === 'p256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey
      : generateKeyPairSync('ed25519').publicKey;
  const spki = pub.export({ format: 'der', type: 'spki' });
  return { raw: spki.subarray(spki.length - (curve === 'p256' ? 65 : 32)), spki };
}

describe('public keys from token attributes', () => {
  it('reads P-256 points DER-wrapped (spec) and raw (some tokens)', () => {
    const { raw, spki } = rawPoint('p256');
    const wrapped = Buffer.concat([Buffer.from([0x04, 65]), raw]);
    for (const point of [wrapped, raw]) {
      const key = publicKeyFromEcAttributes(CKK.EC, paramsOfCurve('p256'), point);
      expect(key.export({ format: 'der', type: 'spki' }).equals(spki)).toBe(true);
    }
  });

  it('reads Ed25519 with the curve named by OID or by PrintableString', () => {
    const { raw, spki } = rawPoint('ed25519');
    const byName = Buffer.concat([Buffer.from([0x13, 12]), Buffer.from('edwards25519')]);
    expect(curveOfParams(byName)).toBe('ed25519');
    expect(curveOfParams(paramsOfCurve('ed25519'))).toBe('ed25519');
    const key = publicKeyFromEcAttributes(
      CKK.EC_EDWARDS,
      byName,
      Buffer.concat([Buffer.from([4, 32]), raw]),
    );
    expect(key.export({ format: 'der', type: 'spki' }).equals(spki)).toBe(true);
  });

  it('refuses other curves, wrong lengths and points off the curve', () => {
    const p384 = Buffer.from('06052b81040022', 'hex');
    expect(() => publicKeyFromEcAttributes(CKK.EC, p384, Buffer.alloc(97))).toThrow(
      /is not P-256 or Ed25519/,
    );
    expect(() => unwrapEcPoint(Buffer.alloc(40), 65)).toThrow(/has 40 bytes, expected 65/);
    const offCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]);
    expect(() => publicKeyFromEcAttributes(CKK.EC, paramsOfCurve('p256'), offCurve)).toThrow(
      /not a valid p256 point/,
    );
  });
});
