import { randomBytes } from 'node:crypto';
import { CeremonyError } from '../metadata/errors.js';
import { keyFromPublicKeyObject } from '../metadata/keys.js';
import type { Key } from '../metadata/model.js';
import { signAndCheck } from '../metadata/sign.js';
import type { SecretSource } from '../signing/key-ref.js';
import { CKA, CKK, CKM, CKO } from './constants.js';
import {
  describeObject,
  findObjects,
  publicKeyOf,
  readBool,
  readUlong,
  type TokenObject,
} from './objects.js';
import { mapPkcs11Error } from './pkcs11-errors.js';
import { paramsOfCurve } from './public-key.js';
import { openSession, type TokenSession } from './session.js';
import { Pkcs11Signer } from './signer.js';
import { chooseMechanism, openTokenKey, type TokenKey } from './token-key.js';
import { describeToken, selectToken, type ModuleOptions } from './tokens.js';
import { parsePkcs11Uri } from './uri.js';
import { objectUri } from './list.js';

// Enrollment of token keys: an existing key (public key read from the token) or one generated
// on the token, non-extractable. Either way the key makes one test signature, verified at once,
// so a key that cannot sign is found at enrollment, not during a ceremony.

/** Algorithms a token key can be generated with. */
export type TokenAlgorithm = 'ecdsa-p256' | 'ed25519';

/** An enrolled token key: the metadata key and the key reference to store with it. */
export interface EnrolledTokenKey {
  key: Key;
  keyRef: string;
  token: { label: string; serial: string; manufacturer: string; model: string };
  object: { label: string; id: string };
}

const CHECK_BYTES = Buffer.from('tuf-ceremony enrollment check: this key can sign');

async function finish(tokenKey: TokenKey): Promise<EnrolledTokenKey> {
  const { session, object } = tokenKey;
  if (!tokenKey.canSign) {
    throw new CeremonyError(
      'HSM',
      `token ${describeToken(session.token)}: key ${describeObject(object)} is not allowed to sign (CKA_SIGN is false) (CKR_KEY_FUNCTION_NOT_PERMITTED)`,
    );
  }
  const key = keyFromPublicKeyObject(tokenKey.publicKey);
  const signer = new Pkcs11Signer(tokenKey, key, chooseMechanism(tokenKey));
  try {
    await signAndCheck(signer, CHECK_BYTES);
  } finally {
    await signer.close();
  }
  const { token } = session;
  return {
    key,
    keyRef: objectUri(session.token, object),
    token: {
      label: token.label,
      serial: token.serial,
      manufacturer: token.manufacturer,
      model: token.model,
    },
    object: { label: object.label, id: object.id.toString('hex') },
  };
}

/** Enrolls an existing token key named by a `pkcs11:` URI (token and object). */
export async function enrollTokenKey(
  uri: string,
  secrets: SecretSource,
  options: ModuleOptions = {},
): Promise<EnrolledTokenKey> {
  const tokenKey = await openTokenKey(parsePkcs11Uri(uri), secrets, options);
  try {
    return await finish(tokenKey);
  } finally {
    tokenKey.session.close();
  }
}

function generateTemplates(algorithm: TokenAlgorithm, label: string, id: Buffer) {
  const keyType = algorithm === 'ed25519' ? CKK.EC_EDWARDS : CKK.EC;
  const common = [
    { type: CKA.KEY_TYPE, value: keyType },
    { type: CKA.TOKEN, value: true },
    { type: CKA.LABEL, value: label },
    { type: CKA.ID, value: id },
  ];
  const publicTemplate = [
    { type: CKA.CLASS, value: CKO.PUBLIC_KEY },
    ...common,
    { type: CKA.PRIVATE, value: false },
    { type: CKA.VERIFY, value: true },
    { type: CKA.EC_PARAMS, value: paramsOfCurve(algorithm === 'ed25519' ? 'ed25519' : 'p256') },
  ];
  const privateTemplate = [
    { type: CKA.CLASS, value: CKO.PRIVATE_KEY },
    ...common,
    { type: CKA.PRIVATE, value: true },
    { type: CKA.SENSITIVE, value: true },
    { type: CKA.EXTRACTABLE, value: false },
    { type: CKA.SIGN, value: true },
  ];
  return { publicTemplate, privateTemplate };
}

