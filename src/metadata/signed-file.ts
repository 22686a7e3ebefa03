import type { SerializedRole } from './build-meta.js';
import { NOT_PLAIN, sortedView } from './build-sorted.js';
import { canonicalFormOfView } from './canonical.js';
import { signedCanonicalOf } from './canonical-scan.js';
import type { AnySigned, Metadata, Signature } from './model.js';
import {
  envelopeWithSignatures,
  serializedFromBytes,
  signedEnvelopeBytes,
  unsignedEnvelopeBytes,
  type SerializedFile,
} from './serialize.js';
import { signaturesOver } from './sign.js';
import type { Signer } from './signer.js';

// Signing and serializing share their work: one walk checks the key order of `signed` once, the
// file text is laid out from the sorted view with an empty signatures array, the canonical bytes
// are taken from that text (canonical-scan.ts) and signed, and the signatures are set into the
// text (the signatures array, a few entries, is the only part checked again). A text the scan
// does not take (a string with an escape) is canonicalized from the view instead.

/** A freshly signed envelope with its file bytes. */
export interface SignedFile<T extends AnySigned> {
  readonly metadata: Metadata<T>;
  readonly file: SerializedFile;
  /** The canonical bytes of `metadata.signed`: what every signature was made over. */
  readonly canonical: Uint8Array;
}

/**
 * Signs `signed` with every signer (each signature verified at once, existing signatures by
 * other keys kept) and serializes the envelope: byte-identical to signMetadata followed by
 * serializeMetadata, with one canonicalization and one key-order walk.
 */
export async function signAndSerialize<T extends AnySigned>(
  signed: T,
  signers: readonly Signer[],
  existing: readonly Signature[] = [],
): Promise<SignedFile<T>> {
  const view = sortedView(signed);
  const unsigned = view === NOT_PLAIN ? undefined : unsignedEnvelopeBytes(view);
  const fromText = unsigned && signedCanonicalOf(unsigned);
  const canonical = fromText ?? canonicalFormOfView(signed, view).bytes;
  const signatures = await signaturesOver(canonical, signers, existing);
  const laidOut =
    unsigned !== undefined && fromText !== undefined
      ? envelopeWithSignatures(unsigned, signatures)
      : undefined;
  const bytes = laidOut ?? signedEnvelopeBytes(signatures, signed, view);
  return { metadata: { signed, signatures }, file: serializedFromBytes(bytes), canonical };
}

/** Signs and serializes a role in one pass (signAndSerialize) into a SerializedRole. */
export async function signRole(
  name: string,
  signed: AnySigned,
  signers: readonly Signer[],
): Promise<SerializedRole> {
  const { metadata, file, canonical } = await signAndSerialize(signed, signers);
  return { name, version: signed.version, file, metadata, canonical };
}
