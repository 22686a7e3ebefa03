import type { PublishedRepo } from '../ceremony/published.js';
import { sha256Hex } from '../metadata/bytes.js';
import { canonicalBytes } from '../metadata/canonical.js';
import { isBinName } from '../metadata/delegation.js';
import { CeremonyError } from '../metadata/errors.js';
import type { Metadata, RoleKeys, TargetsSigned } from '../metadata/model.js';
import type { CeremonyStatusView, PreviousRootView, RoleStatusView } from './status-view.js';

// After finalize the staging area is gone; the pull request still shows what was signed, now
// read from the published files: the roles and versions the ceremony staged, who signed each
// (signature keyids named through the enrolled keys) against the authority that counts.

/** A role the ceremony staged: name, version and sha256 of its canonical signed bytes. */
export interface FinalizedRole {
  role: string;
  version: number;
  sha256: string;
}

/** Keyids and threshold that authorize a delegated role (or a bin) in the published metadata. */
function delegatedAuthority(published: PublishedRepo, role: string): RoleKeys | undefined {
  const parents: TargetsSigned[] = [];
  if (published.targets) parents.push(published.targets.metadata.signed);
  for (const d of published.delegated.values()) parents.push(d.metadata.signed);
  for (const parent of parents) {
    const d = parent.delegations;
    const named = d?.roles?.find((r) => r.name === role);
    if (named) return named;
    if (d?.succinct_roles && isBinName(d.succinct_roles, role)) return d.succinct_roles;
  }
  return undefined;
}

function publishedRole(published: PublishedRepo, r: FinalizedRole): Metadata {
  const found =
    r.role === 'root'
      ? published.roots.get(r.version)
      : r.role === 'targets'
        ? published.targets
        : published.delegated.get(r.role);
  if (found?.metadata.signed.version !== r.version) {
    throw new CeremonyError(
      'STATE_INVALID',
      `repository/: ${r.role} v${r.version} is not published; run tuf-ceremony finalize first`,
    );
  }
  if (sha256Hex(canonicalBytes(found.metadata.signed)) !== r.sha256) {
    throw new CeremonyError(
      'HASH_MISMATCH',
      `repository/: the published ${r.role} v${r.version} is not the version the ceremony staged and signed`,
    );
  }
  return found.metadata;
}

function counted(
  metadata: Metadata,
  authority: RoleKeys | undefined,
  holderOf: ReadonlyMap<string, string>,
): PreviousRootView {
  const allowed = new Set(authority?.keyids ?? []);
  const keyids = [...new Set(metadata.signatures.map((s) => s.keyid))].filter((k) =>
    allowed.has(k),
  );
  const signers = keyids.map((k) => holderOf.get(k) ?? `key ${k.slice(0, 8)}`);
  return {
    threshold: authority?.threshold ?? 1,
    validSigners: [...new Set(signers)].sort(),
    missing: [],
    validKeys: keyids.length,
  };
}

/**
 * The pull-request view of a finalized ceremony: every staged role as published, its signers
 * counted against the keys that authorize it (root: the new and the previous root, spec 5.3.4),
 * marked finalized. Throws when a role is missing from repository/ or differs from what was staged.
 */
export function finalizedView(
  ceremonyId: string,
  roles: readonly FinalizedRole[],
  published: PublishedRepo,
  holderOf: ReadonlyMap<string, string>,
): CeremonyStatusView {
  const views = roles.map((r): RoleStatusView => {
    const metadata = publishedRole(published, r);
    const root = published.root?.metadata.signed;
    const authority =
      r.role === 'root'
        ? (metadata.signed as { roles?: Record<string, RoleKeys> }).roles?.root
        : r.role === 'targets'
          ? root?.roles.targets
          : delegatedAuthority(published, r.role);
    const view: RoleStatusView = {
      name: r.role,
      version: r.version,
      expires: metadata.signed.expires,
      sha256: r.sha256,
      stale: [],
      ...counted(metadata, authority, holderOf),
    };
    const previous = published.roots.get(r.version - 1)?.metadata.signed;
    if (r.role === 'root' && previous) {
      view.rootOld = counted(metadata, previous.roles.root, holderOf);
    }
    return view;
  });
  return { ceremonyId, roles: views, ready: true, finalized: true };
}
