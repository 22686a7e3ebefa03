import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { count } from '../../../src/cli/progress.js';

describe('count', () => {
  it('writes what toLocaleString("en-US") writes', () => {
    for (const n of [0, 7, 999, 1000, 16_384, 1_000_000, -1234, 0.5, 1234.5678, -0.0004, 1e20])
      expect(count(n)).toBe(n.toLocaleString('en-US'));
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.double({ min: -1e15, max: 1e15, noNaN: true })),
        (n) => {
          expect(count(n)).toBe(n.toLocaleString('en-US'));
        },
      ),
      { numRuns: 500 },
    );
  });
});
