import type { Signature } from '../metadata/model.js';
import { verifyRoleSignatures, type VerificationResult } from '../metadata/verify.js';
import { authoritiesFor } from './authority.js';
import { distinctHolders } from './one-vote.js';
import type { PublishedRepo } from './published.js';
import type { HolderSignatures, StagedCeremony, StagedDraft } from './staging.js';

/** A stored signature that no longer counts: its draft changed after it was made. */
export interface StaleSignature {
  holder: string;
  keyid: string;
  signedSha256: string;
}

/** One authority's verdict on a staged role (root rotations have two: new and old root). */
export interface AuthorityCheck {
  label: string;
  result: VerificationResult;
  /** Holders whose keys count toward this authority and have signed. */
  signedBy: string[];
  /** Holders whose keys are authorized but have not (validly) signed. */
  missingHolders: string[];
  /** Distinct holders whose valid signatures count: a holder's two signatures count once. */
  holdersCounted: number;
  /** A threshold of distinct keys and of distinct holders signed. */
  met: boolean;
}

/** Where one staged role stands. */
export interface RoleStatus {
  role: string;
  version: number;
  expires: string;
  sha256: string;
  checks: AuthorityCheck[];
  stale: StaleSignature[];
  ready: boolean;
}

/** Where the whole staged ceremony stands; the finalize gate, `status` and the PR body read it. */
export interface CeremonyStatus {
  id: string;
  roles: RoleStatus[];
  ready: boolean;
}

/** Signatures for a role whose recorded bytes hash matches the draft, and those that are stale. */
export function collectSignatures(
  draft: StagedDraft,
  holders: readonly HolderSignatures[],
): { signatures: Signature[]; stale: StaleSignature[] } {
  const signatures: Signature[] = [];
  const stale: StaleSignature[] = [];
  for (const file of holders) {
    for (const s of file.signatures[draft.role] ?? []) {
      if (s.signed_sha256 === draft.sha256) signatures.push({ keyid: s.keyid, sig: s.sig });
      else stale.push({ holder: file.holder, keyid: s.keyid, signedSha256: s.signed_sha256 });
    }
  }
  return { signatures, stale };
}

/** Derives the status of every staged role from the drafts, stored signatures and published repo. */
export function ceremonyStatus(
  staged: StagedCeremony,
  drafts: ReadonlyMap<string, StagedDraft>,
  holders: readonly HolderSignatures[],
  published: PublishedRepo,
  holderOf: ReadonlyMap<string, string>,
): CeremonyStatus {
  const roles: RoleStatus[] = [];
  for (const role of staged.roles) {
    const draft = drafts.get(role);
    if (!draft) continue;
    const { signatures, stale } = collectSignatures(draft, holders);
    const checks = authoritiesFor(role, drafts, published).map((authority): AuthorityCheck => {
      const result = verifyRoleSignatures(
        role,
        draft.canonical,
        signatures,
        authority.keys,
        authority.roleKeys,
      );
      const signedBy = distinctHolders(result.signed, authority.keys, holderOf);
      const owing = distinctHolders(
        [...result.missing, ...result.invalid],
        authority.keys,
        holderOf,
      );
      // Spec 5.3.4 counts keys; one holder, one vote: the threshold also counts people.
      return {
        label: authority.label,
        result,
        signedBy,
        missingHolders: owing.filter((h) => !signedBy.includes(h)),
        holdersCounted: signedBy.length,
        met: result.verified && signedBy.length >= result.threshold,
      };
    });
    const signed = draft.metadata.signed;
    roles.push({
      role,
      version: signed.version,
      expires: signed.expires,
      sha256: draft.sha256,
      checks,
      stale,
      ready: checks.every((c) => c.met),
    });
  }
  return { id: staged.id, roles, ready: roles.length > 0 && roles.every((r) => r.ready) };
}
