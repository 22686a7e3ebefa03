import { CeremonyError } from './errors.js';
import { quoteUntrusted } from './terminal-text.js';

// TUF expiry: written as YYYY-MM-DDTHH:MM:SSZ (python-tuf rejects fractions); read leniently,
// because real roots (Sigstore v1-v3) carry fractions of a second and offsets.

const LENIENT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Times parsed before, by their text (a parse depends on the text alone): the 16,384 bins of a
 * repository signed together share one expiry, parsed once per process instead of per bin. Only
 * valid times are kept, at most MAX_PARSED (then the memory starts over).
 */
const parsed = new Map<string, number>();
const MAX_PARSED = 4096;

/** Parses an RFC 3339 time (fractions and offsets allowed) into epoch milliseconds. */
export function parseTime(text: string, where: string): number {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  const ms = parseTimeText(text, where);
  if (parsed.size >= MAX_PARSED) parsed.clear();
  parsed.set(text, ms);
  return ms;
}

function parseTimeText(text: string, where: string): number {
  const m = LENIENT.exec(text);
  if (!m) {
    throw new CeremonyError(
      'METADATA_INVALID',
      `${where}: ${quoteUntrusted(text)} is not an RFC 3339 time`,
    );
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (frac) ms += Math.floor(Number(`0${frac}`) * 1000);
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const offset = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
    ms -= sign * offset * 60_000;
  }
  if (Number.isNaN(ms) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59) {
    throw new CeremonyError(
      'METADATA_INVALID',
      `${where}: ${quoteUntrusted(text)} is not a valid time`,
    );
  }
  return ms;
}

/** Formats epoch milliseconds as the TUF expiry form YYYY-MM-DDTHH:MM:SSZ (seconds truncated). */
export function formatExpiry(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const MAX_DURATION_TEXT = 32;

/** Durations like `365d`, `12h`, `2w`, `30m`, `45s` (or combined, `1d12h`) in milliseconds. */
export function parseDuration(text: string, where: string): number {
  const units: Record<string, number> = {
    w: 604_800_000,
    d: 86_400_000,
    h: 3_600_000,
    m: 60_000,
    s: 1000,
  };
  const re = /(\d+)([wdhms])/gy;
  let total = 0;
  let consumed = 0;
  if (text.length > MAX_DURATION_TEXT) {
    throw new CeremonyError(
      'USAGE',
      `${where}: a duration is at most ${MAX_DURATION_TEXT} characters`,
    );
  }
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * (units[m[2] ?? ''] ?? 0);
    consumed = re.lastIndex;
  }
  // Bounded: a duration past 2^53 ms (or an absurdly long text) is no duration, not Infinity.
  if (consumed !== text.length || consumed === 0 || !Number.isSafeInteger(total)) {
    throw new CeremonyError(
      'USAGE',
      `${where}: "${text}" is not a duration such as 365d, 12h or 2w`,
    );
  }
  return total;
}
