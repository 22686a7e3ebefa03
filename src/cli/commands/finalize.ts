import { join } from 'node:path';
import { assembleRelease, assertReady, type Release } from '../../ceremony/release.js';
import { inputRoleOf } from '../../ceremony/target-routing.js';
import type { VerifyReport } from '../../metadata/client/index.js';
import type { KnownMetadata } from '../../metadata/client/source.js';
import type { StagedDraft } from '../../ceremony/staging.js';
import { sha256Hex } from '../../metadata/bytes.js';
import { CeremonyError } from '../../metadata/errors.js';
import type { RootSigned, TargetFile } from '../../metadata/model.js';
import { hasOwn } from '../../metadata/build-own.js';
import { canonicalBytes } from '../../metadata/canonical.js';
import { writeFileAtomic } from '../../repo/atomic-write.js';
import { plannedWrites, targetFileNameFor } from '../../repo/repository-writer.js';
import { checkTargetInput, publishTargetInput } from '../../repo/target-inputs.js';
import {
  forEachBinListedHash,
  forEachListedHash,
  keepsBinListings,
} from '../../repo/target-listings.js';
import { binRecordsDir, readBinRecord, writeBinRecord } from '../../repo/bin-record.js';
import { publishedBinFacts } from '../bin-inputs.js';
import { recordDelegationFree } from '../../repo/delegation-free.js';
import { toolCacheDir } from '../../repo/tool-cache.js';
import { writeFilesDurably } from '../../repo/durable-batch.js';
import { count, seconds, startProgress } from '../progress.js';
import { clearStaging } from '../../repo/staging-store.js';
import {
  boolFlag,
  JSON_OPTION,
  type Command,
  type CommandContext,
  type ParsedArgs,
} from '../command.js';
import {
  DIR_OPTION,
  ceremonyDir,
  loadCeremony,
  loadPlan,
  requireStaging,
  statusOf,
  type LoadedCeremony,
} from '../ceremony-context.js';
import { crashPoint } from '../crash-points.js';
import { loadReleaseRecords, verifyRelease } from '../finalize-check.js';
import { SECRET_OPTIONS } from '../secrets.js';
import { onlineSigners } from '../online-signers.js';
import { KeysOpenedAhead } from '../keys-ahead.js';
import type { EnrolledKey } from '../../ceremony/enrolled-key.js';
import { holdersOf } from '../../ceremony/plan.js';
import { loadEnrolledKeys } from '../../repo/enrolled-keys-store.js';
import { signerLines } from '../status-text.js';
import { isFinalized, lastFinalizedCeremony, recordEvent, writeSummary } from '../transcript.js';
import { repairSignatureEvents } from '../transcript-repair.js';

/**
 * True when every staged role is already in the published repository at its staged version with
 * exactly the staged content (a finalize published it, then stopped before clearing staged/).
 */
function alreadyPublished(loaded: LoadedCeremony): boolean {
  const staging = requireStaging(loaded);
  // The repository as this command loaded it (a second load would read 16,384 bins again).
  const current = loaded.published;
  return staging.ceremony.roles.every((role) => {
    const draft = staging.drafts.get(role);
    if (!draft) return false;
    const version = draft.metadata.signed.version;
    const published =
      role === 'root'
        ? current.roots.get(version)
        : role === 'targets'
          ? current.targets
          : current.delegated.get(role);
    return (
      published !== undefined &&
      published.metadata.signed.version === version &&
      sha256Hex(canonicalBytes(published.metadata.signed)) === draft.sha256
    );
  });
}

/** A target file a staged role adds or changes: its path, listing and input role. */
interface NewTarget {
  path: string;
  info: TargetFile;
  inputRole: string;
}

/**
 * Every target each staged targets-type role (top-level, delegated, bins) adds or changes, to be
 * copied from that role's input folder (and checked against its draft) as it is published.
 */
