import { escapeTerminal } from './terminal-text.js';

/**
 * `value` as JSON text with every control, bidi and invisible character escaped (`\u202e`), so
 * a name read from metadata cannot forge lines or reorder text on a terminal.
 */
export function quotedForTerminal(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  return escapeTerminal(json ?? 'null');
}

/** The text with control, bidi and invisible characters escaped, safe to print on a terminal. */
export function printable(text: string): string {
  return escapeTerminal(text);
}

/** At most this many characters of a thrown message are printed. */
const MAX_ERROR_TEXT = 300;

/** The message of a thrown value, printable and bounded (libraries may throw text from files). */
export function errorText(err: unknown): string {
  const text = printable(err instanceof Error ? err.message : String(err));
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}...` : text;
}
