import { createHash } from 'node:crypto';
import { copyMap, filterMap, hasOwn, setOwn } from './build-own.js';
import { CeremonyError } from './errors.js';
import { checkVisibleName } from './terminal-text.js';
import type { TargetFile, TargetsSigned } from './model.js';

// Target edits on a targets (or delegated) role. Batches copy the target map once, so adding
// or removing n targets costs O(size + n), not O(size * n).

/** Length and sha256 of a target file's bytes (spec 4.5), with optional `custom` data. */
export function targetFileFor(bytes: Uint8Array, custom?: unknown): TargetFile {
  // Keys in sorted order (custom, hashes, length): the serializers then take their fast path.
  const hashes = { sha256: createHash('sha256').update(bytes).digest('hex') };
  return custom === undefined
    ? { hashes, length: bytes.length }
    : { custom, hashes, length: bytes.length };
}

/** A backslash, or an empty, `.` or `..` segment (one regex test per path: hot for big batches). */
const BAD_PATH = /\\|(?:^|\/)\.{0,2}(?:\/|$)/;

/**
 * Throws unless `path` is a relative target path with `/` separators and no empty, `.` or `..`
 * segments (spec 4.5: TARGETPATH is relative to the targets base URL).
 */
export function checkTargetPath(path: string): string {
  if (path === '' || BAD_PATH.test(path)) {
    throw new CeremonyError(
      'METADATA_INVALID',
      `target path ${JSON.stringify(path)} must be relative, with no empty, "." or ".." segments`,
    );
  }
  // A path holders read in review: no control, bidi or invisible character may disguise it.
  return checkVisibleName(path, 'target path', 'METADATA_INVALID');
}

/** The same map with its keys inserted in sorted order (O(n log n), once per batch). */
function sortedMap<V>(map: Record<string, V>): Record<string, V> {
  const keys = Object.keys(map);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++)
    sorted = (keys[i - 1] as string) < (keys[i] as string);
  if (sorted) return map;
  keys.sort();
  const out: Record<string, V> = {};
  for (const key of keys) setOwn(out, key, map[key] as V);
  return out;
}

/** A target entry with its own keys in sorted order (a shallow copy only when needed). */
function sortedEntry(file: TargetFile): TargetFile {
  let previous = '';
  for (const key in file) {
    if (!(previous < key)) return sortedMap<unknown>({ ...file }) as unknown as TargetFile;
    previous = key;
  }
  return file;
}

/** Adds or replaces targets in one pass (copying the target map once; paths kept sorted). */
export function addTargets(
  targets: TargetsSigned,
  entries: Iterable<readonly [string, TargetFile]>,
): TargetsSigned {
  const map = copyMap(targets.targets);
  for (const [path, file] of entries) setOwn(map, checkTargetPath(path), sortedEntry(file));
  return { ...targets, targets: sortedMap(map) };
}

/** Adds or replaces one target (for many, use addTargets: one copy per call). */
export function addTarget(targets: TargetsSigned, path: string, file: TargetFile): TargetsSigned {
  return addTargets(targets, [[path, file]]);
}

/** Removes targets in one pass; TARGET_NOT_FOUND names the first path that is not listed. */
export function removeTargets(targets: TargetsSigned, paths: Iterable<string>): TargetsSigned {
  const drop = new Set<string>();
  for (const path of paths) {
    if (!hasOwn(targets.targets, path)) {
      throw new CeremonyError('TARGET_NOT_FOUND', `target ${JSON.stringify(path)} is not listed`);
    }
    drop.add(path);
  }
  return { ...targets, targets: filterMap(targets.targets, (path) => !drop.has(path)) };
}
