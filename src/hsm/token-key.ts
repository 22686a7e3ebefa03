import type { KeyObject } from 'node:crypto';
import { CeremonyError } from '../metadata/errors.js';
import type { SecretSource } from '../signing/key-ref.js';
import { CKA, CKM, CKO } from './constants.js';
import {
  describeObject,
  findObjects,
  pairedPublicKey,
  readBool,
  type TokenObject,
} from './objects.js';
import { mapPkcs11Error } from './pkcs11-errors.js';
import { openSession, type TokenSession } from './session.js';
import { describeToken, selectToken, type ModuleOptions } from './tokens.js';
import type { Pkcs11Uri } from './uri.js';

// A private key on a token, found by URI, with its public key and the mechanism to sign with.

/** How a token key signs: host-hashed ECDSA, token-hashed ECDSA, or EdDSA over the message. */
export type SignMechanism = 'ecdsa' | 'ecdsa-sha256' | 'eddsa';

/** An open private key: its session stays open until `session.close()`. */
export interface TokenKey {
  readonly session: TokenSession;
  readonly object: TokenObject;
  readonly publicKey: KeyObject;
  readonly canSign: boolean;
  readonly alwaysAuthenticate: boolean;
}

/** The one private key a URI names on a token (none or several is an error with candidates). */
export function findPrivateKey(session: TokenSession, uri: Pkcs11Uri): TokenObject {
  if (uri.type !== undefined && uri.type !== 'private') {
    throw new CeremonyError(
      'USAGE',
      `PKCS#11 URI names type=${uri.type}; a signing key is type=private (or no type)`,
    );
  }
  const where = `token ${describeToken(session.token)}`;
  const found = findObjects(session, CKO.PRIVATE_KEY, uri.id, uri.object);
  if (found.length === 1) return found[0] as TokenObject;
  if (found.length === 0) {
    const all = findObjects(session, CKO.PRIVATE_KEY).map(describeObject);
    const wanted = describeObject({ label: uri.object ?? '', id: uri.id ?? Buffer.alloc(0) });
    throw new CeremonyError(
      'HSM',
      `${where}: no private key ${wanted} found (keys on the token: ${all.join(', ') || 'none'})`,
    );
  }
  throw new CeremonyError(
    'HSM',
    `${where}: ${found.length} private keys match; add id= or object= to the URI (candidates: ${found.map(describeObject).join(', ')})`,
  );
}

/** Selects the token, logs in, and opens the private key a URI names. */
export async function openTokenKey(
  uri: Pkcs11Uri,
  secrets: SecretSource,
  options: ModuleOptions & { keepPin?: boolean },
): Promise<TokenKey> {
  const token = await selectToken(uri, options);
  const session = await openSession(
    token,
    secrets,
    options.keepPin === undefined ? {} : { keepPin: options.keepPin },
  );
  try {
    const object = findPrivateKey(session, uri);
    return {
      session,
      object,
      publicKey: pairedPublicKey(session, object),
      canSign: readBool(session, object.handle, CKA.SIGN) !== false,
      alwaysAuthenticate: readBool(session, object.handle, CKA.ALWAYS_AUTHENTICATE) === true,
    };
  } catch (err) {
    session.close();
    throw err;
  }
}

/** Picks the signing mechanism for a key from what the token lists. */
export function chooseMechanism(key: TokenKey): SignMechanism {
  const { token } = key.session;
  let mechanisms: number[];
  try {
    mechanisms = token.module.pkcs11.C_GetMechanismList(token.slot);
  } catch (err) {
    throw mapPkcs11Error(err, `token ${describeToken(token)}: listing mechanisms`);
  }
  const has = (m: number): boolean => mechanisms.includes(m);
  const type = key.publicKey.asymmetricKeyType;
  // TUF-FACTS: ecdsa-sha2-nistp256 is ECDSA over sha256(bytes); CKM_ECDSA gets the digest.
  if (type === 'ec' && has(CKM.ECDSA)) return 'ecdsa';
  if (type === 'ec' && has(CKM.ECDSA_SHA256)) return 'ecdsa-sha256';
  if (type === 'ed25519' && has(CKM.EDDSA)) return 'eddsa';
  throw new CeremonyError(
    'HSM',
    `token ${describeToken(token)}: no ${type === 'ed25519' ? 'CKM_EDDSA' : 'CKM_ECDSA'} mechanism for key ${describeObject(key.object)} (CKR_MECHANISM_INVALID)`,
  );
}
