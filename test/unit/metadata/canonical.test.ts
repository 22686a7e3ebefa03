import canonicalJsonModule from '@tufjs/canonical-json';
import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalString } from '../../../src/metadata/canonical.js';
import { parseMetadata } from '../../../src/metadata/parse.js';
import { HAVE_FIXTURES, PUBLISHED, fixtureBytes } from '../../helpers/fixtures.js';

const { canonicalize } = canonicalJsonModule as { canonicalize: (v: unknown) => string };

describe('canonicalString', () => {
  it('sorts keys, escapes only quote and backslash, keeps control characters raw', () => {
    expect(canonicalString({ b: 1, a: 'x"y\\z\n\t', c: [true, null, false] })).toBe(
      '{"a":"x\\"y\\\\z\n\t","b":1,"c":[true,null,false]}',
    );
  });

  it('rejects floats and integers beyond 2^53', () => {
    expect(() => canonicalString({ a: 1.5 })).toThrow(/a: 1.5 is not an integer/);
    expect(() => canonicalString({ a: [2 ** 53] })).toThrow(/a\[0\]/);
  });

  it('orders keys by code point, as Python does, even beyond U+FFFF', () => {
    // U+FF61 sorts before U+1F600 by code point, after it by UTF-16 unit.
    expect(canonicalString({ '\u{1F600}': 1, '\uFF61': 2 })).toBe('{"\uFF61":2,"\u{1F600}":1}');
  });

  it.runIf(HAVE_FIXTURES)(
    'matches @tufjs/canonical-json on Sigstore root v15 (3,722 bytes)',
    () => {
      const root = parseMetadata(fixtureBytes(PUBLISHED, '15.root.json'), 'root', '15.root.json');
      const ours = canonicalBytes(root.signed);
      expect(ours.length).toBe(3722);
      expect(Buffer.from(ours).toString('utf8')).toBe(canonicalize(root.signed));
    },
  );
});
