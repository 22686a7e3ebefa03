import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CeremonyError, isCeremonyError } from '../metadata/errors.js';
import { computeKeyid, publicKeyHandle } from '../metadata/keys.js';
import type { Key, Signature } from '../metadata/model.js';
import { readEncryptedKeyFile } from './key-file.js';
import type { ClosableSigner, KeyRefResolver, SecretKind, SecretSource } from './key-ref.js';
import { SoftwareSigner } from './software-signer.js';

/** How many times an interactive source is asked before giving up. */
export const MAX_SECRET_ATTEMPTS = 3;

/** A SecretSource that says whether asking again can give a different answer (a prompt can). */
export interface RetryingSecretSource extends SecretSource {
  canRetry(kind: SecretKind): boolean;
}

/** Attempts allowed for a kind of secret: 3 for a prompt, 1 for an environment variable. */
export function secretAttempts(secrets: SecretSource, kind: SecretKind): number {
  const retrying = secrets as Partial<RetryingSecretSource>;
  return typeof retrying.canRetry === 'function' && retrying.canRetry(kind)
    ? MAX_SECRET_ATTEMPTS
    : 1;
}

/** Options of the `file:` resolver. */
export interface FileKeyResolverOptions {
  /** Names the holder of an enrolled keyid, for KEY_MISMATCH messages. */
  holderOf?: (keyid: string) => string | undefined;
}

/** The path a `file:` reference names: `file:/abs`, `file:rel` (against baseDir), `file:///abs`. */
export function fileRefPath(ref: string, baseDir: string): string {
  if (!ref.startsWith('file:')) {
    throw new CeremonyError('USAGE', `key reference "${ref}" is not a file: reference`);
  }
  const rest = ref.slice('file:'.length);
  if (rest === '') throw new CeremonyError('USAGE', 'key reference "file:" names no file');
  if (rest.startsWith('//')) {
    try {
      return fileURLToPath(ref);
    } catch {
      throw new CeremonyError('USAGE', `key reference "${ref}" is not a valid file URL`);
    }
  }
  return isAbsolute(rest) ? rest : resolve(baseDir, rest);
}

/** A software signer that records signatures under the enrolled key's own keyid. */
class FileSigner implements ClosableSigner {
  constructor(
    readonly key: Key,
    readonly keyid: string,
    private readonly inner: SoftwareSigner,
  ) {}

  async sign(bytes: Uint8Array): Promise<Signature> {
    const { sig } = await this.inner.sign(bytes);
    return { keyid: this.keyid, sig };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Opens encrypted software key files (`file:` references) as signers. */
export class FileKeyResolver implements KeyRefResolver {
  readonly scheme = 'file';

  constructor(
    private readonly baseDir: string,
    private readonly options: FileKeyResolverOptions = {},
  ) {}

  async open(ref: string, secrets: SecretSource, expected?: Key): Promise<ClosableSigner> {
    const path = fileRefPath(ref, this.baseDir);
    const attempts = secretAttempts(secrets, 'passphrase');
    for (let attempt = 1; ; attempt++) {
      const passphrase = await secrets.get('passphrase', `key file ${path}`, attempt);
      try {
        const signer = new SoftwareSigner(await readEncryptedKeyFile(path, passphrase));
        return this.checked(path, signer, expected);
      } catch (err) {
        if (!isCeremonyError(err, 'SECRET_INVALID') || attempt >= attempts) throw err;
        if (!/wrong passphrase/.test(err.message)) throw err;
      }
    }
  }

  private checked(path: string, signer: SoftwareSigner, expected?: Key): ClosableSigner {
    if (!expected) return new FileSigner(signer.key, signer.keyid, signer);
    const want = publicKeyHandle(expected);
    const have = publicKeyHandle(signer.key);
    const expectedKeyid = computeKeyid(expected);
    // Only the enrolled key may sign for its holder: same public key and the same scheme.
    if (want.identity !== have.identity || want.scheme !== have.scheme) {
      const holder = this.options.holderOf?.(expectedKeyid);
      throw new CeremonyError(
        'KEY_MISMATCH',
        `${path}: this key file holds key ${signer.keyid.slice(0, 8)}, not the enrolled key ` +
          `${expectedKeyid.slice(0, 8)}${holder === undefined ? '' : ` of ${holder}`}`,
      );
    }
    return new FileSigner(expected, expectedKeyid, signer);
  }
}
