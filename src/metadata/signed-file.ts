import type { SerializedRole } from './build-meta.js';
import { canonicalForm } from './canonical.js';
import type { AnySigned, Metadata, Signature } from './model.js';
import {
  envelopeBytesFromBody,
  serializedFromBytes,
  signedBodyText,
  signedEnvelopeBytes,
  type SerializedFile,
} from './serialize.js';
import {
  checkFreshSignature,
  freshSignatures,
  signaturesOver,
  withFreshSignatures,
} from './sign.js';
import type { Signer } from './signer.js';

// Signing and serializing share their work: one walk checks the key order of `signed` once, the
// canonical bytes are signed, and the file text is written from the same sorted view (the
// signatures array, a few entries, is the only part checked again).

/** A freshly signed envelope with its file bytes. */
export interface SignedFile<T extends AnySigned> {
  readonly metadata: Metadata<T>;
  readonly file: SerializedFile;
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
  if (form.bytes.length <= OVERLAP_MIN_BYTES || signers.length === 0) {
    const signatures = await signaturesOver(form.bytes, signers, existing);
    const file = serializedFromBytes(signedEnvelopeBytes(signatures, signed, form.view));
    return { metadata: { signed, signatures }, file };
  }
  // A large role: software keys sign on the thread pool while this thread lays out the file
  // text, and the fresh signatures are checked there while the file bytes are assembled and
  // hashed. Nothing is returned before every check passed.
  const made = freshSignatures(form.bytes, signers);
  const body = signedBodyText(form.view);
  const fresh = await made;
  const checks = Promise.all(
    signers.map((signer, i) => checkFreshSignature(signer, form.bytes, fresh[i] as Signature)),
  );
  checks.catch(() => undefined);
  const signatures = withFreshSignatures(existing, signers, fresh);
  const bytes =
    (body === undefined ? undefined : envelopeBytesFromBody(signatures, body)) ??
    signedEnvelopeBytes(signatures, signed, form.view);
  const file = serializedFromBytes(bytes);
  await checks;
  return { metadata: { signed, signatures }, file };
}

/** Canonical bytes above this size are signed and laid out at the same time. */
const OVERLAP_MIN_BYTES = 1 << 20;

/** Signs and serializes a role in one pass (signAndSerialize) into a SerializedRole. */
export async function signRole(
  name: string,
  signed: AnySigned,
  signers: readonly Signer[],
): Promise<SerializedRole> {
  const { metadata, file } = await signAndSerialize(signed, signers);
  return { name, version: signed.version, file, metadata };
}
