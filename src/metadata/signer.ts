import type { Key, Signature } from './model.js';

/**
 * The signing port: software keys, PKCS#11 tokens and remote services all fit behind it. It
 * carries its public key so a signature can be verified the moment it is made.
 */
export interface Signer {
  /** The public key as it appears (or will appear) in metadata. */
  readonly key: Key;
  /** The keyid under which signatures are recorded. */
  readonly keyid: string;
  /** Signs exactly `bytes` (the canonical bytes of a `signed`); returns a hex signature. */
  sign(bytes: Uint8Array): Promise<Signature>;
}
