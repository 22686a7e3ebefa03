import type { EnrolledKey } from '../ceremony/enrolled-key.js';
import { signingNeeds, type SigningNeed } from '../ceremony/signing-needs.js';
import type { StagingArea } from '../repo/staging-store.js';
import { CeremonyError } from '../metadata/errors.js';
import { printable } from '../metadata/printable.js';
import type { LoadedCeremony } from './ceremony-context.js';

/** What the holder still has to sign in the staged ceremony, per key and role. */
export function holderSigningNeeds(
  loaded: LoadedCeremony,
  staging: StagingArea,
  holder: string,
  holderKeys: readonly EnrolledKey[],
): SigningNeed[] {
  return signingNeeds(
    holder,
    holderKeys,
    staging.ceremony.roles,
    staging.drafts,
    staging.holders,
    loaded.published,
  );
}

/** The holder's enrolled keys; a usage error naming the holders when the name is unknown. */
export function requireHolderKeys(loaded: LoadedCeremony, holder: string): EnrolledKey[] {
  const keys = loaded.keys.filter((k) => k.holder === holder);
  if (keys.length === 0 && !Object.prototype.hasOwnProperty.call(loaded.plan.holders, holder)) {
    throw new CeremonyError(
      'USAGE',
      `${loaded.plan.file}: no holder named "${printable(holder)}" (holders: ${Object.keys(loaded.plan.holders).join(', ')})`,
    );
  }
  return keys;
}
