import type { PublishedRepo, PublishedRole } from '../ceremony/published.js';
import type { TargetsSigned } from '../metadata/model.js';
import { withoutDelegations } from '../metadata/without-delegations.js';
import {
  verifyRepository,
  type VerifyOptions,
  type VerifyReport,
} from '../metadata/client/index.js';
import type { KnownFacts, KnownMetadata, MetadataSource } from '../metadata/client/source.js';
import { OverlaySource } from '../repo/overlay-source.js';
import { DirectorySource } from '../repo/source-directory.js';
import { VerifiedRolesRecord } from '../repo/verified-roles-store.js';
import type { CommandContext } from './command.js';

/**
 * Finalize's client check of a release: the TUF client workflow with the record of targets roles
 * this machine verified before (unchanged bins are not parsed again; see
 * src/metadata/client/verified-roles.ts), which it then extends with every role it verified in
 * full. Only finalize uses it: `verify` and `publish --check` call verifyRepository without it.
 */
export async function verifyRelease(
  ctx: CommandContext,
  options: Omit<VerifyOptions, 'verifiedRoles'>,
): Promise<VerifyReport> {
  const verifiedRoles = await VerifiedRolesRecord.load(ctx.env);
  const report = await verifyRepository({ ...options, verifiedRoles });
  await verifiedRoles.save();
  return report;
}

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
    directory: string,
    private readonly roles: ReadonlyMap<string, PublishedRole<TargetsSigned>>,
  ) {
    super(directory);
  }

  override async fetchMetadata(name: string, maxLength: number): Promise<Uint8Array | undefined> {
    const role = this.roles.get(name);
    if (role !== undefined && role.file.length <= maxLength) {
      try {
        const bytes = role.file.bytes;
        const free = role.withoutDelegations ?? withoutDelegations(bytes);
        this.facts.set(bytes, { sha256: role.file.sha256, withoutDelegations: free });
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
export function releaseSource(
  repoDir: string,
  published: PublishedRepo,
  writes: readonly (readonly [string, Uint8Array])[],
  known?: ReadonlyMap<Uint8Array, KnownMetadata>,
): MetadataSource {
  const roles = new Map<string, PublishedRole<TargetsSigned>>();
  const meta = published.snapshot?.metadata.signed.meta ?? {};
  const consistent = published.root?.metadata.signed.consistent_snapshot === true;
  for (const [role, loaded] of published.delegated) {
    const version = Object.hasOwn(meta, `${role}.json`) ? meta[`${role}.json`]?.version : undefined;
    if (version === undefined || !PLAIN_NAME.test(role)) continue;
    roles.set(consistent ? `${version}.${role}.json` : `${role}.json`, loaded);
  }
  return new OverlaySource(new Map(writes), new LoadedRepositorySource(repoDir, roles), known);
}
