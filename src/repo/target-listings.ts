import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifestLine } from '../ceremony/manifest.js';
import { CeremonyError } from '../metadata/errors.js';
import type { SuccinctRoles, TargetFile } from '../metadata/model.js';
import { writeFileAtomic } from './atomic-write.js';
import {
  binListingDir,
  binListingFile,
  listedBins,
  parseBinListing,
  readBinListingBytes,
  readBinListingText,
} from './bin-listings.js';
import { LISTED_TARGETS_DIR, listingText } from './listing-text.js';
import { forEachLine } from './manifest-reader.js';
import { pathExists } from './path-exists.js';

// Targets known only by listing (`targets import MANIFEST`): their path, length, hashes and
// custom data, without the bytes. Each targets role's listing is one JSON Lines file,
// targets-listed/<role>.jsonl, sorted by path, in the manifest layout (so it is itself a valid
// manifest). Stage lists these targets like input files; finalize publishes them in metadata
// only (no bytes to copy). An empty file keeps a role whose listed targets were all removed
// staging with no targets, as .gitkeep does for input folders. A bins delegation's listing is
// kept one file per bin instead (bin-listings.ts): targets-listed/<delegation>/<bin>.jsonl.

export { LISTED_TARGETS_DIR } from './listing-text.js';

/** The listing file of a targets role (targets, or a plan delegation's name). */
export function listingFile(root: string, role: string): string {
  return join(root, LISTED_TARGETS_DIR, `${role}.jsonl`);
}

/** Roles with a listing (a file, or a folder of per-bin files), sorted. */
export async function listedRoles(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(root, LISTED_TARGETS_DIR), { withFileTypes: true });
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
  const roles = new Set<string>();
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) roles.add(entry.name);
    else if (entry.name.endsWith('.jsonl')) roles.add(entry.name.slice(0, -'.jsonl'.length));
  }
  return [...roles].sort();
}

/** A listing parsed in this process, with the sha256 of the bytes it was parsed from. */
interface ParsedListing {
  sha256: string;
  targets: ReadonlyMap<string, TargetFile>;
}

// Stage, sign and review each need a role's listing more than once in one process (planning,
// the plan-drift check, the review): it is parsed and checked once, and reused while the file
// still holds the same bytes (checked by their sha256 at every read, so a listing changed by
// another process in between is parsed again).
const parsedListings = new Map<string, ParsedListing>();

/** The sha256 of a file's bytes, streamed; undefined when it does not exist. */
async function fileSha256(file: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }))
      hash.update(chunk as Buffer);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  return hash.digest('hex');
}

/** Parses and checks a listing file, hashing the bytes as they are parsed. */
async function parseListing(file: string): Promise<ParsedListing | undefined> {
  const targets = new Map<string, TargetFile>();
  const hash = createHash('sha256');
  try {
    await forEachLine(
      file,
      (text, line) => {
        const parsed = parseManifestLine('jsonl', text, false);
        if (parsed.kind === 'skip') return;
        if (parsed.kind === 'error' || targets.has(parsed.entry.path))
          throw new CeremonyError(
            'STATE_INVALID',
            `${file}: line ${line}: ${parsed.kind === 'error' ? parsed.problem : 'duplicate path'} (the listing is written by tuf-ceremony targets import)`,
          );
        targets.set(parsed.entry.path, parsed.entry.file);
      },
      (chunk) => {
        hash.update(chunk);
      },
    );
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  return { sha256: hash.digest('hex'), targets };
}

/**
 * Reads every per-bin file of a bins delegation: the digest of their names and bytes, and (with
 * `parse`) their targets, each checked to hash into its bin. Undefined without the folder.
 */
async function readBinned(
  root: string,
  role: string,
  succinct: SuccinctRoles,
  parse: boolean,
): Promise<ParsedListing | undefined> {
  const bins = await listedBins(root, role, succinct);
  if (bins === undefined) return undefined;
  const targets = new Map<string, TargetFile>();
  const hash = createHash('sha256');
  for (const bin of bins) {
    const bytes = await readBinListingBytes(root, role, bin);
    if (bytes === undefined) continue;
    hash.update(`${bin}\0${createHash('sha256').update(bytes).digest('hex')}\n`);
    if (!parse) continue;
    const file = binListingFile(root, role, bin);
    for (const [path, target] of parseBinListing(bytes.toString('utf8'), file, succinct, bin)) {
      if (targets.has(path))
        throw new CeremonyError('STATE_INVALID', `${file}: lists ${path} twice`);
      targets.set(path, target);
    }
  }
  return { sha256: hash.digest('hex'), targets };
}

/** True when `path` is a folder (a bins delegation's per-bin listings). */
async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return false;
    throw err;
  }
}

/** How a role's listing is kept: one file, or (a bins delegation) one file per bin. */
async function layoutOf(
  root: string,
  role: string,
  succinct: SuccinctRoles | undefined,
): Promise<{ binned: SuccinctRoles } | { binned: undefined }> {
  const dir = binListingDir(root, role);
  if (!(await isFolder(dir))) return { binned: undefined };
  if (succinct === undefined)
    throw new CeremonyError(
      'STATE_INVALID',
      `${dir}: per-bin listings, but ${role} is not a bins delegation in ceremony.yaml`,
    );
  if (await pathExists(listingFile(root, role)))
    throw new CeremonyError(
      'STATE_INVALID',
      `${listingFile(root, role)} and ${dir} both exist: a targets import or remove was stopped while it split the listing by bin; run it again`,
    );
  return { binned: succinct };
}

