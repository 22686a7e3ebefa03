import { canonicalBytes } from './canonical.js';
import { CeremonyError } from './errors.js';
import { publicKeyHandle } from './keys.js';
import type { AnySigned, Metadata, Signature } from './model.js';
import { checkSignature, checkSignatureOffThread } from './signature-check.js';
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
 * `onPool`: checked on the thread pool (checkSignatureOffThread).
 */
export async function checkFreshSignature(
  signer: Signer,
  bytes: Uint8Array,
  signature: Signature,
  onPool = false,
): Promise<void> {
  const handle = publicKeyHandle(signer.key);
  const valid =
    signature.keyid === signer.keyid &&
    (onPool
      ? await checkSignatureOffThread(handle, bytes, signature.sig)
      : checkSignature(handle, bytes, signature.sig));
  if (!valid) {
    throw new CeremonyError(
      'SIGNATURE_INVALID',
      `the signature made with key ${signer.keyid.slice(0, 8)} does not verify against its public key`,
    );
  }
}

/** Signatures over `bytes` by every signer, each checked at once; others' existing ones kept. */
export async function signaturesOver(
  bytes: Uint8Array,
  signers: readonly Signer[],
  existing: readonly Signature[] = [],
): Promise<Signature[]> {
  const replaced = new Set(signers.map((s) => s.keyid));
  const signatures = existing.filter((s) => !replaced.has(s.keyid));
  for (const signer of signers) signatures.push(await signAndCheck(signer, bytes));
  return signatures;
}

/** Returns a new envelope signed by every signer (existing signatures by other keys kept). */
export async function signMetadata<T extends AnySigned>(
  signed: T,
  signers: readonly Signer[],
  existing: readonly Signature[] = [],
): Promise<Metadata<T>> {
  return { signed, signatures: await signaturesOver(canonicalBytes(signed), signers, existing) };
}
