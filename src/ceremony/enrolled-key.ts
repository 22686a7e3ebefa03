import { CeremonyError } from '../metadata/errors.js';
import { HOLDER_FIELD } from '../metadata/holder-field.js';
import { isJsonObject } from '../metadata/json.js';
import { computeKeyid, keyFingerprint } from '../metadata/keys.js';
import type { Key } from '../metadata/model.js';

export { HOLDER_FIELD, holderOfKey } from '../metadata/holder-field.js';

/** A public key enrolled for a holder (keys/<holder>/<keyid>.json). */
export interface EnrolledKey {
  holder: string;
  keyid: string;
  key: Key;
  fingerprint: string;
  /**
   * The scheme of the key's reference (`file`, `pkcs11`): where the holder keeps the key is
   * holder-local (their machine's key references, or --key-ref), never committed.
   */
  key_ref_scheme?: string;
  /** Records enrolled by earlier versions carry the holder's reference itself; still read. */
  key_ref?: string;
  enrolled_at: string;
  /** Set when the key was retired or revoked; it no longer goes into new metadata. */
  retired_at?: string;
  retired_reason?: string;
  attestation?: unknown;
}

/**
 * Builds the enrollment record; the keyid is computed here, once (spec 4.2). Only the scheme of
 * `keyRef` is recorded: a path or token URI on one holder's machine has no place in the
 * repository everyone clones.
 */
export function enrollKey(
  holder: string,
  publicKey: Key,
  keyRef: string,
  enrolledAt: string,
): EnrolledKey {
  const key: Key = { ...publicKey, [HOLDER_FIELD]: holder } as Key;
  const colon = keyRef.indexOf(':');
  return {
    holder,
    keyid: computeKeyid(key),
    key,
    fingerprint: keyFingerprint(key),
    key_ref_scheme: colon > 0 ? keyRef.slice(0, colon) : keyRef,
    enrolled_at: enrolledAt,
  };
}

/**
 * Checks a stored enrollment record; its keyid must be the sha256 of its canonical key (spec 4.2),
 * never silently recomputed, and its holder must match the folder it was found in.
 */
export function checkEnrolledKey(
  value: unknown,
  file: string,
  holderFromPath: string,
): EnrolledKey {
  const bad = (rule: string): never => {
    throw new CeremonyError('STATE_INVALID', `${file}: ${rule}`);
  };
  if (!isJsonObject(value)) return bad('must be a JSON object');
  const { holder, keyid, key, key_ref: keyRef, key_ref_scheme: scheme } = value;
  if (typeof holder !== 'string' || holder !== holderFromPath)
    bad(`holder must be "${holderFromPath}"`);
  if (typeof keyid !== 'string') return bad('keyid must be a string');
  if (!isJsonObject(key) || !isJsonObject(key.keyval) || typeof key.keyval.public !== 'string') {
    return bad('key must be a TUF key object');
  }
  if (keyRef !== undefined && typeof keyRef !== 'string') bad('key_ref must be a string');
  if (scheme !== undefined && typeof scheme !== 'string') bad('key_ref_scheme must be a string');
  if (keyRef === undefined && scheme === undefined) bad('key_ref_scheme must be a string');
  const actual = computeKeyid(key as unknown as Key);
  if (actual !== keyid)
    bad(`keyid ${keyid} is not the sha256 of the key (${actual}); the file was edited by hand`);
  return value as unknown as EnrolledKey;
}
