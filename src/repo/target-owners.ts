import type { TargetFile } from '../metadata/model.js';
import { listInputPaths, roleInputDir } from './target-inputs.js';
import { readListing } from './target-listings.js';

// Which targets role holds each target input, by file (input folders) or by listing
// (targets-listed/): read once per command, so checking a million paths costs a map lookup each.

/** Every input of the given roles: file paths and listed targets, by role. */
export interface TargetOwners {
  files: Map<string, Set<string>>;
  listings: Map<string, Map<string, TargetFile>>;
}

/** Where a path is an input: the role, and whether as a file or by listing. */
export interface TargetOwner {
  role: string;
  kind: 'file' | 'listed';
}

/** Reads the input folders and listings of `roles`. */
export async function readTargetOwners(
  root: string,
  roles: readonly string[],
): Promise<TargetOwners> {
  const files = new Map<string, Set<string>>();
  const listings = new Map<string, Map<string, TargetFile>>();
  for (const role of roles) {
    const paths = await listInputPaths(roleInputDir(root, role));
    if (paths !== undefined) files.set(role, new Set(paths));
    const listing = await readListing(root, role);
    if (listing !== undefined) listings.set(role, listing);
  }
  return { files, listings };
}

/** Every role holding `path` as an input. */
export function ownersOf(owners: TargetOwners, path: string): TargetOwner[] {
  const out: TargetOwner[] = [];
  for (const [role, paths] of owners.files) if (paths.has(path)) out.push({ role, kind: 'file' });
  for (const [role, listing] of owners.listings)
    if (listing.has(path)) out.push({ role, kind: 'listed' });
  return out;
}
