import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMetadata } from '../../../src/metadata/parse.js';

// checkMetaRole checks snapshot entries without spelling out each entry's path; these hold it
// to the entry-by-entry rule (version an integer >= 1, length an integer >= 0, hashes a
// non-empty object of hex strings) and to naming the first bad entry in file order.

function snapshotFile(meta: Record<string, unknown>): Uint8Array {
  const signed = {
    _type: 'snapshot',
    expires: '2030-01-01T00:00:00Z',
    meta,
    spec_version: '1.0.0',
    version: 1,
  };
  return new TextEncoder().encode(JSON.stringify({ signatures: [], signed }));
}

const isInt = (v: unknown, min: number): boolean =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

/** The rule, one entry at a time: the path and rule of the first fault, if any. */
function firstFault(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'must be an object';
  const o = value as Record<string, unknown>;
  if (!isInt(o.version, 1)) return '.version: must be an integer >= 1';
  if (o.length !== undefined && !isInt(o.length, 0)) return '.length: must be an integer >= 0';
  if (o.hashes === undefined) return undefined;
  const h = o.hashes;
  if (typeof h !== 'object' || h === null || Array.isArray(h)) return '.hashes: must be an object';
  const names = Object.keys(h);
  if (names.length === 0) return '.hashes: must list at least one hash';
  for (const name of names) {
    const digest = (h as Record<string, unknown>)[name];
    if (typeof digest !== 'string') return `.hashes.${name}: must be a string`;
    if (!/^[0-9a-fA-F]+$/.test(digest)) return `.hashes.${name}: must be hex`;
  }
  return undefined;
}

const anyValue = fc.oneof(
  fc.integer({ min: -2, max: 3 }),
  fc.constantFrom(1.5, '1', null, true, [], {}),
);
const entry = fc.oneof(
  { weight: 6, arbitrary: fc.record({ version: fc.integer({ min: 1, max: 9 }) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      version: fc.integer({ min: 1, max: 9 }),
      length: fc.integer({ min: 0, max: 99 }),
      hashes: fc.dictionary(
        fc.constantFrom('sha256', 'sha512'),
        fc.constantFrom('ab', 'AB09', 'zz', '', 'a b'),
        { minKeys: 0, maxKeys: 2 },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        version: anyValue,
        length: anyValue,
        hashes: fc.oneof(anyValue, fc.constant({ sha256: 7 })),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyValue },
);

describe('snapshot meta entries', () => {
  it('are accepted exactly when each passes the entry rule, the first bad one named', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), (entries) => {
        const meta: Record<string, unknown> = {};
        entries.forEach((e, i) => (meta[`r${i}.json`] = e));
        const fault = entries
          .map((e, i) => [i, firstFault(e)] as const)
          .find(([, f]) => f !== undefined);
        const parse = () => parseMetadata(snapshotFile(meta), 'snapshot', 'snapshot.json');
        if (fault === undefined) expect(() => parse()).not.toThrow();
        else
          expect(() => parse()).toThrow(
            `snapshot.json: signed.meta.r${fault[0]}.json${fault[1]?.startsWith('.') ? '' : ': '}${fault[1] ?? ''}`,
          );
      }),
      { numRuns: 300 },
    );
  });
});
