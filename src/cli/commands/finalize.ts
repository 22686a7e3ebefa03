import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assembleRelease, assertReady, type Release } from '../../ceremony/release.js';
import type { EnrolledKey } from '../../ceremony/enrolled-key.js';
import { verifyRepository, type VerifyReport } from '../../metadata/client/index.js';
import { sha256Hex } from '../../metadata/bytes.js';
import { CeremonyError } from '../../metadata/errors.js';
import type { RootSigned } from '../../metadata/model.js';
import { parseMetadata } from '../../metadata/parse.js';
import type { Signer } from '../../metadata/signer.js';
import { writeFileAtomic } from '../../repo/atomic-write.js';
import { OverlaySource } from '../../repo/overlay-source.js';
import { plannedWrites } from '../../repo/repository-writer.js';
import { DirectorySource } from '../../repo/source-directory.js';
import { clearStaging } from '../../repo/staging-store.js';
import type { ClosableSigner } from '../../signing/key-ref.js';
import { type Command, type CommandContext, type ParsedArgs } from '../command.js';
import {
  DIR_OPTION,
  ceremonyDir,
  loadCeremony,
  requireStaging,
  statusOf,
  type LoadedCeremony,
} from '../ceremony-context.js';
import { crashPoint } from '../crash-points.js';
import { SECRET_OPTIONS, openEnrolledSigner } from '../key-access.js';
import { recordEvent, writeSummary } from '../transcript.js';

async function readTimestampVersion(dir: string): Promise<number> {
  const file = join(dir, 'timestamp.json');
  try {
    return parseMetadata(await readFile(file), 'timestamp', file).signed.version;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return 0;
    throw err;
  }
}

/** Opens one signer per online key the root lists for snapshot and timestamp. */
async function onlineSigners(
  ctx: CommandContext,
  args: ParsedArgs,
  loaded: LoadedCeremony,
  root: RootSigned,
): Promise<{ snapshot: Signer[]; timestamp: Signer[]; all: ClosableSigner[] }> {
  const opened = new Map<string, ClosableSigner>();
  const pick = async (role: 'snapshot' | 'timestamp'): Promise<Signer[]> => {
    const keyids = root.roles[role]?.keyids ?? [];
    const enrolled = keyids
      .map((k) => loaded.keys.find((e) => e.keyid === k))
      .filter((e): e is EnrolledKey => e !== undefined);
    if (enrolled.length === 0)
      throw new CeremonyError(
        'STATE_INVALID',
        `no enrolled key of the ${role} role is available to sign it online`,
      );
    const signers: Signer[] = [];
    for (const e of enrolled) {
      let signer = opened.get(e.keyid);
      if (!signer) {
        signer = await openEnrolledSigner(ctx, args, e, undefined);
        opened.set(e.keyid, signer);
      }
      signers.push(signer);
    }
    return signers;
  };
  const snapshot = await pick('snapshot');
  const timestamp = await pick('timestamp');
  return { snapshot, timestamp, all: [...opened.values()] };
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
  summary:
    'publish the staged roles into repository/ (refuses below threshold), sign snapshot and timestamp online, verify',
  usage: 'tuf-ceremony finalize [--dir DIR] [--passphrase-env VAR | --pin-env VAR]',
  options: { ...DIR_OPTION, ...SECRET_OPTIONS },
  async run(ctx, args) {
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    const staging = requireStaging(loaded);
    const repoDir = loaded.paths.repository;
    const now = ctx.now();
    if ((await readTimestampVersion(repoDir)) > (staging.ceremony.base.timestamp ?? 0)) {
      // An earlier finalize published everything and stopped before clearing staged/: finish it.
      const report = await verifyRepository({
        trustedRoot: firstRootBytes(loaded, undefined),
        source: new DirectorySource(repoDir),
        now,
      });
      summarize(ctx, report);
      await recordEvent(
        loaded.paths,
        'coordinator',
        now,
        'ceremony.finalized',
        staging.ceremony.id,
        { resumed: true },
      );
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
    const writes = plannedWrites(release);
    // Check the release with the client workflow before a byte of it is published.
    const report = await verifyRepository({
      trustedRoot: firstRootBytes(loaded, release),
      trustedRootName: '1.root.json',
      source: new OverlaySource(new Map(writes), new DirectorySource(repoDir)),
      now,
    });
    for (const [i, [name, bytes]] of writes.entries()) {
      await writeFileAtomic(join(repoDir, name), bytes);
      if (i === Math.floor(writes.length / 2)) crashPoint('finalize:mid-write');
    }
    crashPoint('finalize:after-write');
    const files = Object.fromEntries(writes.map(([name, bytes]) => [name, sha256Hex(bytes)]));
    await recordEvent(loaded.paths, 'coordinator', now, 'ceremony.finalized', staging.ceremony.id, {
      files,
    });
    await writeSummary(loaded.paths, staging.ceremony.id, loaded.plan);
    await clearStaging(loaded.paths);
    summarize(ctx, report);
    ctx.out(`published ${writes.length} file(s) into ${repoDir}`);
    return 0;
  },
};
