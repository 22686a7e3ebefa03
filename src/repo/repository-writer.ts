import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { checkRoleName } from '../metadata/build-delegations.js';
import type { SerializedRole } from '../metadata/build-meta.js';
import { checkTargetPath } from '../metadata/build-targets.js';
import { CeremonyError } from '../metadata/errors.js';
import { writeFileAtomic } from './atomic-write.js';

// Writes a repository: metadata files in `dir`, target files under `dir/targets`. Each file is
// written atomically with exactly the bytes that were hashed into snapshot/timestamp meta, in an
// order that never lets a reader see a timestamp pointing at missing files.

/** A target file to publish, with the bytes clients will download. */
export interface TargetFileWrite {
  /** Target path as listed in metadata, e.g. `apps/tool/v1.tar.gz`. */
  path: string;
  bytes: Uint8Array;
}

/** What to write; every part is optional except `roots` may be empty when roots are unchanged. */
export interface RepositoryContents {
  /** Whether root says consistent_snapshot (versioned names and hash-prefixed targets). */
  consistentSnapshot: boolean;
  /** Root versions to publish, oldest first: each as N.root.json, the newest also as root.json. */
  roots?: readonly SerializedRole[];
  targets?: SerializedRole;
  delegated?: readonly SerializedRole[];
  snapshot?: SerializedRole;
  timestamp?: SerializedRole;
  targetFiles?: readonly TargetFileWrite[];
}

/** The path (relative to the repository directory) a target file is published under. */
export function targetFileName(
  path: string,
  bytes: Uint8Array,
  consistentSnapshot: boolean,
): string {
  return targetFileNameFor(
    path,
    createHash('sha256').update(bytes).digest('hex'),
    consistentSnapshot,
  );
}

/** The path a target file with this sha256 is published under. */
export function targetFileNameFor(
  path: string,
  sha256: string,
  consistentSnapshot: boolean,
): string {
  checkTargetPath(path);
  if (!consistentSnapshot) return `targets/${path}`;
  const slash = path.lastIndexOf('/');
  // spec 5.7.3: with consistent snapshots a target is fetched as <dir>/<hash>.<basename>.
  return `targets/${path.slice(0, slash + 1)}${sha256}.${path.slice(slash + 1)}`;
}

/** The file name of a metadata role (N.<role>.json with consistent snapshots, timestamp plain). */
export function metadataFileName(role: SerializedRole, consistentSnapshot: boolean): string {
  if (role.name === 'timestamp') return 'timestamp.json';
  if (role.name !== 'targets' && role.name !== 'snapshot' && role.name !== 'root') {
    checkRoleName(role.name);
  }
  if (!Number.isSafeInteger(role.version) || role.version < 1) {
    throw new CeremonyError(
      'METADATA_INVALID',
      `${role.name}: version ${role.version} is not valid`,
    );
  }
  return consistentSnapshot ? `${role.version}.${role.name}.json` : `${role.name}.json`;
}

function expectName(role: SerializedRole | undefined, name: string): void {
  if (role && role.name !== name) {
    throw new CeremonyError('METADATA_INVALID', `expected the ${name} role, found ${role.name}`);
  }
}

/** The writes in order (relative path, bytes): targets, delegated, targets, snapshot, roots, timestamp. */
export function plannedWrites(contents: RepositoryContents): [string, Uint8Array][] {
  const cs = contents.consistentSnapshot;
  expectName(contents.targets, 'targets');
  expectName(contents.snapshot, 'snapshot');
  expectName(contents.timestamp, 'timestamp');
  const writes: [string, Uint8Array][] = [];
  for (const t of contents.targetFiles ?? [])
    writes.push([targetFileName(t.path, t.bytes, cs), t.bytes]);
  for (const role of contents.delegated ?? [])
    writes.push([metadataFileName(role, cs), role.file.bytes]);
  if (contents.targets)
    writes.push([metadataFileName(contents.targets, cs), contents.targets.file.bytes]);
  if (contents.snapshot)
    writes.push([metadataFileName(contents.snapshot, cs), contents.snapshot.file.bytes]);
  const roots = contents.roots ?? [];
  let previous = 0;
  for (const root of roots) {
    expectName(root, 'root');
    if (root.version <= previous) {
      throw new CeremonyError(
        'METADATA_INVALID',
        `roots must be listed oldest first (${root.version} after ${previous})`,
      );
    }
    previous = root.version;
    // spec 5.3: every root version stays published as N.root.json, whatever consistent_snapshot says.
    writes.push([metadataFileName(root, true), root.file.bytes]);
  }
  const newest = roots[roots.length - 1];
  if (newest) writes.push(['root.json', newest.file.bytes]);
  if (contents.timestamp)
    writes.push([metadataFileName(contents.timestamp, cs), contents.timestamp.file.bytes]);
  const seen = new Set<string>();
  for (const [name] of writes) {
    if (seen.has(name))
      throw new CeremonyError('METADATA_INVALID', `${name} would be written twice`);
    seen.add(name);
  }
  return writes;
}

/** Writes the contents into `dir` atomically, file by file, in a safe order; returns the paths written. */
export async function writeRepository(
  dir: string,
  contents: RepositoryContents,
): Promise<string[]> {
  const writes = plannedWrites(contents);
  for (const [name, bytes] of writes) await writeFileAtomic(join(dir, name), bytes);
  return writes.map(([name]) => name);
}
