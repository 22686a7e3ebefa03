import { createHash } from 'node:crypto';
import { copyMap, filterMap, hasOwn, setOwn } from './build-own.js';
import { CeremonyError } from './errors.js';
import type { TargetFile, TargetsSigned } from './model.js';

// Target edits on a targets (or delegated) role. Batches copy the target map once, so adding
// or removing n targets costs O(size + n), not O(size * n).

/** Length and sha256 of a target file's bytes (spec 4.5), with optional `custom` data. */
export function targetFileFor(bytes: Uint8Array, custom?: unknown): TargetFile {
  const file: TargetFile = {
    length: bytes.length,
    hashes: { sha256: createHash('sha256').update(bytes).digest('hex') },
  };
  if (custom !== undefined) file.custom = custom;
  return file;
}

/**
 * Throws unless `path` is a relative target path with `/` separators and no empty, `.` or `..`
 * segments (spec 4.5: TARGETPATH is relative to the targets base URL).
 */
export function checkTargetPath(path: string): string {
  const bad =
    path.length === 0 ||
    path.includes('\\') ||
    path.split('/').some((part) => part === '' || part === '.' || part === '..');
  if (bad) {
    throw new CeremonyError(
      'METADATA_INVALID',
      `target path ${JSON.stringify(path)} must be relative, with no empty, "." or ".." segments`,
    );
  }
  return path;
}

/** Adds or replaces targets in one pass (copying the target map once). */
export function addTargets(
  targets: TargetsSigned,
  entries: Iterable<readonly [string, TargetFile]>,
): TargetsSigned {
  const map = copyMap(targets.targets);
  for (const [path, file] of entries) setOwn(map, checkTargetPath(path), file);
  return { ...targets, targets: map };
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
