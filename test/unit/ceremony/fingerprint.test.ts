import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashGroups, randomart } from '../../../src/ceremony/fingerprint.js';

const hex64 = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((b) => Buffer.from(b).toString('hex'));

describe('randomart', () => {
  it('draws 11 framed lines of 19 characters with one start and one end', () => {
    fc.assert(
      fc.property(hex64, (hex) => {
        const art = randomart(hex, 'root v2');
        expect(art).toHaveLength(11);
        for (const line of art) expect(Array.from(line)).toHaveLength(19);
        const body = art.slice(1, -1).join('');
        expect(body.split('S').length - 1).toBeLessThanOrEqual(1);
        expect(body.split('E').length - 1).toBe(1);
        expect(randomart(hex, 'root v2')).toEqual(art);
      }),
    );
  });

  it('walks up-left for zero bits and down-right for one bits, stopping at the walls', () => {
    const zeros = randomart('00'.repeat(32));
    expect(zeros[1]?.[1]).toBe('E');
    const ones = randomart('ff'.repeat(32));
    expect(ones[9]?.[17]).toBe('E');
    expect(zeros[5]?.[9]).toBe('S');
  });

  it('differs for hashes that differ in one byte', () => {
    const a = '11'.repeat(31) + '22';
    const b = '11'.repeat(31) + '23';
    expect(randomart(a)).not.toEqual(randomart(b));
  });

  it('puts the title and footer into the frame', () => {
    const art = randomart('ab'.repeat(32), 'targets v7', 'SHA256');
    expect(art[0]).toBe('+--[targets v7]---+');
    expect(art[10]).toBe('+----[SHA256]-----+');
  });

  it('refuses what is not hex', () => {
    expect(() => randomart('xyz')).toThrow(RangeError);
    expect(() => randomart('AB'.repeat(32))).toThrow(RangeError);
  });
});

describe('hashGroups', () => {
  it('splits a sha256 into four lines of four groups', () => {
    const hex = '0123456789abcdef'.repeat(4);
    expect(hashGroups(hex)).toEqual(Array(4).fill('0123 4567 89ab cdef'));
  });
});
