import { join } from 'node:path';
import { assembleRelease, assertReady, type Release } from '../../ceremony/release.js';
import { inputRoleOf } from '../../ceremony/target-routing.js';
import { verifyRepository, type VerifyReport } from '../../metadata/client/index.js';
import { sha256Hex } from '../../metadata/bytes.js';
import { CeremonyError } from '../../metadata/errors.js';
import type { RootSigned, TargetFile } from '../../metadata/model.js';
import { hasOwn } from '../../metadata/build-own.js';
import { canonicalBytes } from '../../metadata/canonical.js';
import { loadPublishedRepo } from '../../repo/published-loader.js';
import { writeFileAtomic } from '../../repo/atomic-write.js';
import { OverlaySource } from '../../repo/overlay-source.js';
import { plannedWrites, targetFileNameFor } from '../../repo/repository-writer.js';
import { checkTargetInput, publishTargetInput } from '../../repo/target-inputs.js';
import { DirectorySource } from '../../repo/source-directory.js';
import { clearStaging } from '../../repo/staging-store.js';
import { type Command, type CommandContext } from '../command.js';
import {
  DIR_OPTION,
  ceremonyDir,
  loadCeremony,
  requireStaging,
  statusOf,
  type LoadedCeremony,
} from '../ceremony-context.js';
import { crashPoint } from '../crash-points.js';
import { SECRET_OPTIONS } from '../key-access.js';
import { onlineSigners } from '../online-signers.js';
import { signerLines } from '../status-text.js';
import { isFinalized, lastFinalizedCeremony, recordEvent, writeSummary } from '../transcript.js';
import { repairSignatureEvents } from '../transcript-repair.js';

/**
 * True when every staged role is already in the published repository at its staged version with
 * exactly the staged content (a finalize published it, then stopped before clearing staged/).
 */
async function alreadyPublished(loaded: LoadedCeremony): Promise<boolean> {
  const staging = requireStaging(loaded);
  const current = await loadPublishedRepo(loaded.paths.repository);
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
function newTargetFiles(loaded: LoadedCeremony): NewTarget[] {
  const out: NewTarget[] = [];
  const seen = new Set<string>();
  for (const [role, draft] of requireStaging(loaded).drafts) {
    if (draft.metadata.signed._type !== 'targets') continue;
    const published =
      role === 'targets' ? loaded.published.targets : loaded.published.delegated.get(role);
    const before = published?.metadata.signed.targets ?? {};
    const inputRole = inputRoleOf(loaded.plan, role);
    for (const [path, info] of Object.entries(draft.metadata.signed.targets)) {
      if (hasOwn(before, path) && before[path]?.hashes.sha256 === info.hashes.sha256) continue;
      const key = `${path}\0${info.hashes.sha256 ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (inputRole === undefined)
        throw new CeremonyError(
          'STATE_INVALID',
          `staged/${role}.json: lists new target ${path} but ${loaded.plan.file} has no role ${role} to read it from`,
        );
      out.push({ path, info, inputRole });
    }
  }
  return out;
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
  usage: 'tuf-ceremony finalize [--dir DIR] [--passphrase-env VAR | --pin-env VAR]',
  options: { ...DIR_OPTION, ...SECRET_OPTIONS },
  async run(ctx, args) {
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    if (!loaded.staging) {
      // A finalize killed while clearing staged/ had finished its work: nothing is left to do.
      const done = await lastFinalizedCeremony(loaded.paths);
      if (done !== undefined) {
        ctx.out(`ceremony ${done} is finalized; nothing is staged`);
        return 0;
      }
    }
    const staging = requireStaging(loaded);
    await repairSignatureEvents(ctx, loaded);
    const repoDir = loaded.paths.repository;
    const now = ctx.now();
    if (await alreadyPublished(loaded)) {
      // An earlier finalize published everything and stopped before clearing staged/: finish it.
      const report = await verifyRepository({
        trustedRoot: firstRootBytes(loaded, undefined),
        source: new DirectorySource(repoDir),
        now,
      });
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
      return 0;
    }
    const status = statusOf(loaded);
    const rootDraft = staging.drafts.get('root');
    const root = (rootDraft?.metadata.signed ?? loaded.published.root?.metadata.signed) as
      RootSigned | undefined;
    if (!root) throw new CeremonyError('STATE_INVALID', 'no root is staged or published');
    assertReady(status);
    for (const line of signerLines(status)) ctx.out(line);
    const signers = await onlineSigners(ctx, args, loaded, root);
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
    const targetFiles = newTargetFiles(loaded);
    // Every input checked before a byte is published: a changed one writes nothing.
    for (const t of targetFiles)
      await checkTargetInput(loaded.paths.root, t.path, t.info, t.inputRole);
    const writes = plannedWrites(release);
    // Check the release with the client workflow before a byte of it is published.
    const report = await verifyRepository({
      trustedRoot: firstRootBytes(loaded, release),
      trustedRootName: '1.root.json',
      source: new OverlaySource(new Map(writes), new DirectorySource(repoDir)),
      now,
    });
    // Targets first (metadata that lists a target never lands before it), copied as streams.
    const files: Record<string, string> = {};
    for (const t of targetFiles) {
      const sha256 = t.info.hashes.sha256 ?? '';
      const name = targetFileNameFor(t.path, sha256, release.consistentSnapshot);
      await publishTargetInput(loaded.paths.root, t.path, t.info, t.inputRole, join(repoDir, name));
      files[name] = sha256;
    }
    for (const [i, [name, bytes]] of writes.entries()) {
      await writeFileAtomic(join(repoDir, name), bytes);
      if (i === Math.floor(writes.length / 2)) crashPoint('finalize:mid-write');
    }
    crashPoint('finalize:after-write');
    for (const [name, bytes] of writes) files[name] = sha256Hex(bytes);
    await recordEvent(loaded.paths, 'coordinator', now, 'ceremony.finalized', staging.ceremony.id, {
      files,
    });
    crashPoint('finalize:after-event');
    await writeSummary(loaded.paths, staging.ceremony.id, loaded.plan);
    await clearStaging(loaded.paths);
    summarize(ctx, report);
    ctx.out(`published ${writes.length + targetFiles.length} file(s) into ${repoDir}`);
    return 0;
  },
};
