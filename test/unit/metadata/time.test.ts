import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CeremonyError } from '../../../src/metadata/errors.js';
import { formatExpiry, parseTime } from '../../../src/metadata/time.js';

// parseTime remembers the times it parsed by their text: the answer for a text must never
// depend on what was parsed before it, and a text that is not a time is refused every time.

describe('parseTime', () => {
  it('gives the same epoch milliseconds for a text, first or remembered', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799 }), (seconds) => {
        const text = formatExpiry(seconds * 1000);
        expect(parseTime(text, 'first')).toBe(seconds * 1000);
        expect(parseTime(text, 'again')).toBe(seconds * 1000);
        expect(Date.parse(text)).toBe(seconds * 1000);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads offsets and fractions, and refuses a non-time each time with where it was', () => {
    expect(parseTime('2030-01-01T01:30:00.5+01:30', 'x')).toBe(Date.UTC(2030, 0, 1, 0, 0, 0, 500));
    expect(parseTime('2030-01-01T00:00:00Z', 'x')).toBe(Date.UTC(2030, 0, 1));
    for (const where of ['bins-0001.json: signed.expires', 'bins-0002.json: signed.expires']) {
      const bad = (): number => parseTime('2030-13-01T00:00:00Z', where);
      expect(bad).toThrow(CeremonyError);
      expect(bad).toThrow(`${where}: `);
    }
  });
});
