import type { EnrolledKey } from './enrolled-key.js';
import { authoritiesFor } from './authority.js';
import type { PublishedRepo } from './published.js';
import { collectSignatures } from './status.js';
import type { HolderSignatures, StagedDraft } from './staging.js';
import { verifyRoleSignatures } from '../metadata/verify.js';

/** One signature a holder still owes: this key over this staged role. */
export interface SigningNeed {
  role: string;
  enrolled: EnrolledKey;
  /** Which authorities the key counts for (e.g. `new root v2`, `old root v1`). */
  labels: string[];
}

/**
 * The signatures a holder must make: for every staged role, each of the holder's keys (retired
 * ones included, since a rotation needs the old root's keys; compromised ones never) that an authority of the role lists
 * and that has no valid, current signature yet. Spec 5.3.4: a rotated root is signed under the
 * old root and the new one.
 */
export function signingNeeds(
  holder: string,
  holderKeys: readonly EnrolledKey[],
  roles: readonly string[],
  drafts: ReadonlyMap<string, StagedDraft>,
  holders: readonly HolderSignatures[],
  published: PublishedRepo,
): SigningNeed[] {
  const needs: SigningNeed[] = [];
  const own = holders.filter((h) => h.holder === holder);
  for (const role of roles) {
    const draft = drafts.get(role);
    if (!draft) continue;
    const { signatures } = collectSignatures(draft, own);
    for (const enrolled of holderKeys) {
      // spec 5.3.4 / 6.1: the new root must not depend on a compromised key; it never signs again.
      if (enrolled.retired_reason === 'compromised') continue;
      const labels: string[] = [];
      let alreadySigned = false;
      for (const authority of authoritiesFor(role, drafts, published)) {
        if (!authority.roleKeys.keyids.includes(enrolled.keyid)) continue;
        labels.push(authority.label);
        const result = verifyRoleSignatures(role, draft.canonical, signatures, authority.keys, {
          keyids: [enrolled.keyid],
          threshold: 1,
        });
        if (result.verified) alreadySigned = true;
      }
      if (labels.length > 0 && !alreadySigned) needs.push({ role, enrolled, labels });
    }
  }
  return needs;
}
