import serialize from 'canonicalize';
import { NOT_PLAIN, sortedView } from '../metadata/build-sorted.js';

// RFC 8785 (JSON Canonicalization Scheme) text of transcript events: the native JSON.stringify
// where it writes the same text, the library otherwise. A transcript of 50,000 events is checked
// line by line by every command of a large ceremony.

/** RFC 8785 text of a value, or undefined when it has none (lone surrogates, NaN, cycles). */
export function rfc8785Text(value: unknown): string | undefined {
  // RFC 8785 (sections 3.2.2 and 3.2.3) writes strings and numbers as JSON.stringify does and
  // sorts keys by UTF-16 code units. For a value whose objects already list their keys so (no
  // key starting with a digit, which V8 would enumerate first) and which holds only safe
  // integers, JSON.stringify's text is the RFC 8785 text unless it escaped something: the
  // library, which refuses lone surrogates, writes any text with a backslash.
  const view = sortedView(value);
  if (view !== NOT_PLAIN) {
    const text = JSON.stringify(view);
    if (!text.includes('\\')) return text;
  }
  try {
    return serialize(value);
  } catch {
    return undefined;
  }
}
