import { CeremonyError } from '../metadata/errors.js';
import {
  computeKeyid,
  keyFingerprint,
  keyFingerprintDigest,
  keyFromPublicKeyObject,
} from '../metadata/keys.js';
import type { Key } from '../metadata/model.js';
import { CKF, CKO } from './constants.js';
import { describeObject, findObjects, publicKeyOf, type TokenObject } from './objects.js';
import { openSession } from './session.js';
import {
  allTokens,
  describeToken,
  selectToken,
  tokenFlags,
  type ModuleOptions,
  type TokenDescriptor,
} from './tokens.js';
import { formatPkcs11Uri, parsePkcs11Uri } from './uri.js';

// What `hsm list` shows: every token of the module(s), and the keys visible without a PIN
// (public-key and certificate objects), each with its fingerprint and the URI to enroll it by.

/** One key (public half or certificate) visible on a token. */
export interface ListedKey {
  label: string;
  /** CKA_ID in hex ('' when none). */
  id: string;
  /** Where the public key was read: a public-key object or a certificate. */
  source: 'public-key' | 'certificate';
  keytype?: string;
  scheme?: string;
  fingerprint?: string;
  /** Full sha256 of the public key, drawn as the key's visual fingerprint. */
  fingerprintDigest?: string;
  keyid?: string;
  /** Why the key cannot be used here (unsupported type), when it cannot. */
  unsupported?: string;
  uri: string;
}

/** One token with its PIN state and keys. */
export interface ListedToken {
  module: string;
  label: string;
  serial: string;
  manufacturer: string;
  model: string;
  slotId: number;
  pin: 'ok' | 'count-low' | 'final-try' | 'locked';
  keys: ListedKey[];
}

function pinState(flags: number): ListedToken['pin'] {
  if (flags & CKF.USER_PIN_LOCKED) return 'locked';
  if (flags & CKF.USER_PIN_FINAL_TRY) return 'final-try';
  if (flags & CKF.USER_PIN_COUNT_LOW) return 'count-low';
  return 'ok';
}

/** The key reference URI of an object on a token, naming the module as it was found. */
export function objectUri(token: TokenDescriptor, obj: { label: string; id: Buffer }): string {
  const { location } = token.module;
  return formatPkcs11Uri({
    token: token.label,
    ...(token.serial !== '' ? { serial: token.serial } : {}),
    ...(obj.id.length > 0 ? { id: obj.id } : {}),
    ...(obj.label !== '' ? { object: obj.label } : {}),
    ...(location.name !== undefined
      ? { moduleName: location.name }
      : { modulePath: location.path }),
  });
}

async function keysOf(token: TokenDescriptor): Promise<ListedKey[]> {
  const session = await openSession(token, undefined);
  try {
    const seen = new Set<string>();
    const keys: ListedKey[] = [];
    const add = (obj: TokenObject, source: ListedKey['source']): void => {
      const ident = `${obj.id.toString('hex')}\n${obj.id.length > 0 ? '' : obj.label}`;
      if (seen.has(ident)) return;
      seen.add(ident);
      const base = {
        label: obj.label,
        id: obj.id.toString('hex'),
        source,
        uri: objectUri(token, obj),
      };
      try {
        const key = keyFromPublicKeyObject(publicKeyOf(session, obj));
        keys.push({
          ...base,
          keytype: key.keytype,
          scheme: key.scheme,
          fingerprint: keyFingerprint(key),
          fingerprintDigest: keyFingerprintDigest(key),
          keyid: computeKeyid(key),
        });
      } catch (err) {
        keys.push({ ...base, unsupported: (err as Error).message });
      }
    };
    for (const obj of findObjects(session, CKO.PUBLIC_KEY)) add(obj, 'public-key');
    for (const obj of findObjects(session, CKO.CERTIFICATE)) add(obj, 'certificate');
    return keys.sort((a, b) => a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
  } finally {
    session.close();
  }
}

/** Lists the tokens of the given module (or every detected one) with their keys; no PIN needed. */
export async function listTokens(options: ModuleOptions = {}): Promise<ListedToken[]> {
  const tokens = await allTokens({}, options);
  const listed: ListedToken[] = [];
  for (const token of tokens) {
    listed.push({
      module: token.module.location.path,
      label: token.label,
      serial: token.serial,
      manufacturer: token.manufacturer,
      model: token.model,
      slotId: token.slotId,
      pin: pinState(tokenFlags(token)),
      keys: await keysOf(token),
    });
  }
  return listed;
}

/**
 * The public key of the key a URI names, read without a PIN (public-key or certificate object
 * with the URI's id or label): for checking an attestation before enrollment.
 */
export async function readTokenPublicKey(uri: string, options: ModuleOptions = {}): Promise<Key> {
  const parsed = parsePkcs11Uri(uri);
  if (parsed.id === undefined && parsed.object === undefined) {
    throw new CeremonyError('USAGE', `PKCS#11 URI "${uri}" names no key: add id= or object=`);
  }
  const token = await selectToken(parsed, options);
  const session = await openSession(token, undefined);
  try {
    const found = [
      ...findObjects(session, CKO.PUBLIC_KEY, parsed.id, parsed.object),
      ...findObjects(session, CKO.CERTIFICATE, parsed.id, parsed.object),
    ];
    const first = found[0];
    if (!first) {
      throw new CeremonyError(
        'HSM',
        `token ${describeToken(token)}: no public key or certificate ${describeObject({ label: parsed.object ?? '', id: parsed.id ?? Buffer.alloc(0) })} visible without a PIN`,
      );
    }
    return keyFromPublicKeyObject(publicKeyOf(session, first));
  } finally {
    session.close();
  }
}
