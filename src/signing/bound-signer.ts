import type { EnrolledKey } from '../ceremony/enrolled-key.js';
import { CeremonyError } from '../metadata/errors.js';
import { publicKeyHandle } from '../metadata/keys.js';
import type { Signature } from '../metadata/model.js';
import type { ClosableSigner } from './key-ref.js';

/**
 * Binds a signer to an enrolled key: its public key must be the enrolled one (whatever custom
 * fields the enrollment added), and its signatures are recorded under the enrolled keyid.
 */
export function bindToEnrolledKey(
  signer: ClosableSigner,
  enrolled: EnrolledKey,
  source: string,
): ClosableSigner {
  if (publicKeyHandle(signer.key).identity !== publicKeyHandle(enrolled.key).identity) {
    throw new CeremonyError(
      'KEY_MISMATCH',
      `${source}: holds a different key than ${enrolled.holder}'s enrolled key ${enrolled.keyid.slice(0, 8)} (fingerprint ${enrolled.fingerprint})`,
    );
  }
  return {
    key: enrolled.key,
    keyid: enrolled.keyid,
    async sign(bytes: Uint8Array): Promise<Signature> {
      const { sig } = await signer.sign(bytes);
      return { keyid: enrolled.keyid, sig };
    },
    close: () => signer.close(),
  };
}
