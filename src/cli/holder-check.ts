import type { EnrolledKey } from '../ceremony/enrolled-key.js';
import { CeremonyError } from '../metadata/errors.js';
import { printable } from '../metadata/printable.js';
import type { LoadedCeremony } from './ceremony-context.js';

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
