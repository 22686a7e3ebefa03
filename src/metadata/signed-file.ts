import type { SerializedRole } from './build-meta.js';
import { canonicalForm } from './canonical.js';
import type { AnySigned, Metadata, Signature } from './model.js';
import { serializedFromBytes, signedEnvelopeBytes, type SerializedFile } from './serialize.js';
import { signaturesOver } from './sign.js';
import type { Signer } from './signer.js';

// Signing and serializing share their work: one walk checks the key order of `signed` once, the
// canonical bytes are signed, and the file text is written from the same sorted view (the
// signatures array, a few entries, is the only part checked again).

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
  const form = canonicalForm(signed);
  const signatures = await signaturesOver(form.bytes, signers, existing);
  const file = serializedFromBytes(signedEnvelopeBytes(signatures, signed, form.view));
  return { metadata: { signed, signatures }, file, canonical: form.bytes };
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
