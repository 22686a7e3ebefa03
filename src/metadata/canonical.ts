import { NOT_PLAIN, sortedView, type ProvenSorted } from './build-sorted.js';
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

/**
 * JSON.stringify's text of a sorted plain view when it is exactly the OLPC canonical text. The two
 * write strings alike unless a string holds a quote, backslash, control character or lone
 * surrogate (JSON.stringify then writes a backslash escape), and sort keys alike unless a key
 * holds a surrogate (UTF-16 order differs from code-point order): neither backslash nor
 * surrogate in the output means every string and every key order matched.
 */
function canonicalOfSortedView(view: unknown): string | undefined {
  const text = JSON.stringify(view);
  return text.includes('\\') || HAS_SURROGATE.test(text) ? undefined : text;
}

/** The canonical text by the native fast path, or undefined when the writer must run. */
function stringifiedCanonical(value: unknown, proven?: ProvenSorted): string | undefined {
  const view = sortedView(value, proven);
  return view === NOT_PLAIN ? undefined : canonicalOfSortedView(view);
}

// One pass over the value with the JSON path kept as a stack, rendered only when an error is
// reported: linear in the size of the value.
class CanonicalWriter {
  readonly out = new StringSink();
  private readonly path: (string | number)[] = [];

  constructor(private readonly proven?: ProvenSorted) {}

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
        const text = stringifiedCanonical(value, this.proven);
        if (text !== undefined) this.out.add(text);
        else this.writeComposite(value);
        return;
      }
      default:
        throw new CeremonyError('CANONICAL_JSON', `${this.where()}: ${typeof value} is not JSON`);
    }
  }

  /** An object or array member by member (JSON.stringify's text would not be canonical). */
  writeComposite(value: object): void {
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
  }
}

/**
 * OLPC canonical JSON text of a JSON value (throws on floats and unsafe integers); `proven`: parts
 * the caller has just found sorted plain JSON (ProvenSorted).
 */
export function canonicalString(value: unknown, proven?: ProvenSorted): string {
  // The native fast path first: through the writer's sink a 30 MB text would be copied once more.
  const text =
    typeof value === 'object' && value !== null ? stringifiedCanonical(value, proven) : undefined;
  return text ?? writtenCanonical(value, proven);
}

/** The canonical text by the hand-written writer (the native fast path already failed at the top). */
function writtenCanonical(value: unknown, proven?: ProvenSorted): string {
  const writer = new CanonicalWriter(proven);
  if (typeof value === 'object' && value !== null) writer.writeComposite(value);
  else writer.write(value);
  return writer.out.text();
}

/** The bytes TUF signs: UTF-8 of the OLPC canonical JSON of `value` (`proven`: canonicalString). */
export function canonicalBytes(value: unknown, proven?: ProvenSorted): Uint8Array {
  return encodeUtf8(canonicalString(value, proven));
}

/** Canonical bytes of a value with its sorted plain view (NOT_PLAIN when it has none). */
export interface CanonicalForm {
  readonly bytes: Uint8Array;
  /** The value with sorted keys, as JSON.stringify can write it; NOT_PLAIN otherwise. */
  readonly view: unknown;
}

/**
 * Canonical bytes and sorted view from one walk of `value`, so a serializer of the same value
 * (the pretty file text) need not check its key order again.
 */
export function canonicalForm(value: unknown): CanonicalForm {
  return canonicalFormOfView(value, sortedView(value));
}

/** canonicalForm when the caller has already taken `view`, the sortedView of `value`. */
export function canonicalFormOfView(value: unknown, view: unknown): CanonicalForm {
  const text = view === NOT_PLAIN ? undefined : canonicalOfSortedView(view);
  return { bytes: encodeUtf8(text ?? writtenCanonical(value)), view };
}
