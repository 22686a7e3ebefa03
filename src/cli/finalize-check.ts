import { join } from 'node:path';
import type { PublishedRepo, PublishedRole } from '../ceremony/published.js';
import type { TargetsSigned } from '../metadata/model.js';
import { withoutDelegations } from '../metadata/without-delegations.js';
import {
  verifyRepository,
  type VerifyOptions,
  type VerifyReport,
} from '../metadata/client/index.js';
import {
  DEFAULT_LIMITS,
  type KnownFacts,
  type KnownMetadata,
  type MeasuredMetadata,
  type MetadataSource,
} from '../metadata/client/source.js';
import { knownDelegationFree } from '../repo/delegation-free.js';
import { FileDigests } from '../repo/file-digests.js';
import { OverlaySource } from '../repo/overlay-source.js';
import { DirectorySource } from '../repo/source-directory.js';
import { toolCacheDir } from '../repo/tool-cache.js';
import { VerifiedRolesRecord } from '../repo/verified-roles-store.js';
import type { CommandContext } from './command.js';

/** This machine's records that finalize's client check reads and extends (never `verify`). */
export interface ReleaseRecords {
  verifiedRoles: VerifiedRolesRecord;
  digests: FileDigests;
}

/**
 * Reads the records (each missing or damaged one is empty); finalize starts this before it
 * waits for the online key's unlock, so that the parsing fills that wait.
 */
export async function loadReleaseRecords(
  ctx: CommandContext,
  repoDir: string,
  published?: PublishedRepo,
): Promise<ReleaseRecords> {
  const [verifiedRoles, digests] = await Promise.all([
    VerifiedRolesRecord.load(ctx.env),
    FileDigests.open(publishedDigestsDir(ctx.env), repoDir),
  ]);
  // Reads the record of delegation-free files now (any sha256 does) rather than mid-check.
  knownDelegationFree('');
  // The status of each published bin, taken while the key unlocks rather than after it; the
  // settled files no record answers for (written by the last finalize) are hashed then too,
  // through one buffer, rather than read one by one and kept during the check.
  if (published !== undefined) {
    const files = [...publishedRoleFiles(published).keys()].map((n) => `${repoDir}/${n}`);
    digests.prefetch(files);
    digests.refresh(files, DEFAULT_LIMITS.maxMetadata);
  }
  return { verifiedRoles, digests };
}

/**
 * Finalize's client check of a release: the TUF client workflow with the record of targets roles
 * this machine verified before (unchanged bins are not parsed again; see
 * src/metadata/client/verified-roles.ts), which it then extends with every role it verified in
 * full. Only finalize uses it: `verify` and `publish --check` call verifyRepository without it.
 */
export async function verifyRelease(
  ctx: CommandContext,
  options: Omit<VerifyOptions, 'verifiedRoles' | 'source'>,
  release: {
    repoDir: string;
    published: PublishedRepo;
    writes: readonly (readonly [string, Uint8Array])[];
    known?: ReadonlyMap<Uint8Array, KnownMetadata>;
  },
  records: Promise<ReleaseRecords> = loadReleaseRecords(ctx, release.repoDir),
): Promise<VerifyReport> {
  const { verifiedRoles, digests } = await records;
  const source = releaseSource(release, digests);
  const report = await verifyRepository({ ...options, source, verifiedRoles });
  await verifiedRoles.save();
  await digests.save();
  return report;
}

/**
 * Where finalize keeps this machine's sha256 of published files by file status (file-digests.ts),
 * in the tool's cache folder: never in the repository, never read by `verify` or `publish --check`.
 */
function publishedDigestsDir(env: Readonly<Record<string, string | undefined>>): string {
  return join(toolCacheDir(env), 'published');
}

/** When this process started (ms since the epoch): before any file it read. */
const PROCESS_START_MS = Math.floor(performance.timeOrigin);

