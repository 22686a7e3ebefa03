import type { Plan } from '../ceremony/plan.js';
import { succinctRolesOf } from '../ceremony/target-routing.js';
import { BinnedListing, type ListingLookup } from './binned-listing.js';
import { listInputPaths, roleInputDir } from './target-inputs.js';
import { readListing, readListingFile } from './target-listings.js';
import { binListingDir } from './bin-listings.js';
import { pathExists } from './path-exists.js';

// Which targets role holds each target input, by file (input folders) or by listing
// (targets-listed/): read once per command, so checking a million paths costs a map lookup each.
// A bins delegation's listing is read bin by bin, as paths need it.

/** Every input of the given roles: file paths and listed targets, by role. */
export interface TargetOwners {
  files: Map<string, Set<string>>;
  listings: Map<string, ListingLookup>;
}

/** Where a path is an input: the role, and whether as a file or by listing. */
export interface TargetOwner {
  role: string;
  kind: 'file' | 'listed';
}

/** A role's listing to change: one file's map, or a bins delegation's listing bin by bin. */
async function changeableListing(
  root: string,
  plan: Plan,
  role: string,
): Promise<ListingLookup | undefined> {
  const delegation = plan.delegations.find((d) => d.name === role);
  const succinct = delegation ? succinctRolesOf(delegation) : undefined;
  if (succinct === undefined) return readListing(root, role);
  // The one-file listing of the layout before per-bin files is split on the first change (a
  // split stopped halfway left both: the bins' own files win, see BinnedListing).
  const single = await readListingFile(root, role);
  if (single === undefined && !(await pathExists(binListingDir(root, role)))) return undefined;
  return new BinnedListing(root, role, succinct, single);
}

/** Reads the input folders and listings of `roles` (plan roles). */
export async function readTargetOwners(
  root: string,
  plan: Plan,
  roles: readonly string[],
): Promise<TargetOwners> {
  const files = new Map<string, Set<string>>();
  const listings = new Map<string, ListingLookup>();
  for (const role of roles) {
    const paths = await listInputPaths(roleInputDir(root, role));
    if (paths !== undefined) files.set(role, new Set(paths));
    const listing = await changeableListing(root, plan, role);
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
