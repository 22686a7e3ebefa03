import { hash } from 'node:crypto';
import { canonicalString } from '../canonical.js';
import type { Key, RoleKeys } from '../model.js';

// What one finalize on a machine verified as a client, the next finalize on the same machine
// need not verify again: a targets role whose exact bytes (sha256) were parsed, canonicalized and
// found signed by a threshold of the same delegating authority (keys and threshold) under the
// same name. The workflow still fetches those bytes and checks their length and hashes against
// snapshot (spec 5.6.2), their version against snapshot (5.6.4) and their expiry at `now`
// (5.6.5) from the recorded facts; it skips only the parse and the signature check. The record
// lives outside every ceremony repository (a pull request cannot supply it) and only finalize
// passes it: `verify`, `publish --check` and the interop clients verify every role themselves.

/** What a full verification of a targets role established, kept for the next command. */
export interface RecordedRole {
  version: number;
  /** `YYYY-MM-DDTHH:MM:SSZ`, checked again at each use (spec 5.6.5). */
  expires: string;
}

/**
 * A machine-local record of targets roles verified before, by the key `verifiedRoleKey` gives.
 * Only roles without delegations are recorded (a role with delegations is parsed anyway to walk
 * them, spec 5.6.7).
 */
export interface VerifiedRoles {
  /** The facts recorded under `key`, if this machine verified that role before. */
  get(key: string): RecordedRole | undefined;
  /** Records a role this verification checked in full. */
  add(key: string, role: RecordedRole): void;
}

/**
 * The sha256 (hex) of what authorizes a role (spec 5.6.3): the delegator's keys for it, its
 * keyids in order and its threshold, as canonical JSON. Another key, keyid or threshold gives
 * another digest.
 */
export function authorityDigest(keys: Readonly<Record<string, Key>>, roleKeys: RoleKeys): string {
  const used: Record<string, Key> = {};
  for (const keyid of roleKeys.keyids) {
    const key = Object.hasOwn(keys, keyid) ? keys[keyid] : undefined;
    if (key !== undefined) used[keyid] = key;
  }
  const text = canonicalString({
    keys: used,
    keyids: roleKeys.keyids,
    threshold: roleKeys.threshold,
  });
  return hash('sha256', text, 'hex');
}

/**
 * authorityDigest remembered for one verification: succinct bins share one delegation object, so
 * its digest is computed once per walk, not once per bin (objects are not remembered across
 * verifications: one could change in between).
 */
export function authorityDigests(): (
  keys: Readonly<Record<string, Key>>,
  roleKeys: RoleKeys,
) => string {
  const known = new WeakMap<RoleKeys, { keys: object; digest: string }>();
  return (keys, roleKeys) => {
    const seen = known.get(roleKeys);
    if (seen?.keys === keys) return seen.digest;
    const digest = authorityDigest(keys, roleKeys);
    known.set(roleKeys, { keys, digest });
    return digest;
  };
}

/** The record key of one role: its name, the sha256 of its bytes and its authority's digest. */
export function verifiedRoleKey(name: string, sha256: string, authority: string): string {
  // JSON of the three strings: no name can be spelled so that two triples share a key.
  return hash('sha256', JSON.stringify([name, sha256, authority]), 'hex');
}
