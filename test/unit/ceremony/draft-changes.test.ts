import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonChanges } from '../../../src/ceremony/draft-changes.js';

const KEYID = 'ab'.repeat(32);

describe('jsonChanges', () => {
  it('says a changed threshold as a path with old and new values', () => {
    const before = { roles: { root: { keyids: [KEYID], threshold: 2 } }, version: 1 };
    const after = { roles: { root: { keyids: [KEYID], threshold: 3 } }, version: 1 };
    expect(jsonChanges(before, after)).toEqual(['roles.root.threshold 2 -> 3']);
  });

  it('names added and removed fields and array members, keyids shortened', () => {
    const other = 'cd'.repeat(32);
    const before = { keys: { [KEYID]: { t: 1 } }, roles: { root: { keyids: [KEYID] } } };
    const after = { keys: { [other]: { t: 1 } }, roles: { root: { keyids: [other] } }, x: true };
    expect(jsonChanges(before, after)).toEqual([
      'keys.abababab… removed',
      'keys.cdcdcdcd… added',
      'roles.root.keyids + "cdcdcdcd…" - "abababab…"',
      'x added',
    ]);
  });

  it('escapes odd names and values, and stops after the limit', () => {
    const before = { targets: { 'a.txt': 1, 'evil\u202e\n': 1 } };
    const after = { targets: { 'a.txt': 2, 'evil\u202e\n': 2 } };
    expect(jsonChanges(before, after)).toEqual([
      'targets["a.txt"] 1 -> 2',
      'targets["evil\\u202e\\n"] 1 -> 2',
    ]);
    const many = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, i]));
    expect(jsonChanges({}, many, 3)).toEqual(['k0 added', 'k1 added', 'k2 added', 'and 6 more']);
  });

  it('finds no change exactly when two documents are canonically equal', () => {
    // Metadata holds integers only (OLPC canonical JSON): no floats here.
    const { json } = fc.letrec((tie) => ({
      json: fc.oneof(
        { depthSize: 'small' },
        fc.integer(),
        fc.string({ maxLength: 4 }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('json'), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 3 }), tie('json'), { maxKeys: 3 }),
      ),
    }));
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(jsonChanges(a, structuredClone(a))).toEqual([]);
        expect(jsonChanges(a, b).length === 0).toBe(canonicallyEqual(a, b));
      }),
    );
  });
});

function canonicallyEqual(a: unknown, b: unknown): boolean {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([x], [y]) => (x < y ? -1 : 1))
              .map(([k, x]) => [k, sort(x)]),
          )
        : v;
  return JSON.stringify(sort(a)) === JSON.stringify(sort(b));
}
