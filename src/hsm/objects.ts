import type { KeyObject } from 'node:crypto';
import { CeremonyError } from '../metadata/errors.js';
import { CKA, CKO } from './constants.js';
import { mapPkcs11Error } from './pkcs11-errors.js';
import { publicKeyFromCertificate, publicKeyFromEcAttributes } from './public-key.js';
import type { TokenSession } from './session.js';
import { describeToken } from './tokens.js';

// Token objects: searching by class, id and label, reading attributes one by one (a token may
// refuse single attributes), and pairing a private key with its public key or certificate.

/** A key-like object found on a token. */
export interface TokenObject {
  readonly handle: Buffer;
  readonly cls: number;
  readonly label: string;
  readonly id: Buffer;
  readonly keyType: number | undefined;
}

/** Reads one attribute; undefined when the token does not have or will not reveal it. */
export function readAttribute(
  session: TokenSession,
  handle: Buffer,
  type: number,
): Buffer | undefined {
  try {
    const [attr] = session.token.module.pkcs11.C_GetAttributeValue(session.handle, handle, [
      { type },
    ]);
    return attr?.value;
  } catch {
    return undefined;
  }
}

/** A CK_ULONG attribute (little-endian on the platforms pkcs11js supports). */
export function readUlong(session: TokenSession, handle: Buffer, type: number): number | undefined {
  const v = readAttribute(session, handle, type);
  if (!v || v.length === 0) return undefined;
  return v.length >= 8 ? Number(v.readBigUInt64LE(0)) : v.readUInt32LE(0);
}

/** A CK_BBOOL attribute. */
export function readBool(session: TokenSession, handle: Buffer, type: number): boolean | undefined {
  const v = readAttribute(session, handle, type);
  return v && v.length > 0 ? v[0] !== 0 : undefined;
}

/** Finds objects of a class, optionally with a given CKA_ID and CKA_LABEL. */
export function findObjects(
  session: TokenSession,
  cls: number,
  id?: Buffer,
  label?: string,
): TokenObject[] {
  const { pkcs11 } = session.token.module;
  const template: { type: number; value: number | Buffer | string }[] = [
    { type: CKA.CLASS, value: cls },
  ];
  if (id !== undefined) template.push({ type: CKA.ID, value: id });
  if (label !== undefined) template.push({ type: CKA.LABEL, value: label });
  const handles: Buffer[] = [];
  try {
    pkcs11.C_FindObjectsInit(session.handle, template);
    for (;;) {
      const batch = pkcs11.C_FindObjects(session.handle, 64);
      if (batch.length === 0) break;
      handles.push(...batch);
    }
    pkcs11.C_FindObjectsFinal(session.handle);
  } catch (err) {
    throw mapPkcs11Error(err, `token ${describeToken(session.token)}: searching objects`);
  }
  return handles.map((handle) => ({
    handle,
    cls,
    label: readAttribute(session, handle, CKA.LABEL)?.toString('utf8') ?? '',
    id: readAttribute(session, handle, CKA.ID) ?? Buffer.alloc(0),
    keyType: readUlong(session, handle, CKA.KEY_TYPE),
  }));
}

/** The public key of a public-key or certificate object. */
export function publicKeyOf(session: TokenSession, obj: TokenObject): KeyObject {
  if (obj.cls === CKO.CERTIFICATE) {
    const der = readAttribute(session, obj.handle, CKA.VALUE);
    if (!der) throw new CeremonyError('HSM', `certificate ${describeObject(obj)} has no value`);
    return publicKeyFromCertificate(der);
  }
  const params = readAttribute(session, obj.handle, CKA.EC_PARAMS);
  const point = readAttribute(session, obj.handle, CKA.EC_POINT);
  if (!params || !point || obj.keyType === undefined) {
    throw new CeremonyError(
      'KEY_UNSUPPORTED',
      `token key ${describeObject(obj)} is not an EC key (only P-256 and Ed25519 are supported)`,
    );
  }
  return publicKeyFromEcAttributes(obj.keyType, params, point);
}

/** The public key paired with a private key: same CKA_ID (or label), public object or certificate. */
export function pairedPublicKey(session: TokenSession, priv: TokenObject): KeyObject {
  const byId = priv.id.length > 0;
  const id = byId ? priv.id : undefined;
  const label = byId ? undefined : priv.label;
  const pub = findObjects(session, CKO.PUBLIC_KEY, id, label)[0];
  if (pub) return publicKeyOf(session, pub);
  const cert = findObjects(session, CKO.CERTIFICATE, id, label)[0];
  if (cert) return publicKeyOf(session, cert);
  throw new CeremonyError(
    'HSM',
    `token ${describeToken(session.token)}: key ${describeObject(priv)} has no public key or certificate object with the same id, so its public key cannot be read`,
  );
}

/** `label "root-key" id 01` for messages. */
export function describeObject(obj: { label: string; id: Buffer }): string {
  const parts: string[] = [];
  if (obj.label !== '') parts.push(`"${obj.label}"`);
  if (obj.id.length > 0) parts.push(`id ${obj.id.toString('hex')}`);
  return parts.length > 0 ? parts.join(' ') : '(no label or id)';
}
