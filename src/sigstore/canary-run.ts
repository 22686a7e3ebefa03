import { Verifier, type Signer, type SignedEntity, type TrustMaterial } from '@sigstore/verify';

// sigstore-js's verifier with the thresholds it applies by default: one transparency log entry,
// one SCT, one timestamp (@sigstore/verify src/verifier.ts).

const VERIFIER_OPTIONS = { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 };

/** Verifies an entity against trust material; throws the verifier's error. */
export function verifyEntity(entity: SignedEntity, material: TrustMaterial): Signer {
  return new Verifier(material, VERIFIER_OPTIONS).verify(entity);
}

/** Runs the verifier; returns the error it throws, or undefined when the entity verifies. */
export function runVerifier(entity: SignedEntity, material: TrustMaterial): unknown {
  try {
    verifyEntity(entity, material);
    return undefined;
  } catch (err) {
    return err;
  }
}
