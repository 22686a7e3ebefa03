import type { PublishedRepo } from '../ceremony/published.js';
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
 * The repository as it will be once `writes` land: the new files over the delegated roles' files
 * this command already read from `repoDir` (with the same no-link reads the directory source
 * makes; a 16,384-bin repository is not read, hashed nor scanned twice), over the directory
 * itself for the rest.
 */
export function releaseSource(
  repoDir: string,
  published: PublishedRepo,
  writes: readonly (readonly [string, Uint8Array])[],
  known?: ReadonlyMap<Uint8Array, KnownMetadata>,
): MetadataSource {
  const files = new Map<string, Uint8Array>();
  const facts = new Map<Uint8Array, KnownFacts>();
  const meta = published.snapshot?.metadata.signed.meta ?? {};
  const consistent = published.root?.metadata.signed.consistent_snapshot === true;
  for (const [role, loaded] of published.delegated) {
    const version = Object.hasOwn(meta, `${role}.json`) ? meta[`${role}.json`]?.version : undefined;
    if (version === undefined || !PLAIN_NAME.test(role)) continue;
    const { bytes, sha256 } = loaded.file;
    files.set(consistent ? `${version}.${role}.json` : `${role}.json`, bytes);
    // Hashed and scanned as the loader read them (see loadPublishedRepo).
    if (loaded.withoutDelegations !== undefined)
      facts.set(bytes, { sha256, withoutDelegations: loaded.withoutDelegations });
  }
  for (const [name, bytes] of writes) files.set(name, bytes);
  return new OverlaySource(files, new DirectorySource(repoDir), known, facts);
}
