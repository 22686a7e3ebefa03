import { canonicalBytes } from './canonical.js';
import { CeremonyError } from './errors.js';
import { publicKeyHandle } from './keys.js';
import type { AnySigned, Metadata, Signature } from './model.js';
import { checkSignatureOffThread } from './signature-check.js';
import type { Signer } from './signer.js';

/**
 * Signs `bytes` with a signer and verifies the signature at once (a wrong key, PIN or token is
 * caught at the holder's desk, not at finalize).
 */
export async function signAndCheck(signer: Signer, bytes: Uint8Array): Promise<Signature> {
  const signature = await signer.sign(bytes);
  await checkFreshSignature(signer, bytes, signature);
  return signature;
}

/**
 * Throws SIGNATURE_INVALID unless `signature`, just made by `signer`, verifies over `bytes`;
 * `onPool`: checked on the thread pool whatever its size (checkSignatureOffThread).
 */
export async function checkFreshSignature(
  signer: Signer,
  bytes: Uint8Array,
  signature: Signature,
  onPool = false,
): Promise<void> {
  if (
    signature.keyid !== signer.keyid ||
    !(await checkSignatureOffThread(publicKeyHandle(signer.key), bytes, signature.sig, onPool))
  ) {
    throw new CeremonyError(
      'SIGNATURE_INVALID',
      `the signature made with key ${signer.keyid.slice(0, 8)} does not verify against its public key`,
    );
  }
}

/** Signatures over `bytes` by every signer, one after another, not yet checked (checkFreshSignature). */
export async function freshSignatures(
  bytes: Uint8Array,
  signers: readonly Signer[],
): Promise<Signature[]> {
  const made: Signature[] = [];
  for (const signer of signers) made.push(await signer.sign(bytes));
  return made;
}

/** `existing` without the signatures of `signers`' keys, followed by `fresh` (theirs, new). */
export function withFreshSignatures(
  existing: readonly Signature[],
  signers: readonly Signer[],
  fresh: readonly Signature[],
): Signature[] {
  const replaced = new Set(signers.map((s) => s.keyid));
  return [...existing.filter((s) => !replaced.has(s.keyid)), ...fresh];
}

/** Signatures over `bytes` by every signer, each checked at once; others' existing ones kept. */
export async function signaturesOver(
  bytes: Uint8Array,
  signers: readonly Signer[],
  existing: readonly Signature[] = [],
): Promise<Signature[]> {
  const fresh: Signature[] = [];
  for (const signer of signers) fresh.push(await signAndCheck(signer, bytes));
  return withFreshSignatures(existing, signers, fresh);
}

/** Returns a new envelope signed by every signer (existing signatures by other keys kept). */
export async function signMetadata<T extends AnySigned>(
  signed: T,
  signers: readonly Signer[],
  existing: readonly Signature[] = [],
): Promise<Metadata<T>> {
  return { signed, signatures: await signaturesOver(canonicalBytes(signed), signers, existing) };
}
