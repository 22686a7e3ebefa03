import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rawEcdsaToDer } from '../../../src/hsm/ecdsa-der.js';

describe('raw r||s to DER', () => {
  it('matches an independent DER encoder for any r and s (leading zeros and high bits included)', () => {
    const scalar = fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .filter((b) => b.some((x) => x !== 0));
    fc.assert(
      fc.property(scalar, scalar, (r, s) => {
        const raw = Buffer.concat([r, s]);
        const expected = p256.Signature.fromBytes(raw, 'compact').toBytes('der');
        expect(rawEcdsaToDer(raw).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('turns a token-style (IEEE P1363) signature into one node:crypto verifies as DER', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const data = Buffer.from('canonical bytes');
    for (let i = 0; i < 20; i++) {
      const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const der = rawEcdsaToDer(raw);
      expect(der[0]).toBe(0x30);
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
    }
  });

  it('encodes small values minimally and pads a set high bit', () => {
    const raw = Buffer.alloc(64);
    raw[31] = 0x01;
    raw[63] = 0x80;
    expect(rawEcdsaToDer(raw).toString('hex')).toBe('3007020101020200' + '80');
  });

  it('refuses odd or empty lengths', () => {
    expect(() => rawEcdsaToDer(Buffer.alloc(63))).toThrow(/63 bytes, not r\|\|s/);
    expect(() => rawEcdsaToDer(Buffer.alloc(0))).toThrow(/0 bytes/);
  });
});
