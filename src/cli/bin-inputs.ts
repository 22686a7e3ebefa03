import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pathExists } from '../repo/path-exists.js';
import type { BinInputs, KnownBin, PlannedRole } from '../ceremony/next-versions.js';
import { succinctRolesOf } from '../ceremony/target-routing.js';
import { allBinNames, binForPath } from '../metadata/delegation.js';
import type { SuccinctRoles, TargetFile } from '../metadata/model.js';
import {
  binListingDir,
  listedBins,
  parseBinListing,
  readBinListingBytes,
} from '../repo/bin-listings.js';
import type { BinFact, BinRecord } from '../repo/bin-record.js';
import { listInputPaths, roleInputDir } from '../repo/target-inputs.js';
import { listingFile } from '../repo/target-listings.js';
import type { LoadedCeremony } from './ceremony-context.js';
import type { StagedDraft } from '../ceremony/staging.js';

// Planning's inputs of a bins delegation whose listing is kept per bin and which has no input
// folder: each bin read from its own listing file, except bins this machine's record (bin-record.ts)
// knows to list exactly their published targets. Those are neither read nor parsed, so staging
// one more target of a million reads one bin's listing and parses one published bin.

/** One bins delegation's inputs bin by bin, with the sha256 of each bin's listing file. */
export interface DelegationBins {
  succinct: SuccinctRoles;
  inputs: BinInputs;
  /** sha256 of each bin's listing file ('' without one), every bin of the delegation. */
  listings: Map<string, string>;
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The sha256 of the plan file: bin facts hold only under the plan they were found with. */
export async function planFileSha256(loaded: LoadedCeremony): Promise<string> {
  return createHash('sha256')
    .update(await readFile(loaded.paths.plan))
    .digest('hex');
}

/**
 * The bins delegations planned bin by bin, with the bins that have a listing file: listing kept
 * per bin, no one-file listing beside it (the whole-listing reader refuses that, with advice),
 * no input folder.
 */
export async function binByBinDelegations(
  loaded: LoadedCeremony,
): Promise<Map<string, { succinct: SuccinctRoles; listed: Set<string> }>> {
  const root = loaded.paths.root;
  const out = new Map<string, { succinct: SuccinctRoles; listed: Set<string> }>();
  for (const d of loaded.plan.delegations) {
    const succinct = succinctRolesOf(d);
    if (succinct === undefined) continue;
    const bins = await listedBins(root, d.name, succinct);
    if (bins === undefined) continue;
    if ((await listInputPaths(roleInputDir(root, d.name)))?.length) continue;
    if (await pathExists(listingFile(root, d.name))) continue;
    out.set(d.name, { succinct, listed: new Set(bins) });
  }
  return out;
}

/**
 * Reads the bins of the delegations binByBinDelegations chose. `record` (this machine's facts,
 * for this plan file) lets unchanged bins go unread; `otherPaths` are the inputs of every other
 * targets role, whose bins are read anyway (a path must not be an input of two roles, spec
 * 5.6.7).
 */
export async function readBinInputs(
  loaded: LoadedCeremony,
  chosen: ReadonlyMap<string, { succinct: SuccinctRoles; listed: ReadonlySet<string> }>,
  record: BinRecord | undefined,
  otherPaths: readonly string[],
  hashed: ReadonlyMap<string, string> = new Map(),
): Promise<Map<string, DelegationBins>> {
  const root = loaded.paths.root;
  const out = new Map<string, DelegationBins>();
  for (const [name, { succinct, listed }] of chosen) {
    const mustRead = new Set(otherPaths.map((p) => binForPath(succinct, p)));
    const read = new Map<string, Record<string, TargetFile>>();
    const samePublished = new Map<string, KnownBin>();
    const listings = new Map<string, string>();
    // What binListingFile gives, the folder joined once: a bin name holds no separator.
    const dir = binListingDir(root, name);
    for (const bin of allBinNames(succinct)) {
      const file = `${dir}/${bin}.jsonl`;
      // The digest of the planning inputs hashed every listing file just before: a bin whose
      // fact matches that hash is not read again.
      let bytes: Buffer | undefined;
      let listing = listed.has(bin) ? hashed.get(file) : '';
      if (listing === undefined) {
        bytes = await readBinListingBytes(root, name, bin);
        listing = bytes ? sha256Of(bytes) : '';
      }
      listings.set(bin, listing);
      const fact = record?.bins.get(bin);
      const published = loaded.published.delegated.get(bin)?.file.sha256;
      if (
        fact?.published !== undefined &&
        fact.published === published &&
        fact.listing === listing &&
        !mustRead.has(bin)
      ) {
        samePublished.set(bin, { version: fact.version, expires: fact.expires });
        continue;
      }
      if (!listed.has(bin)) continue;
      bytes ??= await readBinListingBytes(root, name, bin);
      if (bytes === undefined) continue;
      // The fact staging records is of the bytes parsed here.
      listings.set(bin, sha256Of(bytes));
      const targets = parseBinListing(bytes.toString('utf8'), file, succinct, bin);
      const asRecord = Object.create(null) as Record<string, TargetFile>;
      for (const [path, target] of targets) asRecord[path] = target;
      read.set(bin, asRecord);
    }
    out.set(name, { succinct, inputs: { read, samePublished }, listings });
  }
  return out;
}

/**
 * The facts staging found: a bin left alone lists exactly its published targets; a staged bin
 * is the draft planned from its listing (finalize records the published file, publishedBins).
 */
export function stagedBinFacts(
  loaded: LoadedCeremony,
  given: ReadonlyMap<string, DelegationBins>,
  planned: readonly PlannedRole[],
  drafts: readonly StagedDraft[],
  previous: BinRecord | undefined,
  plan: string,
): BinRecord {
  const staged = new Map(drafts.map((d) => [d.role, d]));
  const plannedRoles = new Set(planned.map((p) => p.role));
  const bins = new Map<string, BinFact>();
  for (const { listings } of given.values()) {
    for (const [bin, listing] of listings) {
      const draft = staged.get(bin);
      if (draft !== undefined) {
        const { version, expires } = draft.metadata.signed;
        bins.set(bin, { listing, draft: draft.sha256, version, expires });
        continue;
      }
      if (plannedRoles.has(bin)) continue;
      const published = loaded.published.delegated.get(bin);
      if (published === undefined) continue;
      const known = previous?.bins.get(bin);
      // Unread bins keep their fact; a bin read and left alone is parsed already.
      const { version, expires } =
        known?.published === published.file.sha256 && known.listing === listing
          ? known
          : published.metadata.signed;
      bins.set(bin, { listing, published: published.file.sha256, version, expires });
    }
  }
  return { plan, bins };
}

/** The record after finalize wrote `written` (bin -> sha256 of the file it published). */
export function publishedBinFacts(
  record: BinRecord,
  drafts: ReadonlyMap<string, { sha256: string }>,
  written: ReadonlyMap<string, string>,
): BinRecord {
  const bins = new Map(record.bins);
  for (const [bin, fact] of record.bins) {
    const file = written.get(bin);
    if (fact.draft === undefined || file === undefined) continue;
    if (drafts.get(bin)?.sha256 !== fact.draft) continue;
    bins.set(bin, {
      listing: fact.listing,
      published: file,
      version: fact.version,
      expires: fact.expires,
    });
  }
  return { plan: record.plan, bins };
}

/** The sha256 of the published bins planning read and found free of delegations. */
export function delegationFreeRead(
  loaded: LoadedCeremony,
  given: ReadonlyMap<string, DelegationBins>,
): string[] {
  const out: string[] = [];
  for (const { inputs } of given.values())
    for (const bin of inputs.read.keys()) {
      const published = loaded.published.delegated.get(bin);
      if (published !== undefined && published.metadata.signed.delegations === undefined)
        out.push(published.file.sha256);
    }
  return out;
}
