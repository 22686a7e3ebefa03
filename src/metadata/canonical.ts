import { NOT_PLAIN, sortedView } from './build-sorted.js';
import { CeremonyError } from './errors.js';
import { encodeUtf8 } from './json.js';
import { StringSink } from './string-sink.js';

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

// One pass over the value with the JSON path kept as a stack, rendered only when an error is
// reported: linear in the size of the value.
class CanonicalWriter {
  readonly out = new StringSink();
  private readonly path: (string | number)[] = [];

  private where(): string {
    let text = '';
    for (const part of this.path) {
      if (typeof part === 'number') text += `[${part}]`;
      else text += text ? `.${part}` : part;
    }
    return text || '(root)';
  }

  write(value: unknown): void {
    if (value === null) {
      this.out.add('null');
      return;
    }
    switch (typeof value) {
      case 'string':
        this.out.add(quote(value));
        return;
      case 'boolean':
        this.out.add(value ? 'true' : 'false');
        return;
      case 'number':
        if (!Number.isSafeInteger(value)) {
          throw new CeremonyError(
            'CANONICAL_JSON',
            `${this.where()}: ${String(value)} is not an integer within ±2^53 (canonical JSON allows integers only)`,
          );
        }
        this.out.add(Object.is(value, -0) ? '0' : String(value));
        return;
      case 'object': {
        // Plain JSON without control characters, keys sorted: JSON.stringify writes the same bytes.
        const view = sortedView(value, true);
        if (view !== NOT_PLAIN) {
          this.out.add(JSON.stringify(view));
          return;
        }
        const path = this.path;
        if (Array.isArray(value)) {
          this.out.add('[');
          for (let i = 0; i < value.length; i++) {
            if (i > 0) this.out.add(',');
            path.push(i);
            this.write(value[i]);
            path.pop();
          }
          this.out.add(']');
          return;
        }
        this.out.add('{');
        let first = true;
        const record = value as Record<string, unknown>;
        for (const key of sortedKeys(value)) {
          const item = record[key];
          if (item === undefined) continue;
          this.out.add(first ? `${quote(key)}:` : `,${quote(key)}:`);
          first = false;
          path.push(key);
          this.write(item);
          path.pop();
        }
        this.out.add('}');
        return;
      }
      default:
        throw new CeremonyError('CANONICAL_JSON', `${this.where()}: ${typeof value} is not JSON`);
    }
  }
}

/** OLPC canonical JSON text of a JSON value (throws on floats and unsafe integers). */
export function canonicalString(value: unknown): string {
  const writer = new CanonicalWriter();
  writer.write(value);
  return writer.out.text();
}

/** The bytes TUF signs: UTF-8 of the OLPC canonical JSON of `value`. */
export function canonicalBytes(value: unknown): Uint8Array {
  return encodeUtf8(canonicalString(value));
}
