import serialize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rfc8785Text } from '../../../src/ceremony/rfc8785.js';

// The transcript's RFC 8785 text takes JSON.stringify's native path where it writes the same
// text; this property holds it to the library on every kind of JSON, including values the fast
// path must leave to the library (lone surrogates, escapes, keys starting with a digit, floats,
// negative zero, unsorted keys, undefined members).

function library(value: unknown): string | undefined {
  try {
    return serialize(value);
  } catch {
    return undefined;
  }
}

const special = fc.constantFrom(
  '"',
  '\\',
  '\n',
  '\u0000',
  '\u007f',
  '\u2028',
  '\ud83d',
  '\ude00',
  '\u{1F600}',
  'é',
  '0',
  '9z',
  'a',
  'B',
);
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: special }),
  fc.string({ unit: fc.oneof(special, fc.constantFrom('a', 'b', '_')) }),
);
const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, 2 ** 60, 1e21, 0.1),
);
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text, fc.oneof(tie('value'), fc.constant(undefined)), { maxKeys: 6 }),
  ),
})).value;

describe('RFC 8785 text of transcript events', () => {
  it('equals the library on any JSON value', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(rfc8785Text(value)).toBe(library(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('equals the library on events of the transcript shape', () => {
    const event = fc.record({
      seq: fc.nat(),
      time: fc.constant('2026-11-30T20:00:00.000Z'),
      actor: fc.constantFrom('alice', 'coordinator'),
      type: fc.constantFrom('signature.added', 'ceremony.staged'),
      data: fc.dictionary(text, json, { maxKeys: 5 }),
      prev: fc.constant('0'.repeat(64)),
    });
    fc.assert(
      fc.property(event, (value) => {
        expect(rfc8785Text(value)).toBe(library(value));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses what the library refuses', () => {
    expect(rfc8785Text({ a: '\ud800' })).toBeUndefined();
    expect(rfc8785Text({ a: Number.NaN })).toBeUndefined();
    expect(rfc8785Text({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    expect(rfc8785Text({ 10: 1, 9: 2, a: 3 })).toBe('{"10":1,"9":2,"a":3}');
  });
});
