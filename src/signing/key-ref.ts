import { CeremonyError } from '../metadata/errors.js';
import type { Key } from '../metadata/model.js';
import type { Signer } from '../metadata/signer.js';

// Key references name where a private key lives, by scheme: `file:keys/alice.key` (an encrypted
// software key), `pkcs11:token=alice;object=root-key?module-path=...` (RFC 7512), and later
// remote schemes (`gcpkms:`, `awskms:`, `azurekms:`) for online keys. Secrets (passphrases, PINs)
// never travel in a reference: they come from a SecretSource.

/** What kind of secret is asked for. */
export type SecretKind = 'passphrase' | 'PIN';

/** Supplies secrets: a hidden prompt in a terminal, or an environment variable named by a flag. */
export interface SecretSource {
  /** Asks for a secret; `label` names what it unlocks (e.g. `alice's key file keys/alice.key`). */
  get(kind: SecretKind, label: string, attempt: number): Promise<string>;
}

/** A signer that may hold resources (a PKCS#11 session) until closed. */
export interface ClosableSigner extends Signer {
  close(): Promise<void>;
}

/** Opens signers for one reference scheme. */
export interface KeyRefResolver {
  /** The scheme before the colon, e.g. `file` or `pkcs11`. */
  readonly scheme: string;
  /**
   * Opens a signer for `ref`. When `expected` is given, the signer's public key must equal it
   * (KEY_MISMATCH otherwise): a key file or token key that is not the enrolled key never signs.
   */
  open(ref: string, secrets: SecretSource, expected?: Key): Promise<ClosableSigner>;
}

/** Resolves key references through the resolvers registered for their schemes. */
export class KeyRefRegistry {
  private readonly resolvers = new Map<string, KeyRefResolver>();

  constructor(resolvers: readonly KeyRefResolver[] = []) {
    for (const r of resolvers) this.register(r);
  }

  register(resolver: KeyRefResolver): void {
    this.resolvers.set(resolver.scheme, resolver);
  }

  /** Opens a signer for a reference such as `file:keys/alice.key` or `pkcs11:...`. */
  open(ref: string, secrets: SecretSource, expected?: Key): Promise<ClosableSigner> {
    const scheme = keyRefScheme(ref);
    const resolver = this.resolvers.get(scheme);
    if (!resolver) {
      const known = [...this.resolvers.keys()].join(', ') || 'none';
      throw new CeremonyError(
        'USAGE',
        `key reference "${ref}": unknown scheme "${scheme}" (known: ${known})`,
      );
    }
    return resolver.open(ref, secrets, expected);
  }
}

/** The scheme of a key reference (the part before the first colon). */
export function keyRefScheme(ref: string): string {
  const colon = ref.indexOf(':');
  if (colon <= 0)
    throw new CeremonyError(
      'USAGE',
      `key reference "${ref}" has no scheme (expected e.g. file:PATH or pkcs11:URI)`,
    );
  return ref.slice(0, colon);
}
