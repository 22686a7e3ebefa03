import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, encodeUtf8 } from '../../../src/metadata/json.js';

// encodeUtf8 writes medium-sized texts into shared slabs: each result must be exactly
// TextEncoder's bytes, and a view of its own bytes only.

const reference = new TextEncoder();

describe('encodeUtf8', () => {
  it("gives TextEncoder's bytes for texts of every size and character", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 3000 }),
        fc.nat({ max: 4 }),
        (text, repeat) => {
          const long = text.repeat(repeat + 1);
          expect(Buffer.from(encodeUtf8(long)).equals(Buffer.from(reference.encode(long)))).toBe(
            true,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives each text its own bytes: changing one result changes no other', () => {
    const texts = Array.from({ length: 2000 }, (_, i) => `${'é'.repeat(700 + (i % 50))}${i}`);
    const encoded = texts.map((t) => encodeUtf8(t));
    for (const bytes of encoded) bytes.fill(0x41);
    const fresh = texts.map((t) => encodeUtf8(t));
    fresh.forEach((bytes, i) => {
      expect(decodeUtf8(bytes)).toBe(texts[i]);
    });
    expect(encoded.every((b) => b.every((x) => x === 0x41))).toBe(true);
  });
});
