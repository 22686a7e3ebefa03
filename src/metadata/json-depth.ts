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

/**
 * Deepest nesting of `[`/`{` in JSON text, strings skipped; stops counting once past `limit`.
 * Linear in the length; malformed text gets some number and is refused by JSON.parse after.
 */
export function jsonNestingDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return deepest;
}

/** Where JSON.parse stopped, as `at character N` when its message says, never the text itself. */
function syntaxPosition(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  const position = /position (\d+)/.exec(message);
  if (position) return ` at character ${position[1]}`;
  return /end of (JSON|data) input/i.test(message) ? ' (cut short)' : '';
}

/**
 * JSON.parse with a nesting limit and an error that names the file and the rule, never quoting
 * the text (a file that failed to parse may be anything: a password file, a token).
 */
export function parseJsonBounded(text: string, file: string): unknown {
  if (jsonNestingDepth(text) > MAX_JSON_DEPTH) {
    throw new CeremonyError(
      'METADATA_INVALID',
      `${file}: not valid JSON for this tool: nested deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CeremonyError('METADATA_INVALID', `${file}: not valid JSON${syntaxPosition(err)}`);
  }
}
