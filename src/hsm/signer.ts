import { createHash } from 'node:crypto';
import { CeremonyError } from '../metadata/errors.js';
import {
  computeKeyid,
  keyFingerprint,
  keyFromPublicKeyObject,
  publicKeyHandle,
} from '../metadata/keys.js';
import type { Key, Signature } from '../metadata/model.js';
import { checkSignature } from '../metadata/signature-check.js';
import type { ClosableSigner, KeyRefResolver, SecretSource } from '../signing/key-ref.js';
import { CKM } from './constants.js';
import { rawEcdsaToDer } from './ecdsa-der.js';
import { describeObject } from './objects.js';
import { mapPkcs11Error } from './pkcs11-errors.js';
import { chooseMechanism, openTokenKey, type SignMechanism, type TokenKey } from './token-key.js';
import { describeToken, type ModuleOptions } from './tokens.js';
import { parsePkcs11Uri } from './uri.js';

const MECHANISM: Record<SignMechanism, number> = {
  ecdsa: CKM.ECDSA,
  'ecdsa-sha256': CKM.ECDSA_SHA256,
  eddsa: CKM.EDDSA,
};

/** A signer over a private key on a PKCS#11 token; holds one session until `close`. */
export class Pkcs11Signer implements ClosableSigner {
  readonly keyid: string;
  private closed = false;

  constructor(
    private readonly tokenKey: TokenKey,
    readonly key: Key,
    private readonly mechanism: SignMechanism,
  ) {
    this.keyid = computeKeyid(key);
  }

  /** Signs `bytes`; the signature is checked against the public key before it is returned. */
  async sign(bytes: Uint8Array): Promise<Signature> {
    const { session, object } = this.tokenKey;
    const where = `token ${describeToken(session.token)}: signing with key ${describeObject(object)}`;
    if (this.closed) throw new CeremonyError('HSM', `${where}: the signer is already closed`);
    const { pkcs11 } = session.token.module;
    // CKM_ECDSA signs a digest computed here; the combined mechanism and EdDSA get the message.
    const data =
      this.mechanism === 'ecdsa' ? createHash('sha256').update(bytes).digest() : Buffer.from(bytes);
    let out: Buffer;
    try {
      pkcs11.C_SignInit(session.handle, { mechanism: MECHANISM[this.mechanism] }, object.handle);
      if (this.tokenKey.alwaysAuthenticate) session.contextLogin();
      out = await pkcs11.C_SignAsync(session.handle, data, Buffer.alloc(512));
    } catch (err) {
      throw mapPkcs11Error(err, where);
    }
    const sig = this.mechanism === 'eddsa' ? out : rawEcdsaToDer(out);
    const hex = sig.toString('hex');
    if (!checkSignature(publicKeyHandle(this.key), bytes, hex)) {
      throw new CeremonyError('HSM', `${where}: the token's signature does not verify`);
    }
    return { keyid: this.keyid, sig: hex };
  }

  close(): Promise<void> {
    this.closed = true;
    this.tokenKey.session.close();
    return Promise.resolve();
  }
}

/**
 * Opens a signer for a `pkcs11:` key reference. With `expected`, the token's key must be that
 * key (KEY_MISMATCH otherwise) and the signer carries `expected` itself, so its keyid is the
 * enrolled one.
 */
export async function openPkcs11Signer(
  ref: string,
  secrets: SecretSource,
  expected?: Key,
  options: ModuleOptions = {},
): Promise<Pkcs11Signer> {
  const uri = parsePkcs11Uri(ref);
  const tokenKey = await openTokenKey(uri, secrets, { ...options, keepPin: true });
  try {
    const onToken = keyFromPublicKeyObject(tokenKey.publicKey);
    let key = onToken;
    if (expected) {
      if (publicKeyHandle(expected).identity !== publicKeyHandle(onToken).identity) {
        throw new CeremonyError(
          'KEY_MISMATCH',
          `token ${describeToken(tokenKey.session.token)}: key ${describeObject(tokenKey.object)} has fingerprint ${keyFingerprint(onToken)}, not the enrolled ${keyFingerprint(expected)}`,
        );
      }
      key = expected;
    }
    if (!tokenKey.alwaysAuthenticate) tokenKey.session.forgetPin();
    return new Pkcs11Signer(tokenKey, key, chooseMechanism(tokenKey));
  } catch (err) {
    tokenKey.session.close();
    throw err;
  }
}

/** The `pkcs11` scheme for the key reference registry (`--module PATH` overrides URI modules). */
export function pkcs11KeyRefResolver(options: ModuleOptions = {}): KeyRefResolver {
  return {
    scheme: 'pkcs11',
    open: (ref, secrets, expected) => openPkcs11Signer(ref, secrets, expected, options),
  };
}
