import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  toSignedEntity,
  toTrustMaterial,
  type Signer,
  type SignedEntity,
  type TrustMaterial,
} from '@sigstore/verify';
import { errorText, printable } from '../metadata/printable.js';
import { diagnoseFailure, stepOf, type CanaryStep } from './canary-diagnose.js';
import { verifyEntity } from './canary-run.js';
import { serializeTrustedRoot } from './trusted-root-serialize.js';
import type { TrustedRootDoc } from './trusted-root-model.js';

// A canary is a real Sigstore bundle that must keep verifying: it is checked with sigstore-js
// (@sigstore/verify: certificate chain, SCTs, inclusion promise or proof, timestamps, signature)
// against the trusted root a ceremony is about to sign. A failure names the step and the
// trusted-root entry responsible, found by re-running the verifier with one entry's window opened.

/** One canary: its name, the bundle bytes and (for message signatures) the artifact bytes. */
export interface CanaryInput {
  name: string;
  bundle: Uint8Array;
  artifact?: Uint8Array;
}

/** The outcome of verifying one canary. */
export type CanaryResult =
  | { name: string; ok: true; identity: string; issuer: string; signedAt: string }
  | { name: string; ok: false; step: CanaryStep; reason: string };

/** The trust material sigstore-js builds from a trusted root (`toTrustMaterial`, @sigstore/verify). */
export function trustMaterialOf(doc: TrustedRootDoc): TrustMaterial {
  const root = TrustedRoot.fromJSON(JSON.parse(serializeTrustedRoot(doc)));
  return toTrustMaterial(root);
}

function entityOf(input: CanaryInput): SignedEntity | { step: CanaryStep; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(input.bundle).toString('utf8'));
  } catch {
    return { step: 'bundle', reason: `${input.name}.sigstore.json is not JSON` };
  }
  try {
    const bundle = bundleFromJSON(json);
    const artifact = input.artifact ? Buffer.from(input.artifact) : undefined;
    if (bundle.content.$case === 'messageSignature' && artifact === undefined) {
      return {
        step: 'bundle',
        reason: `a message-signature bundle needs its artifact "${input.name}" beside it`,
      };
    }
    return toSignedEntity(bundle, artifact);
  } catch (err) {
    return { step: 'bundle', reason: `not a Sigstore bundle (${errorText(err)})` };
  }
}

/** Verifies one canary against a trusted root; never throws for a bad bundle or a failed check. */
export function verifyCanary(input: CanaryInput, doc: TrustedRootDoc): CanaryResult {
  const entity = entityOf(input);
  if (!('signature' in entity)) return { name: input.name, ok: false, ...entity };
  const material = trustMaterialOf(doc);
  let signer: Signer;
  try {
    signer = verifyEntity(entity, material);
  } catch (err) {
    const step = stepOf(err);
    return {
      name: input.name,
      ok: false,
      step,
      reason: diagnoseFailure({ err, step, entity, material, doc }),
    };
  }
  const tlogTime = entity.tlogEntries[0]?.integratedTime;
  return {
    name: input.name,
    ok: true,
    identity: printable(signer.identity?.subjectAlternativeName ?? '(public key)'),
    issuer: printable(signer.identity?.extensions?.issuer ?? ''),
    signedAt:
      tlogTime === undefined
        ? ''
        : new Date(Number(tlogTime) * 1000).toISOString().slice(0, 19) + 'Z',
  };
}

/** One line per canary result, as `sigstore check` and `sign` print them. */
export function describeCanary(r: CanaryResult): string {
  if (r.ok) {
    return `canary ${r.name}: verified (${r.identity}${r.issuer ? `, issuer ${r.issuer}` : ''}, logged ${r.signedAt})`;
  }
  return `canary ${r.name}: ${r.step}: ${r.reason}`;
}
