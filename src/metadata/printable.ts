// Text from untrusted files (requests, responses, metadata) may carry terminal control sequences
// or bidirectional overrides that make a screen lie. Such characters are shown as \u{...} escapes.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/gu;

/** The text with control, bidi and invisible characters escaped, safe to print on a terminal. */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}
