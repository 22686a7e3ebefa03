import { hasOwn } from './build-own.js';

// Comparing two large roles (100,000 targets) by their canonical text costs two
// canonicalizations; comparing them structurally stops at the first difference and skips
// shared subtrees (a target entry carried over is the same object on both sides).

/**
 * True when `a` and `b` have the same OLPC canonical text (canonicalString(a) ===
 * canonicalString(b)) without writing either: objects compare as sets of own keys (members
 * whose value is undefined do not count, as the canonical writer skips them), arrays in order,
 * -0 equals 0. Values canonical JSON refuses (floats) compare by ===. Linear in the size.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  // for...in with an own-key test: no key array per object (hundreds of thousands of them).
  let members = 0;
  for (const key in left) {
    if (!hasOwn(left, key)) continue;
    const value = left[key];
    if (value === undefined) continue;
    members++;
    if (!hasOwn(right, key) || !sameJson(value, right[key])) return false;
  }
  for (const key in right) if (hasOwn(right, key) && right[key] !== undefined) members--;
  return members === 0;
}