async function newTargetFiles(
  loaded: LoadedCeremony,
): Promise<{ files: NewTarget[]; listedOnly: number }> {
  // Changed targets by input role and path: the paths are the drafts' own strings, so a million
  // of them cost map entries only.
  const changed = new Map<string, Map<string, NewTarget[]>>();
  const stagedRoles = new Map<string, string[]>();
  const out: NewTarget[] = [];
  const seen = new Set<string>();
  const add = (t: NewTarget): void => {
    const key = `${t.path}\0${t.info.hashes.sha256 ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(t);
  };
  // A target known only by listing is published in metadata only: no bytes to copy.
  let listedOnly = 0;
  const perBin = new Map<string, boolean>();
  for (const [role, draft] of requireStaging(loaded).drafts) {
    if (draft.metadata.signed._type !== 'targets') continue;
    const inputRole = inputRoleOf(loaded.plan, role);
    const published =
      role === 'targets' ? loaded.published.targets : loaded.published.delegated.get(role);
    const before = published?.metadata.signed.targets ?? {};
    const targets = draft.metadata.signed.targets;
    // A bin of a delegation whose listing is kept per bin is compared with that bin's listing
    // alone, right away: no map of every bin's targets (a million paths) is built.
    let binned = false;
    if (inputRole !== undefined && inputRole !== role) {
      binned = perBin.get(inputRole) ?? (await keepsBinListings(loaded.paths.root, inputRole));
      perBin.set(inputRole, binned);
    }
    if (inputRole !== undefined && !binned) {
      const roles = stagedRoles.get(inputRole);
      if (roles === undefined) stagedRoles.set(inputRole, [role]);
      else roles.push(role);
    }
    let byPath = inputRole === undefined || binned ? undefined : changed.get(inputRole);
    const mine = new Map<string, TargetFile>();
    // One pass over the keys (no entry pairs, no await per target: 100,000 targets and more).
    for (const path of Object.keys(targets)) {
      const info = targets[path] as TargetFile;
      if (hasOwn(before, path) && before[path]?.hashes.sha256 === info.hashes.sha256) continue;
      if (inputRole === undefined)
        throw new CeremonyError(
          'STATE_INVALID',
          `staged/${role}.json: lists new target ${path} but ${loaded.plan.file} has no role ${role} to read it from`,
        );
      if (binned) {
        mine.set(path, info);
        continue;
      }
      if (byPath === undefined) {
        byPath = new Map();
        changed.set(inputRole, byPath);
      }
      const same = byPath.get(path);
      if (same === undefined) byPath.set(path, [{ path, info, inputRole }]);
      else same.push({ path, info, inputRole });
    }
    if (!binned || inputRole === undefined || mine.size === 0) continue;
    forEachBinListedHash(loaded.paths.root, inputRole, role, (path, sha256) => {
      if (mine.get(path)?.hashes.sha256 !== sha256) return;
      mine.delete(path);
      listedOnly++;
    });
    for (const [path, info] of mine) add({ path, info, inputRole });
  }
  for (const [inputRole, byPath] of changed) {
    const bins = stagedRoles.get(inputRole);
    await forEachListedHash(
      loaded.paths.root,
      inputRole,
      (path, sha256) => {
        const same = byPath.get(path);
        if (same === undefined) return;
        const rest = same.filter((t) => t.info.hashes.sha256 !== sha256);
        listedOnly += same.length - rest.length;
        if (rest.length === 0) byPath.delete(path);
        else byPath.set(path, rest);
      },
      bins?.every((r) => r !== inputRole) === true ? bins : undefined,
    );
  }
  for (const byPath of changed.values()) for (const same of byPath.values()) same.forEach(add);
  return { files: out, listedOnly };
}

/**
 * The staged targets-type roles of a release with the metadata and canonical bytes they were
 * serialized from (canonicalized once, at load): the client check of the release then verifies
 * their signatures, versions, hashes and expiry without parsing and canonicalizing them again.
 */
function knownForms(
  release: Release,
  drafts: ReadonlyMap<string, StagedDraft>,
): Map<Uint8Array, KnownMetadata> {
  const out = new Map<Uint8Array, KnownMetadata>();
  for (const role of [...(release.targets ? [release.targets] : []), ...release.delegated]) {
    const draft = drafts.get(role.name);
    if (draft && role.metadata?.signed === draft.metadata.signed)
      out.set(role.file.bytes, { metadata: role.metadata, canonical: draft.canonical });
  }
  // Snapshot and timestamp were signed by this finalize over these canonical bytes.
  for (const role of [release.snapshot, release.timestamp])
    if (role?.metadata !== undefined && role.canonical !== undefined)
      out.set(role.file.bytes, { metadata: role.metadata, canonical: role.canonical });
  return out;
}

/** Names written last, after everything else is durable: they point at the rest. */
const POINTERS = new Set(['root.json', 'timestamp.json']);

/**
 * Writes the release: every target file and metadata file first (renamed into place, then one
 * sync of the file system), then root.json and timestamp.json (each atomic and synced), so a
 * client never sees a timestamp pointing at files that are not on disk; killed at any moment,
 * the repository is the old one as clients see it and a rerun publishes again.
 */
async function writeRelease(
  ctx: CommandContext,
  repoDir: string,
  writes: readonly [string, Uint8Array][],
): Promise<number> {
  const progress = startProgress(ctx, 'finalize', writes.length, 'files');
  const batch = writes.filter(([name]) => !POINTERS.has(name));
  const crashAt = Math.min(Math.floor(writes.length / 2), batch.length - 1);
  await writeFilesDurably(
    repoDir,
    batch.map(([name, bytes]) => [join(repoDir, name), bytes] as const),
    {
      onFile: () => {
        progress.tick();
      },
      afterFile: (i) => {
        if (i === crashAt) crashPoint('finalize:mid-write');
      },
    },
  );
  for (const [name, bytes] of writes) {
    if (!POINTERS.has(name)) continue;
    await writeFileAtomic(join(repoDir, name), bytes);
    progress.tick();
  }
  return progress.finish();
}

/** This machine's bin facts (bin-record.ts): each staged bin draft is now this published file. */
async function recordPublishedBins(
  ctx: CommandContext,
  loaded: LoadedCeremony,
  release: Release,
): Promise<void> {
  const free = release.delegated.filter(
    (r) => r.metadata !== undefined && !('delegations' in r.metadata.signed),
  );
  await recordDelegationFree(
    toolCacheDir(ctx.env),
    free.map((r) => r.file.sha256),
  );
  const dir = binRecordsDir(ctx.env);
  const record = await readBinRecord(dir, loaded.paths.root);
  if (record.bins.size === 0) return;
  const written = new Map(release.delegated.map((r) => [r.name, r.file.sha256]));
  const facts = publishedBinFacts(record, requireStaging(loaded).drafts, written);
  await writeBinRecord(dir, loaded.paths.root, facts);
}

function firstRootBytes(loaded: LoadedCeremony, release: Release | undefined): Uint8Array {
  const published = loaded.published.roots.get(1)?.file.bytes;
  const staged = release?.roots.find((r) => r.version === 1)?.file.bytes;
  const bytes = published ?? staged;
  if (!bytes)
    throw new CeremonyError('FILE_MISSING', `${loaded.paths.repository}: 1.root.json is missing`);
  return bytes;
}

function summarize(ctx: CommandContext, report: VerifyReport): void {
  ctx.out(`verified as a client: ${report.roles.map((r) => `${r.name} v${r.version}`).join(', ')}`);
}

/** `tuf-ceremony finalize`: publishes the staged roles once every threshold is met. */
export const finalizeCommand: Command = {
  name: 'finalize',
  examples: [
    'tuf-ceremony finalize --passphrase-env ONLINE_PASS',
    'tuf-ceremony finalize --json --passphrase-env ONLINE_PASS',
  ],
  summary:
    'publish the staged roles into repository/ (refuses below threshold), sign snapshot and timestamp online, verify',
  usage: 'tuf-ceremony finalize [--dir DIR] [--passphrase-env VAR | --pin-env VAR] [--json]',
  options: { ...DIR_OPTION, ...SECRET_OPTIONS, ...JSON_OPTION },
  reusesSignatureChecks: true,
  async run(outer, args) {
    const json = boolFlag(args, 'json');
    // In JSON mode the text lines go nowhere: stdout carries one JSON document.
    const ctx: CommandContext = json ? { ...outer, out: () => undefined, progress: false } : outer;
    const result: FinalizeResult = (ceremony, outcome, report, files) => {
      if (!json) return;
      const roles = (report?.roles ?? []).map((r) => ({ role: r.name, version: r.version }));
      outer.out(JSON.stringify({ ceremony, outcome, roles, files }, null, 2));
    };
    const dir = ceremonyDir(ctx, args);
    const ahead = await KeysOpenedAhead.start(ctx, args, await onlineKeysOfPlan(dir), undefined);
    try {
      return await finalizeStaged(ctx, args, dir, ahead, result);
    } finally {
      await ahead.closeRest();
    }
  },
};

/** The active enrolled keys of the plan's snapshot and timestamp holders (unlocked ahead). */
async function onlineKeysOfPlan(dir: string): Promise<EnrolledKey[]> {
  const { paths, plan } = await loadPlan(dir);
  const holders = new Set([...holdersOf(plan, 'snapshot'), ...holdersOf(plan, 'timestamp')]);
  return (await loadEnrolledKeys(paths)).keys.filter((k) => holders.has(k.holder));
}

/** How finalize reports its outcome in JSON mode. */
type FinalizeResult = (
  ceremony: string,
  outcome: 'published' | 'resumed' | 'already-finalized',
  report: VerifyReport | undefined,
  files: Record<string, string>,
) => void;

/** Publishes the staged ceremony in `dir` (or finishes one that was interrupted). */
async function finalizeStaged(
  ctx: CommandContext,
  args: ParsedArgs,
  dir: string,
  ahead: KeysOpenedAhead,
  result: FinalizeResult,
): Promise<number> {
  const loaded = await loadCeremony(dir);
  if (!loaded.staging) {
    // A finalize killed while clearing staged/ had finished its work: nothing is left to do.
    const done = await lastFinalizedCeremony(loaded.paths);
    if (done !== undefined) {
      ctx.out(`ceremony ${done} is finalized; nothing is staged`);
      result(done, 'already-finalized', undefined, {});
      return 0;
    }
  }
  const staging = requireStaging(loaded);
  await repairSignatureEvents(ctx, loaded);
  const repoDir = loaded.paths.repository;
  const now = ctx.now();
  if (alreadyPublished(loaded)) {
    // An earlier finalize published everything and stopped before clearing staged/: finish it.
    const report = await verifyRelease(
      ctx,
      { trustedRoot: firstRootBytes(loaded, undefined), now },
      { repoDir, published: loaded.published, writes: [] },
    );
    summarize(ctx, report);
    if (!(await isFinalized(loaded.paths, staging.ceremony.id))) {
      await recordEvent(
        loaded.paths,
        'coordinator',
        now,
        'ceremony.finalized',
        staging.ceremony.id,
        { resumed: true },
      );
    }
    await writeSummary(loaded.paths, staging.ceremony.id, loaded.plan);
    await clearStaging(loaded.paths);
    ctx.out(`ceremony ${staging.ceremony.id} was already published; staging cleared`);
    result(staging.ceremony.id, 'resumed', report, {});
    return 0;
  }
  const status = statusOf(loaded);
  const rootDraft = staging.drafts.get('root');
  const root = (rootDraft?.metadata.signed ?? loaded.published.root?.metadata.signed) as
    RootSigned | undefined;
  if (!root) throw new CeremonyError('STATE_INVALID', 'no root is staged or published');
  assertReady(status);
  for (const line of signerLines(status)) ctx.out(line);
  // Read while the online key unlocks (the records never reject: a bad one reads as empty).
  const records = loadReleaseRecords(ctx, repoDir, loaded.published);
  const signers = await onlineSigners(ctx, args, loaded, root, undefined, ahead);
  let release: Release;
  try {
    release = await assembleRelease({
      plan: loaded.plan,
      drafts: staging.drafts,
      holders: staging.holders,
      status,
      published: loaded.published,
      now,
      snapshotSigners: signers.snapshot,
      timestampSigners: signers.timestamp,
    });
  } finally {
    for (const s of signers.all) await s.close();
  }
  const { files: targetFiles, listedOnly } = await newTargetFiles(loaded);
  // Every input checked before a byte is published: a changed one writes nothing.
  for (const t of targetFiles)
    await checkTargetInput(loaded.paths.root, t.path, t.info, t.inputRole);
  const writes = plannedWrites(release);
  // Check the release with the client workflow before a byte of it is published.
  const report = await verifyRelease(
    ctx,
    { trustedRoot: firstRootBytes(loaded, release), trustedRootName: '1.root.json', now },
    { repoDir, published: loaded.published, writes, known: knownForms(release, staging.drafts) },
    records,
  );
  // Targets first (metadata that lists a target never lands before it), copied as streams.
  const files: Record<string, string> = {};
  for (const t of targetFiles) {
    const sha256 = t.info.hashes.sha256 ?? '';
    const name = targetFileNameFor(t.path, sha256, release.consistentSnapshot);
    await publishTargetInput(loaded.paths.root, t.path, t.info, t.inputRole, join(repoDir, name));
    files[name] = sha256;
  }
  const ms = await writeRelease(ctx, repoDir, writes);
  crashPoint('finalize:after-write');
  await recordPublishedBins(ctx, loaded, release);
  for (const [name, bytes] of writes) files[name] = sha256Hex(bytes);
  await recordEvent(loaded.paths, 'coordinator', now, 'ceremony.finalized', staging.ceremony.id, {
    files,
  });
  crashPoint('finalize:after-event');
  await writeSummary(loaded.paths, staging.ceremony.id, loaded.plan);
  await clearStaging(loaded.paths);
  summarize(ctx, report);
  const metadataOnly =
    listedOnly > 0 ? ` (${count(listedOnly)} target(s) known only by listing: metadata only)` : '';
  ctx.out(
    `published ${count(writes.length + targetFiles.length)} file(s) into ${repoDir} in ${seconds(ms)}${metadataOnly}`,
  );
  result(staging.ceremony.id, 'published', report, files);
  return 0;
}
