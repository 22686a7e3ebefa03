import { CeremonyError } from './errors.js';
import { encodeUtf8 } from './json.js';

// OLPC canonical JSON (http://wiki.laptop.org/go/Canonical_JSON), as used by securesystemslib,
// go-tuf and tuf-js: keys sorted by code point, no whitespace, only `"` and `\` escaped inside
// strings (control characters stay raw), integers only. Not RFC 8785.

const NEEDS_ESCAPE = /["\\]/;
const ESCAPE_ALL = /["\\]/g;
const HAS_SURROGATE = /[\uD800-\uDFFF]/;

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? `"${text.replace(ESCAPE_ALL, '\\$&')}"` : `"${text}"`;
}

function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  const n = Math.min(left.length, right.length);
  for (let i = 0; i < n; i++) {
    const x = left[i]?.codePointAt(0) ?? 0;
    const y = right[i]?.codePointAt(0) ?? 0;
    if (x !== y) return x - y;
  }
  return left.length - right.length;
}

function sortedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  // UTF-16 order equals code-point order unless a key holds a surrogate pair (beyond U+FFFF).
  if (keys.some((k) => HAS_SURROGATE.test(k))) return keys.sort(compareCodePoints);
  return keys.sort();
}

function write(value: unknown, out: string[], path: string): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(quote(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new CeremonyError(
          'CANONICAL_JSON',
          `${path || '(root)'}: ${String(value)} is not an integer within ±2^53 (canonical JSON allows integers only)`,
        );
      }
      out.push(Object.is(value, -0) ? '0' : String(value));
      return;
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          write(value[i], out, `${path}[${i}]`);
        }
        out.push(']');
        return;
      }
      out.push('{');
      let first = true;
      for (const key of sortedKeys(value)) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined) continue;
        if (!first) out.push(',');
        first = false;
        out.push(quote(key), ':');
        write(item, out, path ? `${path}.${key}` : key);
      }
      out.push('}');
      return;
    }
    default:
      throw new CeremonyError('CANONICAL_JSON', `${path || '(root)'}: ${typeof value} is not JSON`);
  }
}

/** OLPC canonical JSON text of a JSON value (throws on floats and unsafe integers). */
export function canonicalString(value: unknown): string {
  const out: string[] = [];
  write(value, out, '');
  return out.join('');
}

/** The bytes TUF signs: UTF-8 of the OLPC canonical JSON of `value`. */
export function canonicalBytes(value: unknown): Uint8Array {
  return encodeUtf8(canonicalString(value));
}
