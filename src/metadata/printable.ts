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

// Plain text (requests, responses) also gets its C0 controls escaped, as \u{...}.
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

/** The text with control, bidi and invisible characters escaped, safe to print on a terminal. */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

/** At most this many characters of a thrown message are printed. */
const MAX_ERROR_TEXT = 300;

/** The message of a thrown value, printable and bounded (libraries may throw text from files). */
export function errorText(err: unknown): string {
  const text = printable(err instanceof Error ? err.message : String(err));
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}...` : text;
}
