/** Control, bidi-control and invisible characters that could disguise printed text. */
const HIDDEN = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * `value` as JSON text with every control, bidi and invisible character escaped (`\u202e`), so
 * a name read from metadata cannot forge lines or reorder text on a terminal.
 */
export function quotedForTerminal(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  return (json ?? 'null').replace(
    HIDDEN,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

// Text from untrusted files (bundle identities, URLs in a trusted root under review) can also be
// printed in this form: printable ASCII kept, everything else escaped, the length bounded.

const MAX = 200;

/** `text` with control, non-ASCII and backslash characters escaped (\u{..}), cut at 200 chars. */
export function printable(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    out += code >= 0x20 && code < 0x7f && ch !== '\\' ? ch : `\\u{${code.toString(16)}}`;
    if (out.length > MAX) return `${out.slice(0, MAX)}...`;
  }
  return out;
}

/** The message of a thrown value, printable (libraries may throw text from the files they read). */
export function errorText(err: unknown): string {
  return printable(err instanceof Error ? err.message : String(err));
}
