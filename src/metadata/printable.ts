// Text from untrusted files (bundle identities, URLs in a trusted root under review) is printed
// only in this form: printable ASCII kept, everything else escaped, and the length bounded.

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
