import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalString } from '../../../src/metadata/canonical.js';
import { HexBatch } from '../../../src/metadata/hex-batch.js';
import { parseMetadata } from '../../../src/metadata/parse.js';

// checkTargets tests digests for hex in batches; these hold it to the one-digest-at-a-time rule
// (/^[0-9a-fA-F]+$/ on every digest, the first bad target in file order named).

const EXACT_HEX = /^[0-9a-fA-F]+$/;

function targetsFile(targets: Record<string, unknown>): Uint8Array {
  const signed = {
    _type: 'targets',
    expires: '2030-01-01T00:00:00Z',
    spec_version: '1.0.0',
    targets,
    version: 1,
  };
  return new TextEncoder().encode(JSON.stringify({ signatures: [], signed }, null, 1));
}

function manyTargets(
  n: number,
): Record<string, { hashes: Record<string, string>; length: number }> {
  const targets: Record<string, { hashes: Record<string, string>; length: number }> = {};
  for (let i = 0; i < n; i++) {
    const hex = i.toString(16).padStart(8, '0');
    targets[`t/${i}`] = { hashes: { sha256: hex.repeat(8), sha512: hex.repeat(16) }, length: i };
  }
  return targets;
}

function parseError(bytes: Uint8Array): string {
  try {
    parseMetadata(bytes, 'targets', 'targets.json');
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
}

describe('batched hex check of target digests', () => {
  it('accepts thousands of hex digests and odd-length hex (as the exact rule does)', () => {
    const targets = manyTargets(3000);
    targets['t/odd'] = { hashes: { md5: 'abc' }, length: 1 };
    expect(parseError(targetsFile(targets))).toBe('accepted');
  });

  it('names the first bad digest in file order, wherever it falls in a batch', () => {
    for (const bad of [0, 1, 150, 1499, 2999]) {
      const targets = manyTargets(3000);
      const entry = targets[`t/${bad}`];
      if (!entry) throw new Error('fixture');
      entry.hashes.sha512 = `${'a'.repeat(127)}g`;
      expect(parseError(targetsFile(targets))).toBe(
        `targets.json: signed.targets.t/${bad}.hashes.sha512: must be hex`,
      );
    }
  });

  it('reports an earlier bad digest before a later bad length in the same batch', () => {
    const targets = manyTargets(100);
    const early = targets['t/10'];
    const late = targets['t/20'];
    if (!early || !late) throw new Error('fixture');
    early.hashes.sha256 = 'zz';
    (late as { length: unknown }).length = -1;
    expect(parseError(targetsFile(targets))).toBe(
      'targets.json: signed.targets.t/10.hashes.sha256: must be hex',
    );
  });

  it('refuses characters whose low byte is a hex digit (U+0161 is not `a`)', () => {
    const targets = manyTargets(2000);
    const entry = targets['t/7'];
    if (!entry) throw new Error('fixture');
    entry.hashes.sha256 = `${'0'.repeat(62)}\u0161a`;
    expect(parseError(targetsFile(targets))).toMatch(
      /^targets\.json: signed\.targets\.t\/7\.hashes\.sha256: must be hex$/,
    );
  });

  it('proves hex only when every queued digest is hex (property)', () => {
    const digit = fc.constantFrom(...'0123456789abcdefABCDEFgG \u0161\u0130\u0100xz'.split(''));
    const digest = fc.array(digit, { minLength: 1, maxLength: 300 }).map((d) => d.join(''));
    fc.assert(
      fc.property(
        fc.array(fc.array(digest, { minLength: 1, maxLength: 3 }), { maxLength: 200 }),
        (entries) => {
          const batch = new HexBatch();
          for (const digests of entries) {
            const hashes = Object.fromEntries(digests.map((d, i) => [`h${i}`, d]));
            expect(batch.addDigests(hashes)).toBe(true);
          }
          if (batch.provedHex()) expect(entries.flat().every((d) => EXACT_HEX.test(d))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('proves long all-hex queues, so the fast path is taken', () => {
    const batch = new HexBatch();
    while (!batch.full()) batch.addDigests({ sha256: 'ab'.repeat(32), sha512: 'Cd'.repeat(64) });
    expect(batch.provedHex()).toBe(true);
  });

  it('queues nothing it cannot vouch for: empty maps, empty and non-string digests', () => {
    const batch = new HexBatch();
    expect(batch.addDigests({})).toBe(false);
    expect(batch.addDigests({ sha256: '' })).toBe(false);
    expect(batch.addDigests({ sha256: 12 })).toBe(false);
    expect(batch.addDigests(['ab'])).toBe(false);
    expect(batch.addDigests(null)).toBe(false);
  });
});

/** canonicalString's text, or its error message. */
function canonicalOutcome(value: unknown, proven?: Set<object>): string {
  try {
    return canonicalString(value, proven);
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

describe('sortedness found while checking targets', () => {
  const key = fc.string({
    unit: fc.constantFrom('a', 'b', '0', '9', '/', '_', 'é', '\u{1F600}', '\uff61'),
  });
  const digest = fc.constantFrom('ab', '0f', 'ABCD');
  const entry = fc.record(
    {
      custom: fc.jsonValue({ maxDepth: 2 }),
      hashes: fc.dictionary(key, digest, { minKeys: 1, maxKeys: 3 }),
      length: fc.nat(),
      zzz: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: ['hashes', 'length'] },
  );

  it('gives the canonical text of a walk from scratch, for any key order and content (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(key, entry, { maxKeys: 8 }), fc.boolean(), (targets, sortFirst) => {
        const map = sortFirst
          ? Object.fromEntries(Object.entries(targets).sort(([a], [b]) => (a < b ? -1 : 1)))
          : targets;
        const proven = new Set<object>();
        const md = parseMetadata(targetsFile(map), 'targets', 'targets.json', proven);
        expect(canonicalOutcome(md.signed, proven)).toBe(canonicalOutcome(md.signed));
      }),
      { numRuns: 500 },
    );
  });

  it('vouches for a sorted map of usual entries, and only then', () => {
    const sorted = Object.fromEntries(
      Object.entries(manyTargets(50)).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    const proven = new Set<object>();
    const md = parseMetadata(targetsFile(sorted), 'targets', 'targets.json', proven);
    expect(proven.has(md.signed.targets)).toBe(true);

    const unsorted = { b: sorted['t/1'], a: sorted['t/2'] };
    const none = new Set<object>();
    const other = parseMetadata(targetsFile(unsorted), 'targets', 'targets.json', none);
    expect(none.has(other.signed.targets)).toBe(false);

    const fraction = new Set<object>();
    const withFloat = parseMetadata(
      targetsFile({ a: { custom: { x: 1.5 }, hashes: { sha256: 'ab' }, length: 1 } }),
      'targets',
      'targets.json',
      fraction,
    );
    expect(fraction.size).toBe(0);
    expect(canonicalOutcome(withFloat.signed, fraction)).toMatch(
      /^error: .*1\.5 is not an integer/,
    );
  });
});
