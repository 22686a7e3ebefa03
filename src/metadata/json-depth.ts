import { CeremonyError } from './errors.js';

// Bounded JSON parsing. JSON.parse, JSON.stringify, canonical JSON and the shape checks all
// recurse once per nesting level: a 16 KB file of 8,000 nested arrays overflows the stack. A
// linear pre-scan refuses such nesting before any of them run.

/** Deepest nesting of arrays and objects accepted in any JSON document (TUF metadata needs < 10). */
export const MAX_JSON_DEPTH = 100;

const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const SPACE = 0x20;

/** What a pre-scan found: the deepest nesting, and the entries of one top-level array. */
export interface JsonScan {
  depth: number;
  /** Entries of the array under `countKey` in the top-level object (0 if absent). */
  entries: number;
}

/**
 * Deepest nesting of `[`/`{` in JSON text (strings skipped), stopping once past `limit`, and the
 * number of entries of the top-level array under `countKey` (e.g. "signatures"). Linear in the
 * length; malformed text gets some numbers and is refused by JSON.parse after.
 */
export function scanJson(text: string, limit = MAX_JSON_DEPTH, countKey?: string): JsonScan {
  let depth = 0;
  let deepest = 0;
  let lastKey = '';
  let counting = false;
  let entries = 0;
  const length = text.length;
  // Without any backslash in the text (one native search), no quote is escaped: a string ends at
  // the next quote.
  const escapes = text.includes('\\');
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c <= SPACE) continue;
    if (c === QUOTE) {
      // A string opens an entry, even one the text cuts short.
      if (counting && depth === 2 && entries === 0) entries = 1;
      const end = escapes ? closingQuote(text, i) : text.indexOf('"', i + 1);
      if (end < 0) break;
      if (depth === 1 && countKey !== undefined) lastKey = text.slice(i + 1, end);
      i = end;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (counting && depth === 2 && entries === 0) entries = 1;
      depth++;
      if (depth === 2 && c === OPEN_ARRAY && lastKey === countKey) counting = true;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) break;
      }
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
      if (depth === 1) counting = false;
    } else if (counting && depth === 2) {
      if (c === COMMA) entries++;
      else if (entries === 0) entries = 1;
    }
  }
  return { depth: deepest, entries };
}

/**
 * Index of the quote closing the string opened at `open`, or -1. Strings are most of a metadata
 * file (hashes, paths): the native indexOf skips them; a quote preceded by an odd run of
 * backslashes is escaped. Each backslash run is counted once, next to the one quote it precedes.
 */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end > 0) {
    let before = end - 1;
    while (text.charCodeAt(before) === BACKSLASH) before--;
    if ((end - 1 - before) % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/** Deepest nesting of `[`/`{` in JSON text, strings skipped; stops counting once past `limit`. */
export function jsonNestingDepth(text: string, limit = MAX_JSON_DEPTH): number {
  return scanJson(text, limit).depth;
}

/** Where JSON.parse stopped, as `at character N` when its message says, never the text itself. */
function syntaxPosition(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  const position = /position (\d+)/.exec(message);
  if (position) return ` at character ${position[1]}`;
  return /end of (JSON|data) input/i.test(message) ? ' (cut short)' : '';
}

/** A cap on the entries of one top-level array, checked by the pre-scan before JSON.parse. */
export interface EntryLimit {
  key: string;
  max: number;
  /** Why the cap exists, for the error (e.g. "more than any threshold needs"). */
  reason: string;
}

/**
 * JSON.parse with a nesting limit (and optionally a cap on one top-level array, so a padded file is
 * refused before its entries are built) and an error that names the file and the rule, never
 * quoting the text (a file that failed to parse may be anything: a password file, a token).
 */
export function parseJsonBounded(text: string, file: string, entryLimit?: EntryLimit): unknown {
  refuseScanned(scanJson(text, MAX_JSON_DEPTH, entryLimit?.key), file, entryLimit);
  return parseScannedJson(text, file);
}

/** Throws when a pre-scan found nesting past MAX_JSON_DEPTH or more entries than `entryLimit`. */
export function refuseScanned(scan: JsonScan, file: string, entryLimit?: EntryLimit): void {
  if (scan.depth > MAX_JSON_DEPTH) {
    throw new CeremonyError(
      'METADATA_INVALID',
      `${file}: not valid JSON for this tool: nested deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  if (entryLimit && scan.entries > entryLimit.max) {
    throw new CeremonyError(
      'METADATA_INVALID',
      `${file}: ${entryLimit.key}: ${scan.entries} entries, more than the limit of ${entryLimit.max} (${entryLimit.reason})`,
    );
  }
}

/** JSON.parse of text a pre-scan let through (refuseScanned), with parseJsonBounded's error. */
export function parseScannedJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CeremonyError('METADATA_INVALID', `${file}: not valid JSON${syntaxPosition(err)}`);
  }
}
