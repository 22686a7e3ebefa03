import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf16OrderConflict, utf16OrderConflictDeep } from '../../../src/metadata/utf16-order.js';

// tuf-js sorts keys by UTF-16 code units, OLPC canonical JSON by code point: the sets where the
// two disagree are exactly those refused before a role is signed.

describe('UTF-16 versus code-point order', () => {
  it('finds the pair tuf-js would order differently', () => {
    expect(utf16OrderConflict(['u/Ａ.txt', 'u/😀.txt'])).toEqual(['u/Ａ.txt', 'u/😀.txt']);
    expect(utf16OrderConflict(['u/Ａ.txt', 'u/b.txt', 'u/é.txt'])).toBeUndefined();
    expect(utf16OrderConflict(['u/😀.txt', 'u/😁.txt'])).toBeUndefined();
    expect(utf16OrderConflictDeep({ a: { Ａ: 1, '😀': 2 } })).toEqual(['Ａ', '😀']);
    expect(utf16OrderConflictDeep([{ x: 1 }, { y: [{ z: 1 }] }])).toBeUndefined();
  });

  it('reports a conflict exactly when the two sorts differ', () => {
    const char = fc.constantFrom('a', 'é', 'Ａ', '\uffff', '😀', '𝄞', '\ue000');
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.array(char, { maxLength: 3 }).map((c) => c.join('')),
          { maxLength: 6 },
        ),
        (keys) => {
          const utf16 = [...keys].sort();
          const points = [...keys].sort((a, b) => {
            const x = Array.from(a, (c) => c.codePointAt(0) ?? 0);
            const y = Array.from(b, (c) => c.codePointAt(0) ?? 0);
            for (let i = 0; i < Math.min(x.length, y.length); i++) {
              const d = (x[i] ?? 0) - (y[i] ?? 0);
              if (d !== 0) return d;
            }
            return x.length - y.length;
          });
          const differ = utf16.some((k, i) => k !== points[i]);
          expect(utf16OrderConflict(keys) !== undefined).toBe(differ);
        },
      ),
    );
  });
});