/** The listing this process parsed for a role, while its files still hold the same bytes. */
async function stillParsed(
  key: string,
  digest: () => Promise<string | undefined>,
): Promise<ParsedListing | undefined> {
  const known = parsedListings.get(key);
  if (known === undefined) return undefined;
  if ((await digest()) === known.sha256) return known;
  parsedListings.delete(key);
  return undefined;
}

/**
 * A role's listed targets by path, or undefined without a listing: parsed once per process while
 * its bytes stay the same (read-only: readListing gives a copy to change). `succinct` is given
 * for a bins delegation, whose listing may be kept per bin.
 */
export async function listedTargets(
  root: string,
  role: string,
  succinct?: SuccinctRoles,
): Promise<ReadonlyMap<string, TargetFile> | undefined> {
  const { binned } = await layoutOf(root, role, succinct);
  const key = binned === undefined ? listingFile(root, role) : binListingDir(root, role);
  const digest = async (): Promise<string | undefined> =>
    binned === undefined ? fileSha256(key) : (await readBinned(root, role, binned, false))?.sha256;
  const known = await stillParsed(key, digest);
  if (known !== undefined) return known.targets;
  const parsed =
    binned === undefined ? await parseListing(key) : await readBinned(root, role, binned, true);
  if (parsed !== undefined) parsedListings.set(key, parsed);
  return parsed?.targets;
}

/** A role's one-file listing only (targets-listed/<role>.jsonl), or undefined without it. */
export async function readListingFile(
  root: string,
  role: string,
): Promise<Map<string, TargetFile> | undefined> {
  return (await parseListing(listingFile(root, role)))?.targets as
    Map<string, TargetFile> | undefined;
}

/** A role's listed targets by path, a copy to change, or undefined without a listing. */
export async function readListing(
  root: string,
  role: string,
  succinct?: SuccinctRoles,
): Promise<Map<string, TargetFile> | undefined> {
  const targets = await listedTargets(root, role, succinct);
  return targets === undefined ? undefined : new Map(targets);
}

/**
 * The start of a listing line in the layout `targets import` writes: a path without escapes,
 * the length, then the sha256 (what follows is not needed to compare hashes).
 */
const PATH_AND_SHA256 =
  // eslint-disable-next-line no-control-regex -- a JSON string without escapes: no control characters
  /^\{"path":"([^"\\\u0000-\u001f]*)","length":\d+,"hashes":\{"sha256":"([0-9a-f]{64})"/;

/** Calls `onTarget(path, sha256)` for a listing line, by the anchored regex or JSON.parse. */
function lineHash(text: string, onTarget: (path: string, sha256: string) => void): void {
  if (text === '') return;
  const fast = PATH_AND_SHA256.exec(text);
  if (fast !== null) {
    onTarget(fast[1] as string, fast[2] as string);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return;
  }
  const entry = value as { path?: unknown; hashes?: { sha256?: unknown } } | null;
  if (typeof entry?.path === 'string' && typeof entry.hashes?.sha256 === 'string')
    onTarget(entry.path, entry.hashes.sha256);
}

/** True when a bins delegation's listing is kept per bin (targets-listed/<role>/). */
export function keepsBinListings(root: string, role: string): Promise<boolean> {
  return isFolder(binListingDir(root, role));
}

/**
 * forEachListedHash for one bin of a delegation whose listing is kept per bin: nothing is
 * called when that bin has no listing file.
 */
export function forEachBinListedHash(
  root: string,
  role: string,
  bin: string,
  onTarget: (path: string, sha256: string) => void,
): void {
  const listing = readBinListingText(root, role, bin);
  if (listing === undefined) return;
  for (const text of listing.split('\n'))
    lineHash(text.endsWith('\r') ? text.slice(0, -1) : text, onTarget);
}

/**
 * Calls `onTarget(path, sha256)` for each listed target of a role, streamed: for deciding which
 * staged targets need no bytes, where the signed draft is the authority and the listing is only
 * compared with it. A listing this process already parsed is reused; otherwise a light parse
 * (one anchored regex per line in the layout targets import writes, JSON.parse for others, no
 * field checks). Nothing is kept: the caller keeps what it needs (a map of a million paths
 * sliced from the file's text would keep all of that text alive). A bins delegation's listing
 * kept per bin is read for the given `bins` only (every bin when not given). False without a
 * listing.
 */
export async function forEachListedHash(
  root: string,
  role: string,
  onTarget: (path: string, sha256: string) => void,
  bins?: readonly string[],
): Promise<boolean> {
  const dir = binListingDir(root, role);
  if (await isFolder(dir)) {
    const names =
      bins ??
      (await readdir(dir))
        .filter((n) => n.endsWith('.jsonl') && !n.startsWith('.'))
        .map((n) => n.slice(0, -'.jsonl'.length));
    for (const bin of names) forEachBinListedHash(root, role, bin, onTarget);
    return true;
  }
  const file = listingFile(root, role);
  const known = await stillParsed(file, () => fileSha256(file));
  if (known !== undefined) {
    for (const [path, target] of known.targets) onTarget(path, target.hashes.sha256 ?? '');
    return true;
  }
  try {
    await forEachLine(file, (text) => {
      lineHash(text, onTarget);
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return false;
    throw err;
  }
  return true;
}

/** Writes a role's listing file atomically, sorted by path (an empty map leaves an empty file). */
export async function writeListing(
  root: string,
  role: string,
  targets: ReadonlyMap<string, TargetFile>,
): Promise<void> {
  await writeFileAtomic(listingFile(root, role), listingText(targets));
}
