import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { manifestLineOf, parseManifestLine, type ManifestEntry } from '../ceremony/manifest.js';
import { CeremonyError } from '../metadata/errors.js';
import type { TargetFile } from '../metadata/model.js';
import { writeFileAtomic } from './atomic-write.js';
import { forEachLine } from './manifest-reader.js';

// Targets known only by listing (`targets import MANIFEST`): their path, length, hashes and
// custom data, without the bytes. Each targets role's listing is one JSON Lines file,
// targets-listed/<role>.jsonl, sorted by path, in the manifest layout (so it is itself a valid
// manifest). Stage lists these targets like input files; finalize publishes them in metadata
// only (no bytes to copy). An empty file keeps a role whose listed targets were all removed
// staging with no targets, as .gitkeep does for input folders.

/** The folder of every role's listing. */
export const LISTED_TARGETS_DIR = 'targets-listed';

/** The listing file of a targets role (targets, or a plan delegation's name). */
export function listingFile(root: string, role: string): string {
  return join(root, LISTED_TARGETS_DIR, `${role}.jsonl`);
}

/** Roles with a listing file, sorted. */
export async function listedRoles(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(join(root, LISTED_TARGETS_DIR));
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => n.endsWith('.jsonl') && !n.startsWith('.'))
    .map((n) => n.slice(0, -'.jsonl'.length))
    .sort();
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

/** The listing this process parsed from `file`, while the file still holds the same bytes. */
async function stillParsed(file: string): Promise<ParsedListing | undefined> {
  const known = parsedListings.get(file);
  if (known === undefined) return undefined;
  if ((await fileSha256(file)) === known.sha256) return known;
  parsedListings.delete(file);
  return undefined;
}

/**
 * A role's listed targets by path (sorted), or undefined without a listing file: parsed once per
 * process while the file's bytes stay the same (read-only: readListing gives a copy to change).
 */
export async function listedTargets(
  root: string,
  role: string,
): Promise<ReadonlyMap<string, TargetFile> | undefined> {
  const file = listingFile(root, role);
  const known = await stillParsed(file);
  if (known !== undefined) return known.targets;
  const parsed = await parseListing(file);
  if (parsed !== undefined) parsedListings.set(file, parsed);
  return parsed?.targets;
}

/** A role's listed targets by path (sorted), a copy to change, or undefined without a listing. */
export async function readListing(
  root: string,
  role: string,
): Promise<Map<string, TargetFile> | undefined> {
  const targets = await listedTargets(root, role);
  return targets === undefined ? undefined : new Map(targets);
}

/**
 * The start of a listing line in the layout `targets import` writes: a path without escapes,
 * the length, then the sha256 (what follows is not needed to compare hashes).
 */
const PATH_AND_SHA256 =
  // eslint-disable-next-line no-control-regex -- a JSON string without escapes: no control characters
  /^\{"path":"([^"\\\u0000-\u001f]*)","length":\d+,"hashes":\{"sha256":"([0-9a-f]{64})"/;

/**
 * Calls `onTarget(path, sha256)` for each listed target of a role, streamed: for deciding which
 * staged targets need no bytes, where the signed draft is the authority and the listing is only
 * compared with it. A listing this process already parsed is reused; otherwise a light parse
 * (one anchored regex per line in the layout targets import writes, JSON.parse for others, no
 * field checks). Nothing is kept: the caller keeps what it needs (a map of a million paths
 * sliced from the file's text would keep all of that text alive). False without a listing file.
 */
export async function forEachListedHash(
  root: string,
  role: string,
  onTarget: (path: string, sha256: string) => void,
): Promise<boolean> {
  const file = listingFile(root, role);
  const known = await stillParsed(file);
  if (known !== undefined) {
    for (const [path, target] of known.targets) onTarget(path, target.hashes.sha256 ?? '');
    return true;
  }
  try {
    await forEachLine(file, (text) => {
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
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return false;
    throw err;
  }
  return true;
}

function* listingChunks(targets: ReadonlyMap<string, TargetFile>): Generator<string> {
  const paths = [...targets.keys()].sort();
  let chunk = '';
  for (const path of paths) {
    const entry: ManifestEntry = { path, file: targets.get(path) as TargetFile };
    chunk += `${manifestLineOf(entry)}\n`;
    if (chunk.length >= 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** Writes a role's listing atomically, sorted by path (an empty map leaves an empty file). */
export async function writeListing(
  root: string,
  role: string,
  targets: ReadonlyMap<string, TargetFile>,
): Promise<void> {
  await writeFileAtomic(listingFile(root, role), listingChunks(targets));
}
