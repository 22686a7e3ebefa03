// Fast-path test for the serializers: when every object of a value already lists its keys in
// sorted order, the native JSON.stringify writes the same structure as the hand-written writers
// (the builders keep large maps sorted for this reason), at a fraction of the cost. Strings are
// not inspected here: the canonical writer checks JSON.stringify's output for escapes instead
// (one native scan of the text rather than one regex test per string).

import { setOwn } from './build-own.js';

/**
 * Objects a caller found sorted plain JSON (isSortedPlainJson) moments before, in the same
 * synchronous step (parse checks a targets map while it walks it anyway): not walked again. Never
 * kept: an object can change after it was checked.
 */
export type ProvenSorted = ReadonlySet<object>;

/**
 * True when `value` is plain JSON (plain objects, arrays, strings, booleans, null, safe integers)
 * whose object keys are in ascending UTF-16 order and never start with a digit (V8 enumerates
 * integer-like keys first).
 */
export function isSortedPlainJson(value: unknown, proven?: ProvenSorted): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isSafeInteger(value);
    case 'object': {
      if (value === null || proven?.has(value)) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!isSortedPlainJson(value[i], proven)) return false;
        }
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      const record = value as Record<string, unknown>;
      let previous: string | undefined;
      for (const key in record) {
        if (previous !== undefined && !(previous < key)) return false;
        const first = key.charCodeAt(0);
        if (first >= 48 && first <= 57) return false;
        if (!isSortedPlainJson(record[key], proven)) return false;
        previous = key;
      }
      return true;
    }
    default:
      return false;
  }
}

/** Marker: the value cannot be written by JSON.stringify (the hand-written writer must run). */
export const NOT_PLAIN: unique symbol = Symbol('not plain JSON');

/**
 * `value` itself when isSortedPlainJson holds, else a copy whose objects list their keys sorted
 * (undefined members dropped, as the writers drop them), or NOT_PLAIN when the value holds
 * anything JSON.stringify would write differently. Subtrees already sorted are shared, not copied.
 */
export function sortedView(value: unknown, proven?: ProvenSorted): unknown {
  if (isSortedPlainJson(value, proven)) return value;
  if (typeof value !== 'object' || value === null) return NOT_PLAIN;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = sortedView(value[i], proven);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out[i] = item;
    }
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    const first = key.charCodeAt(0);
    if (first >= 48 && first <= 57) return NOT_PLAIN;
    const item = sortedView(member, proven);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    setOwn(out, key, item);
  }
  return out;
}
