import { CeremonyError } from './errors.js';
import { publicKeyHandle } from './keys.js';
import type { Key, RoleKeys, Signature } from './model.js';
import { printablePrefix } from './terminal-text.js';
import { checkSignature } from './signature-check.js';

/** Outcome of checking a role's signatures against its keys and threshold (after python-tuf). */
export interface VerificationResult {
  role: string;
  threshold: number;
  /** Keyids whose signature verified and counted (one per distinct public key). */
  signed: string[];
  /** Keyids authorized for the role that have no valid signature. */
  missing: string[];
  /** Keyids authorized for the role whose signature did not verify. */
  invalid: string[];
  /** Keyids with a valid signature that did not count, because the same public key already counted. */
  duplicates: string[];
  /** Signature keyids not authorized for the role (ignored). */
  unknown: string[];
  /** Keys that could not be read (unsupported type or bad encoding), by keyid, with the reason. */
  unusable: Record<string, string>;
  verified: boolean;
}

/** A result before any signature is counted (`verified` as given: see RoleReport.recorded). */
export function noSignaturesChecked(
  role: string,
  threshold: number,
  verified: boolean,
): VerificationResult {
  return {
    role,
    threshold,
    signed: [],
    missing: [],
    invalid: [],
    duplicates: [],
    unknown: [],
    unusable: {},
    verified,
  };
}

/**
 * Checks signatures over already-canonicalized `bytes` (canonicalize once, however many
 * signatures). Spec 5.3.4 / 5.4.2 / 5.5.3 / 5.6.3: a threshold of the role's keys must have signed;
 * a threshold counts distinct public keys, so one key listed under two keyids counts once.
 * Empty `"sig": ""` placeholders are ignored.
 */
export function verifyRoleSignatures(
  role: string,
  bytes: Uint8Array,
  signatures: readonly Signature[],
  keys: Readonly<Record<string, Key>>,
  roleKeys: RoleKeys,
): VerificationResult {
  const authorized = new Set(roleKeys.keyids);
  const result = noSignaturesChecked(role, roleKeys.threshold, false);
  const countedIdentities = new Set<string>();
  const validKeyids = new Set<string>();
  const invalidKeyids = new Set<string>();
  // Sets, not list scans: linear in the number of signatures however a mirror pads the file.
  const unknown = new Set<string>();
  for (const { keyid, sig } of signatures) {
    if (sig === '') continue;
    if (!authorized.has(keyid)) {
      unknown.add(keyid);
      continue;
    }
    if (validKeyids.has(keyid)) continue;
    const key = Object.hasOwn(keys, keyid) ? keys[keyid] : undefined;
    if (!key) {
      result.unusable[keyid] = 'not listed in keys';
      continue;
    }
    let handle;
    try {
      handle = publicKeyHandle(key);
    } catch (err) {
      result.unusable[keyid] = (err as Error).message;
      continue;
    }
    if (!checkSignature(handle, bytes, sig)) {
      invalidKeyids.add(keyid);
      continue;
    }
    validKeyids.add(keyid);
    invalidKeyids.delete(keyid);
    if (countedIdentities.has(handle.identity)) {
      result.duplicates.push(keyid);
    } else {
      countedIdentities.add(handle.identity);
      result.signed.push(keyid);
    }
  }
  for (const keyid of roleKeys.keyids) {
    if (!validKeyids.has(keyid)) {
      if (invalidKeyids.has(keyid)) result.invalid.push(keyid);
      else result.missing.push(keyid);
    }
  }
  result.unknown = [...unknown];
  result.verified = roleKeys.threshold >= 1 && result.signed.length >= roleKeys.threshold;
  return result;
}

/** One line describing a result, e.g. `root: 2 of 3 required signatures (missing: ab12…, cd34…)`. */
export function describeResult(result: VerificationResult): string {
  const parts = [
    `${result.role}: ${result.signed.length} of ${result.threshold} required signatures`,
  ];
  if (result.invalid.length > 0) parts.push(`invalid: ${result.invalid.map(short).join(', ')}`);
  if (result.missing.length > 0 && !result.verified)
    parts.push(`missing: ${result.missing.map(short).join(', ')}`);
  return parts.join('; ');
}

function short(keyid: string): string {
  return printablePrefix(keyid, 8);
}

/** Throwing wrapper: THRESHOLD_NOT_MET naming the role and the file. */
export function assertVerified(result: VerificationResult, file: string): void {
  if (!result.verified) {
    throw new CeremonyError(
      'THRESHOLD_NOT_MET',
      `${file}: ${describeResult(result)} (spec 5: threshold of signatures not met)`,
    );
  }
}
