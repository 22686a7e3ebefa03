import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withoutDelegations } from '../../../src/metadata/without-delegations.js';

// A published bin is parsed to find delegators only when its bytes may hold delegations: the
// byte test must never say "none" for a file whose parsed value has a `delegations` key.

function hasDelegationsKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasDelegationsKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => k === 'delegations' || hasDelegationsKey(v));
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('withoutDelegations', () => {
  it('never misses a delegations key, however the JSON is written', () => {
    const key = fc.constantFrom('delegations', 'targets', 'delegation', 'x', 'Delegations');
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.dictionary(key, tie('node'), { maxKeys: 3 }),
        fc.array(tie('node'), { maxLength: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, fc.boolean(), (v, escape) => {
        let text = JSON.stringify(v);
        // Escaped letters spell the same key for JSON.parse.
        if (escape) text = text.replace(/"delegations"/g, '"dele\\u0067ations"');
        if (withoutDelegations(bytes(text)))
          expect(hasDelegationsKey(JSON.parse(text))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('says so for a bin without delegations, and not for one with them', () => {
    const bin = { signed: { _type: 'targets', targets: { 'a/b': { length: 1 } } } };
    expect(withoutDelegations(bytes(JSON.stringify(bin)))).toBe(true);
    const delegating = { signed: { ...bin.signed, delegations: { keys: {}, roles: [] } } };
    expect(withoutDelegations(bytes(JSON.stringify(delegating)))).toBe(false);
    expect(withoutDelegations(bytes('{"signed":{"dele\\u0067ations":{}}}'))).toBe(false);
  });
});
