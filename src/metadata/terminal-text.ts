import { CeremonyError, type ErrorCode } from './errors.js';

// Text from metadata reaches holders' terminals in reviews, status tables, verification reports
// and errors. Control characters (ESC sequences move the cursor and recolour text), line breaks,
// bidi controls (Trojan Source, CVE-2021-42574: U+202E shows "gpj.exe" as "exe.jpg") and
// invisible characters (zero-width, word joiner, BOM) could make a review show something other
// than what is signed. Names carrying them are refused where they enter; anything else printed
// from metadata goes through escapeTerminal first.
//
// Error messages quote values from untrusted files the same way, stricter: bounded length, one
// line, nothing but printable ASCII, so a hostile file can neither flood a terminal nor hide text.

/** Code point ranges (inclusive) that are never printed raw nor accepted in names. */
const UNSAFE_RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0x001f], // C0 controls: ESC, newline, carriage return, backspace ...
  [0x007f, 0x009f], // DEL and C1 controls (CSI 0x9b)
  [0x00ad, 0x00ad], // soft hyphen
  [0x034f, 0x034f], // combining grapheme joiner
  [0x061c, 0x061c], // Arabic letter mark (bidi)
  [0x115f, 0x1160], // Hangul fillers
  [0x17b4, 0x17b5], // Khmer inherent vowels (invisible)
  [0x180b, 0x180f], // Mongolian variation selectors and vowel separator
  [0x200b, 0x200f], // zero-width space, non-joiner, joiner; LRM, RLM
  [0x2028, 0x202e], // line and paragraph separators; bidi embeddings and overrides
  [0x2060, 0x206f], // word joiner, invisible operators, bidi isolates, deprecated formats
  [0x3164, 0x3164], // Hangul filler
  [0xfeff, 0xfeff], // zero-width no-break space (BOM)
  [0xffa0, 0xffa0], // halfwidth Hangul filler
  [0xfff9, 0xfffb], // interlinear annotations
  [0xe0000, 0xe007f], // tag characters
];

const CLASS = UNSAFE_RANGES.map(
  ([from, to]) => `\\u{${from.toString(16)}}-\\u{${to.toString(16)}}`,
).join('');
const UNSAFE_ALL = new RegExp(`[${CLASS}]`, 'gu');
const UNSAFE_ONE = new RegExp(UNSAFE_ALL.source, 'u');

/** `U+202E` for a code point. */
export function codePointName(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * `\uHHHH` (four hex digits) for each UTF-16 unit of the character (a surrogate pair above U+FFFF), so that
 * escaped output stays valid inside a JSON string (RFC 8259 section 7) as well as readable.
 */
function escapeChar(ch: string): string {
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/**
 * `text` with every control, bidi and invisible character written as a visible `\u` escape of
 * four hex digits (newlines and tabs too): safe to print inside one line of terminal output.
 */
export function escapeTerminal(text: string): string {
  return text.replace(UNSAFE_ALL, escapeChar);
}

/** Like escapeTerminal, but keeps line breaks and tabs: for whole blocks of output. */
export function escapeTerminalBlock(text: string): string {
  return text.replace(UNSAFE_ALL, (ch) => (ch === '\n' || ch === '\t' ? ch : escapeChar(ch)));
}

/** The first unsafe character of `text` and its 1-based position in code points. */
export function findUnsafeChar(text: string): { codePoint: number; position: number } | undefined {
  const match = UNSAFE_ONE.exec(text);
  if (match === null) return undefined;
  const codePoint = match[0].codePointAt(0) ?? 0;
  return { codePoint, position: Array.from(text.slice(0, match.index)).length + 1 };
}

/**
 * Refuses a name (target path, role, holder, custom metadata key) carrying a control, bidi or
 * invisible character, naming the character and its position; returns the name otherwise.
 */
export function checkVisibleName(name: string, what: string, code: ErrorCode = 'USAGE'): string {
  const found = findUnsafeChar(name);
  if (found === undefined) return name;
  throw new CeremonyError(
    code,
    `${what} "${escapeTerminal(name)}": character ${codePointName(found.codePoint)} at position ${found.position} is not allowed (control, bidi and invisible characters can disguise what holders review)`,
  );
}

/** Refuses unsafe characters in every object key of a JSON value (custom metadata), depth-first. */
export function checkVisibleKeys(value: unknown, what: string, code: ErrorCode = 'USAGE'): void {
  const stack: unknown[] = [value];
  // Bounded by the size of the (already size-limited) parsed value: each node is visited once.
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...(node as unknown[]));
    else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        checkVisibleName(key, `${what} key`, code);
        stack.push(child);
      }
    }
  }
}

/** Longest part of an untrusted string an error message quotes. */
export const MAX_QUOTED = 64;

function escapeQuotedChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '"') return '\\"';
  if (c === '\\') return '\\\\';
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** An untrusted string capped at `max` characters, anything but printable ASCII \u-escaped. */
export function escapeUntrusted(text: string, max = MAX_QUOTED): string {
  const head = text.length > max ? text.slice(0, max) : text;
  const escaped = head.replace(/[^\x20-\x7e]|["\\]/g, escapeQuotedChar);
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
