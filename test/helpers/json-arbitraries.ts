import fc from 'fast-check';

// Random JSON for the serializer and scanner properties: strings of every kind (controls, quotes,
// backslashes, lone surrogates, pairs), safe integers and their edges, nested arrays and objects.

/** Characters the serializers treat specially, and a few plain ones. */
export const special = fc.constantFrom(
  '"',
  '\\',
  '\\"',
  '\n',
  '\t',
  '\u0000',
  '\u001f',
  '\u007f',
  '\u2028',
  '\ud83d',
  '\ude00',
  '\u{1F600}',
  '\uff61',
  '\ue000',
  '0',
  '9z',
  'a',
  'é',
);
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
/** Strings of every kind. */
export const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: anyUnit }),
  fc.string({ unit: special }),
  fc.string({ unit: fc.oneof(special, fc.constantFrom('a', 'b', '/')) }),
);
/** Integers, with 0, -0 and the safe limits. */
export const integer = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
);
/** Any JSON value, small. */
export const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    integer,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text, tie('value'), { maxKeys: 6 }),
  ),
})).value;

/** A copy of `value` with every object's keys reversed and an undefined member added. */
export function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).reverse())
    Object.defineProperty(out, key, {
      value: reordered((value as Record<string, unknown>)[key]),
      enumerable: true,
      configurable: true,
    });
  out['\u0000absent'] = undefined;
  return out;
}
