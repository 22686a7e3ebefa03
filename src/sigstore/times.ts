import { CeremonyError, isCeremonyError } from '../metadata/errors.js';
import { parseTime } from '../metadata/time.js';

// Times in Sigstore trust material are proto3 JSON Timestamps (RFC 3339, UTC "Z"). Times already in
// a file are kept verbatim (byte-stable round trips); new times are written in UTC with
// milliseconds only when they are not zero, as Sigstore's own files do.

/** A validity window as written in the file: RFC 3339 strings, `end` absent while open. */
export interface TimeRangeJson {
  start: string;
  end?: string;
}

/** Formats epoch ms as RFC 3339 UTC: `2021-01-12T11:53:27Z`, or `...59.999Z` with milliseconds. */
export function formatTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('.000Z', 'Z');
}

/** Epoch ms of a time read from a file (lenient RFC 3339). */
export function timeMs(text: string, where: string): number {
  return parseTime(text, where);
}

/** Parses a time the user gave (flag or API input) into epoch ms and its normalized text. */
export function userTime(text: string, flag: string): { ms: number; text: string } {
  try {
    const ms = parseTime(text, flag);
    return { ms, text: formatTime(ms) };
  } catch (err) {
    if (isCeremonyError(err, 'METADATA_INVALID')) {
      throw new CeremonyError(
        'USAGE',
        `${flag}: "${text}" is not an RFC 3339 time such as 2025-01-01T00:00:00Z`,
      );
    }
    throw err;
  }
}

/** Throws unless `end` lies after `start` (a window never ends before it begins). */
export function checkEndAfterStart(range: TimeRangeJson, end: number, what: string): void {
  const start = timeMs(range.start, `${what} validFor.start`);
  if (end <= start) {
    throw new CeremonyError(
      'USAGE',
      `${what}: end ${formatTime(end)} is not after its start ${range.start}`,
    );
  }
}

/**
 * Inserts `item` keeping the list sorted by start without moving existing entries: ascending
 * (oldest first, trusted_root.json) or descending (newest first, signing_config services).
 */
export function insertByStart<T>(
  list: readonly T[],
  item: T,
  startOf: (entry: T) => string,
  order: 'ascending' | 'descending',
): T[] {
  const start = timeMs(startOf(item), 'new entry start');
  let index = list.length;
  for (let i = 0; i < list.length; i++) {
    const other = timeMs(startOf(list[i] as T), 'entry start');
    if (order === 'ascending' ? other > start : other <= start) {
      index = i;
      break;
    }
  }
  return [...list.slice(0, index), item, ...list.slice(index)];
}
