// tuf-js sorts object keys with JavaScript's default sort (UTF-16 code units) when it
// re-canonicalizes a role to check signatures (@tufjs/canonical-json), while python-tuf,
// securesystemslib and this tool sort by code point (OLPC canonical JSON). The two orders differ
// only between a character in U+E000..U+FFFF and one above U+FFFF (a surrogate pair): a role
// holding both kinds of keys at the same position is signed over bytes tuf-js never rebuilds,
// so tuf-js rejects the whole role (measured: `u/Ａ.txt` and `u/😀.txt`).

function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Two keys of `keys` that UTF-16 order and code-point order put in opposite order, or undefined
 * when both orders agree for the whole set (then every client canonicalizes the object alike).
 */
export function utf16OrderConflict(keys: Iterable<string>): [string, string] | undefined {
  const sorted = [...new Set(keys)].sort(compareCodePoints);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1] ?? '';
    const b = sorted[i] ?? '';
    // Adjacent pairs suffice: if the code-point-sorted list is also UTF-16 sorted pairwise, it is sorted.
    if (compareUtf16(a, b) > 0) return [a, b];
  }
  return undefined;
}

/** The first conflicting key pair in any object of a JSON value (its own keys, then nested). */
export function utf16OrderConflictDeep(value: unknown): [string, string] | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = utf16OrderConflictDeep(item);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const own = utf16OrderConflict(Object.keys(value));
  if (own) return own;
  for (const child of Object.values(value as Record<string, unknown>)) {
    const found = utf16OrderConflictDeep(child);
    if (found) return found;
  }
  return undefined;
}
