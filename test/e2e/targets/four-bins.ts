import { createHash } from 'node:crypto';

/** A plan addition: four succinct bins signed by bob alone. */
export const FOUR_BINS = `
delegations:
  bins: { succinct: { bit_length: 2, name_prefix: bins }, holders: [bob], threshold: 1, expires: 90d, signing_window: 30d }
`;

/** One JSON Lines manifest line for `path` (length and sha256 made up from the path). */
export function listingLine(path: string): string {
  const sha256 = createHash('sha256').update(path).digest('hex');
  return JSON.stringify({ path, length: path.length, hashes: { sha256 } });
}
