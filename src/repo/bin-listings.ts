import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifestLine, quoteManifestText } from '../ceremony/manifest.js';
import { binForPath, isBinName } from '../metadata/delegation.js';
import { CeremonyError } from '../metadata/errors.js';
import type { SuccinctRoles, TargetFile } from '../metadata/model.js';
import { writeFilesDurably } from './durable-batch.js';
import { readFileNoFollow, readTextNoFollowSync } from './read-no-follow.js';
import { LISTED_TARGETS_DIR, listingText } from './listing-text.js';

// The listing of a bins delegation (TAP 15), kept one file per bin:
// targets-listed/<delegation>/<bin>.jsonl, each sorted by path in the manifest layout. Adding one
// target to a million rewrites one small file, and staging reads only the bins whose listing
// changed. Every path in a bin's file must hash into that bin (TAP 15: a client looks for a path
// only in the bin its hash selects).

/** The folder of a bins delegation's per-bin listings. */
export function binListingDir(root: string, role: string): string {
  return join(root, LISTED_TARGETS_DIR, role);
}

/** The listing file of one bin of a bins delegation. */
export function binListingFile(root: string, role: string, bin: string): string {
  return join(binListingDir(root, role), `${bin}.jsonl`);
}

/** Largest bin listing read at once (a bin of 64 MiB already means too few bins). */
export const MAX_BIN_LISTING = 256 * 1024 * 1024;

/**
 * Parses one bin's listing text: every line checked as a manifest line, no duplicate path, and
 * every path hashing into `bin`. A problem names the file and the line.
 */
export function parseBinListing(
  text: string,
  file: string,
  succinct: SuccinctRoles,
  bin: string,
): Map<string, TargetFile> {
  const targets = new Map<string, TargetFile>();
  let line = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const parsed = parseManifestLine('jsonl', text.slice(start, end), false);
    start = end + 1;
    if (parsed.kind === 'skip') continue;
    const problem =
      parsed.kind === 'error'
        ? parsed.problem
        : targets.has(parsed.entry.path)
          ? 'duplicate path'
          : binForPath(succinct, parsed.entry.path) !== bin
            ? `${quoteManifestText(parsed.entry.path)} hashes into bin ${binForPath(succinct, parsed.entry.path)}, not ${bin} (TAP 15)`
            : undefined;
    if (problem !== undefined || parsed.kind !== 'entry')
      throw new CeremonyError(
        'STATE_INVALID',
        `${file}: line ${line}: ${problem ?? 'not a target'} (the listing is written by tuf-ceremony targets import)`,
      );
    targets.set(parsed.entry.path, parsed.entry.file);
  }
  return targets;
}

function tooLarge(file: string): CeremonyError {
  return new CeremonyError(
    'FILE_TOO_LARGE',
    `${file}: a bin's listing over ${MAX_BIN_LISTING} bytes; give the bins delegation a larger bit_length`,
  );
}

/** The text of a bin's listing, or undefined without one (bounded, never through a link). */
function binListingTextSync(file: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  if (bytes.length > MAX_BIN_LISTING) throw tooLarge(file);
  return bytes.toString('utf8');
}

/** One bin's listed targets read now, or undefined without a listing file for it. */
export function readBinListingSync(
  root: string,
  role: string,
  succinct: SuccinctRoles,
  bin: string,
): Map<string, TargetFile> | undefined {
  const file = binListingFile(root, role, bin);
  const text = binListingTextSync(file);
  return text === undefined ? undefined : parseBinListing(text, file, succinct, bin);
}

/** The text of one bin's listing read now, or undefined without one (bounded, no link). */
export function readBinListingText(root: string, role: string, bin: string): string | undefined {
  return readTextNoFollowSync(binListingFile(root, role, bin), MAX_BIN_LISTING);
}

/** The bytes of one bin's listing, or undefined without one. */
export async function readBinListingBytes(
  root: string,
  role: string,
  bin: string,
): Promise<Buffer | undefined> {
  const file = binListingFile(root, role, bin);
  const bytes = await readFileNoFollow(file, MAX_BIN_LISTING);
  return bytes === undefined
    ? undefined
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * The bins with a listing file in a bins delegation's folder, sorted, or undefined without the
 * folder. A file that is not `<bin>.jsonl` of this delegation is refused: it would never be
 * published.
 */
export async function listedBins(
  root: string,
  role: string,
  succinct: SuccinctRoles,
): Promise<string[] | undefined> {
  const dir = binListingDir(root, role);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') return undefined;
    throw err;
  }
  const bins: string[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const bin = name.endsWith('.jsonl') ? name.slice(0, -'.jsonl'.length) : '';
    if (!isBinName(succinct, bin))
      throw new CeremonyError(
        'STATE_INVALID',
        `${join(dir, name)}: not the listing of a bin of ${role} (files are named <bin>.jsonl, e.g. ${succinct.name_prefix}-${'0'.repeat(Math.ceil(succinct.bit_length / 4))}.jsonl)`,
      );
    bins.push(bin);
  }
  return bins.sort();
}

/**
 * Writes the listings of the given bins in one durable batch (each renamed into place, then one
 * sync): a command killed meanwhile leaves each bin's file old or new, and running it again
 * finishes it. An empty map leaves an empty file.
 */
export async function writeBinListings(
  root: string,
  role: string,
  bins: ReadonlyMap<string, ReadonlyMap<string, TargetFile>>,
): Promise<void> {
  const files = [...bins].map(
    ([bin, targets]) => [binListingFile(root, role, bin), listingText(targets)] as const,
  );
  if (files.length > 0) await writeFilesDurably(root, files);
}
