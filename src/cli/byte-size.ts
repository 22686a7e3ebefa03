import { CeremonyError } from '../metadata/errors.js';

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/** Parses a size flag: bytes, or a number with K, M or G (binary units, `64M` or `64MiB`). */
export function parseByteSize(text: string, flag: string): number {
  const match = /^(\d{1,15})\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  const unit = UNITS[(match?.[2] ?? '').toLowerCase()];
  const value = match && unit !== undefined ? Number(match[1]) * unit : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new CeremonyError('USAGE', `--${flag} must be a size such as 67108864, 64M or 64MiB`);
  }
  return value;
}
