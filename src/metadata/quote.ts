// Quoting of untrusted text in error messages: bounded length, one line, nothing but printable
// ASCII, so a hostile file can neither flood a terminal nor hide text in control or bidi characters.

/** Longest part of an untrusted string an error message quotes. */
export const MAX_QUOTED = 64;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '"') return '\\"';
  if (c === '\\') return '\\\\';
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** An untrusted string capped at `max` characters, anything but printable ASCII \u-escaped. */
export function escapeUntrusted(text: string, max = MAX_QUOTED): string {
  const head = text.length > max ? text.slice(0, max) : text;
  const escaped = head.replace(/[^\x20-\x7e]|["\\]/g, escapeChar);
  return text.length > max ? `${escaped}…(${text.length} chars)` : escaped;
}

/**
 * A double-quoted, escaped and length-capped rendering of an untrusted string: at most `max`
 * characters of it, `"…"…(N chars)` noting what was cut. Anything but printable ASCII is escaped.
 */
export function quoteUntrusted(text: string, max = MAX_QUOTED): string {
  const head = text.length > max ? text.slice(0, max) : text;
  const suffix = text.length > max ? `…(${text.length} chars)` : '';
  return `"${escapeUntrusted(head, max)}"${suffix}`;
}

/** Describes an untrusted JSON value by its type (and a quoted prefix for strings), never in full. */
export function describeUntrusted(value: unknown): string {
  if (typeof value === 'string') return quoteUntrusted(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

const PLAIN_KEY = /^[\w.\-/@+:]{1,64}$/;

/** A JSON path step for an untrusted object key: `.name` when plain, `["…"]` quoted otherwise. */
export function pathStep(key: string): string {
  return PLAIN_KEY.test(key) ? `.${key}` : `[${quoteUntrusted(key)}]`;
}

/** The first `n` characters of an untrusted identifier (a keyid), anything unprintable as `?`. */
export function printablePrefix(text: string, n: number): string {
  return text.slice(0, n).replace(/[^\x20-\x7e]/g, '?');
}

/**
 * Text built from untrusted parts, made safe to print: control and bidi characters \u-escaped,
 * capped at `max` characters (other non-ASCII text, such as "…", is kept).
 */
export function printableCapped(text: string, max: number): string {
  const safe = text.replace(
    /\p{Cc}|[\u202a-\u202e\u2066-\u2069]/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}
