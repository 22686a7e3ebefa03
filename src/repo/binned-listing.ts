import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { binForPath } from '../metadata/delegation.js';
import type { SuccinctRoles, TargetFile } from '../metadata/model.js';
import { syncDirectory } from './atomic-write.js';
import { readBinListingSync, writeBinListings } from './bin-listings.js';
import { LISTED_TARGETS_DIR } from './listing-text.js';

// A bins delegation's listing as `targets import` and `targets remove` change it: each bin's file
// is read when a path first needs it, and only the bins that changed are written back. A listing
// still kept in one file (targets-listed/<delegation>.jsonl, the layout before per-bin files) is
// split by bin on the first change, then removed.

/** Listed targets looked up by path (a role's whole listing, or one read bin by bin). */
export interface ListingLookup {
  has(path: string): boolean;
  get(path: string): TargetFile | undefined;
}

/** A bins delegation's listing, read and changed bin by bin. */
export class BinnedListing implements ListingLookup {
  private readonly bins = new Map<string, Map<string, TargetFile>>();
  private readonly changed = new Set<string>();

  /**
   * `single`: the delegation's listing from its one file, when it still has one; each of its
   * targets joins its bin unless that bin's own file (a split that was stopped) lists it already.
   */
  constructor(
    private readonly root: string,
    private readonly role: string,
    private readonly succinct: SuccinctRoles,
    private readonly single?: ReadonlyMap<string, TargetFile>,
  ) {
    for (const [path, target] of single ?? []) {
      const bin = binForPath(succinct, path);
      const targets = this.bin(bin);
      if (!targets.has(path)) targets.set(path, target);
      this.changed.add(bin);
    }
  }

  private bin(bin: string): Map<string, TargetFile> {
    let targets = this.bins.get(bin);
    if (targets === undefined) {
      targets = readBinListingSync(this.root, this.role, this.succinct, bin) ?? new Map();
      this.bins.set(bin, targets);
    }
    return targets;
  }

  /** True when the listing has `path`. */
  has(path: string): boolean {
    return this.bin(binForPath(this.succinct, path)).has(path);
  }

  /** The listed target at `path`. */
  get(path: string): TargetFile | undefined {
    return this.bin(binForPath(this.succinct, path)).get(path);
  }

  /** Adds or replaces a target (`bin`: the bin its path hashes into, when known already). */
  set(path: string, target: TargetFile, bin = binForPath(this.succinct, path)): void {
    this.bin(bin).set(path, target);
    this.changed.add(bin);
  }

  /** Removes a target. */
  delete(path: string): void {
    const bin = binForPath(this.succinct, path);
    if (this.bin(bin).delete(path)) this.changed.add(bin);
  }

  /** Writes the changed bins (one durable batch), then removes the old one-file listing. */
  async write(): Promise<number> {
    const bins = new Map([...this.changed].sort().map((b) => [b, this.bin(b)] as const));
    await writeBinListings(this.root, this.role, bins);
    // An empty one-file listing with nothing added stays: no bin file would keep the listing.
    if (this.single !== undefined && bins.size > 0) {
      await rm(join(this.root, LISTED_TARGETS_DIR, `${this.role}.jsonl`), { force: true });
      await syncDirectory(join(this.root, LISTED_TARGETS_DIR));
    }
    return bins.size;
  }
}