/** A role name that is one plain file name in the repository directory (no path, no escape). */
const PLAIN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * The repository directory, with each delegated role's file taken from the repository this
 * command loaded (read once, checked there against snapshot's length and sha256, and with what
 * the loader knows of its delegations), so a 16,384-bin repository is not read, hashed nor scanned
 * twice. A file the loader cannot give is read from the directory, where the workflow's own
 * checks report it as they always did.
 */
class LoadedRepositorySource extends DirectorySource {
  private readonly facts = new Map<Uint8Array, KnownFacts>();

  constructor(
    private readonly directory: string,
    private readonly roles: ReadonlyMap<string, PublishedRole<TargetsSigned>>,
    private readonly digests: FileDigests,
  ) {
    super(directory);
  }

  /**
   * A published file whose status is unchanged since this machine hashed it (file-digests.ts:
   * any write moves its change time, which no program sets back, and it was hashed at least two
   * seconds after its last change), so its length and sha256 on disk are the ones measured then;
   * given only when they are what snapshot lists and its bytes are known free of delegations.
   * `bytes` reads it through the loader, which refuses bytes other than snapshot's (spec 5.6.2).
   */
  measuredMetadata(name: string, maxLength: number): MeasuredMetadata | undefined {
    const role = this.roles.get(name);
    if (role === undefined || role.file.length > maxLength) return undefined;
    // A published role's name is one file name of the directory listing: no join needed.
    const measured = this.digests.measured(`${this.directory}/${name}`);
    if (
      measured === undefined ||
      measured.length !== role.file.length ||
      measured.sha256 !== role.file.sha256 ||
      !knownDelegationFree(measured.sha256)
    )
      return undefined;
    return { ...measured, withoutDelegations: true, bytes: () => role.file.bytes };
  }

  override async fetchMetadata(name: string, maxLength: number): Promise<Uint8Array | undefined> {
    const role = this.roles.get(name);
    if (role !== undefined && role.file.length <= maxLength) {
      try {
        const bytes = role.file.bytes;
        const free = role.withoutDelegations ?? withoutDelegations(bytes);
        this.facts.set(bytes, { sha256: role.file.sha256, withoutDelegations: free });
        // The loader read these bytes (now or earlier in this process) and found them of
        // role.file's length and sha256. Remembered as read when this process started, before
        // any of its reads: a file changed since then is unsettled then and never remembered.
        this.digests.remember(join(this.directory, name), role.file.sha256, PROCESS_START_MS);
        return bytes;
      } catch {
        // Missing or not what snapshot lists: the directory read below meets the same file.
      }
    }
    return super.fetchMetadata(name, maxLength);
  }

  /** The loader's sha256 and delegations scan of bytes this source gave. */
  knownFacts(bytes: Uint8Array): KnownFacts | undefined {
    return this.facts.get(bytes);
  }
}

/**
 * The repository as it will be once `writes` land: the new files over the repository this
 * command loaded (see LoadedRepositorySource).
 */
function releaseSource(
  {
    repoDir,
    published,
    writes,
    known,
  }: {
    repoDir: string;
    published: PublishedRepo;
    writes: readonly (readonly [string, Uint8Array])[];
    known?: ReadonlyMap<Uint8Array, KnownMetadata> | undefined;
  },
  digests: FileDigests,
): MetadataSource {
  const base = new LoadedRepositorySource(repoDir, publishedRoleFiles(published), digests);
  return new OverlaySource(new Map(writes), base, known);
}

/** The published delegated roles by the file name snapshot gives them (plain names only). */
function publishedRoleFiles(published: PublishedRepo): Map<string, PublishedRole<TargetsSigned>> {
  const roles = new Map<string, PublishedRole<TargetsSigned>>();
  const meta = published.snapshot?.metadata.signed.meta ?? {};
  const consistent = published.root?.metadata.signed.consistent_snapshot === true;
  for (const [role, loaded] of published.delegated) {
    const version = Object.hasOwn(meta, `${role}.json`) ? meta[`${role}.json`]?.version : undefined;
    if (version === undefined || !PLAIN_NAME.test(role)) continue;
    roles.set(consistent ? `${version}.${role}.json` : `${role}.json`, loaded);
  }
  return roles;
}