function refuseExisting(session: TokenSession, label: string, id: Buffer): void {
  const clash = [
    ...findObjects(session, CKO.PRIVATE_KEY, undefined, label),
    ...findObjects(session, CKO.PUBLIC_KEY, undefined, label),
    ...findObjects(session, CKO.PRIVATE_KEY, id),
    ...findObjects(session, CKO.PUBLIC_KEY, id),
  ];
  if (clash[0]) {
    throw new CeremonyError(
      'HSM',
      `token ${describeToken(session.token)} already has a key ${describeObject(clash[0])}; choose another label or id`,
    );
  }
}

/**
 * Generates a key pair on the token a URI names (CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE,
 * non-extractable, CKA_SIGN), labelled `label`, with the URI's id or a random one.
 */
export async function generateTokenKey(
  uri: string,
  algorithm: TokenAlgorithm,
  label: string,
  secrets: SecretSource,
  options: ModuleOptions = {},
): Promise<EnrolledTokenKey> {
  const parsed = parsePkcs11Uri(uri);
  if (label === '') throw new CeremonyError('USAGE', 'a generated token key needs a label');
  if (parsed.object !== undefined && parsed.object !== label) {
    throw new CeremonyError(
      'USAGE',
      `the URI names object=${parsed.object} but the key label is "${label}": give the label once`,
    );
  }
  const token = await selectToken(parsed, options);
  const session = await openSession(token, secrets, { write: true });
  const where = `token ${describeToken(token)}`;
  try {
    const id = parsed.id ?? randomBytes(8);
    refuseExisting(session, label, id);
    const mechanism =
      algorithm === 'ed25519' ? CKM.EC_EDWARDS_KEY_PAIR_GEN : CKM.ECDSA_KEY_PAIR_GEN;
    const { pkcs11 } = token.module;
    if (!pkcs11.C_GetMechanismList(token.slot).includes(mechanism)) {
      throw new CeremonyError(
        'HSM',
        `${where} cannot generate ${algorithm} keys (no ${algorithm === 'ed25519' ? 'CKM_EC_EDWARDS_KEY_PAIR_GEN' : 'CKM_ECDSA_KEY_PAIR_GEN'}); ${algorithm === 'ed25519' ? 'use ecdsa-p256, or ' : ''}generate it with the vendor tool and enroll it`,
      );
    }
    const { publicTemplate, privateTemplate } = generateTemplates(algorithm, label, id);
    let pair;
    try {
      pair = await pkcs11.C_GenerateKeyPairAsync(
        session.handle,
        { mechanism },
        publicTemplate,
        privateTemplate,
      );
    } catch (err) {
      throw mapPkcs11Error(
        err,
        `${where}: generating a ${algorithm} key (if the token cannot generate through PKCS#11, generate with the vendor tool and enroll the key)`,
      );
    }
    const object: TokenObject = {
      handle: pair.privateKey,
      cls: CKO.PRIVATE_KEY,
      label,
      id,
      keyType: readUlong(session, pair.privateKey, CKA.KEY_TYPE),
    };
    if (
      readBool(session, pair.privateKey, CKA.EXTRACTABLE) !== false ||
      readBool(session, pair.privateKey, CKA.SENSITIVE) !== true
    ) {
      pkcs11.C_DestroyObject(session.handle, pair.privateKey);
      pkcs11.C_DestroyObject(session.handle, pair.publicKey);
      throw new CeremonyError(
        'HSM',
        `${where} did not keep the generated key sensitive and non-extractable; the key was deleted`,
      );
    }
    const pub = findObjects(session, CKO.PUBLIC_KEY, id)[0];
    if (!pub) throw new CeremonyError('HSM', `${where}: the generated public key is missing`);
    const publicKey = publicKeyOf(session, pub);
    return await finish({ session, object, publicKey, canSign: true, alwaysAuthenticate: false });
  } finally {
    session.close();
  }
}
