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
