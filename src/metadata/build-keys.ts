import { checkCount } from './build-roles.js';
import { copyMap, filterMap, hasOwn, setOwn } from './build-own.js';
import { CeremonyError } from './errors.js';
import { computeKeyid } from './keys.js';
import type { Key, RoleKeys, RootSigned } from './model.js';

// Root key and role edits. Keyids are computed once per added key (spec 4.2: sha256 of the
// canonical key object, custom fields included) and never trusted from the caller.

function roleOf(root: RootSigned, role: string): RoleKeys {
  const current = hasOwn(root.roles, role) ? root.roles[role] : undefined;
  if (!current) {
    throw new CeremonyError('METADATA_INVALID', `root: role ${role} is not listed in signed.roles`);
  }
  return current;
}

function withRole(root: RootSigned, role: string, value: RoleKeys, keys = root.keys): RootSigned {
  const roles = copyMap(root.roles);
  setOwn(roles, role, value);
  return { ...root, keys, roles };
}

/** Adds `key` to root.keys (keyid computed once) and authorizes it for `role`. */
export function addRoleKey(root: RootSigned, role: string, key: Key): RootSigned {
  const current = roleOf(root, role);
  const keyid = computeKeyid(key);
  const keys = copyMap(root.keys);
  setOwn(keys, keyid, key);
  const keyids = current.keyids.includes(keyid) ? current.keyids : [...current.keyids, keyid];
  return withRole(root, role, { ...current, keyids }, keys);
}

/** Removes `keyid` from `role`; the key leaves root.keys once no role lists it. */
export function removeRoleKey(root: RootSigned, role: string, keyid: string): RootSigned {
  const current = roleOf(root, role);
  if (!current.keyids.includes(keyid)) {
    throw new CeremonyError(
      'METADATA_INVALID',
      `root: key ${keyid.slice(0, 8)} is not a ${role} key`,
    );
  }
  const next = withRole(root, role, {
    ...current,
    keyids: current.keyids.filter((k) => k !== keyid),
  });
  const stillUsed = Object.values(next.roles).some((r) => r.keyids.includes(keyid));
  if (!stillUsed) {
    next.keys = filterMap(root.keys, (k) => k !== keyid);
  }
  return next;
}

/** Sets the signature threshold of a root role (an integer >= 1). */
export function setRoleThreshold(root: RootSigned, role: string, threshold: number): RootSigned {
  const current = roleOf(root, role);
  return withRole(root, role, {
    ...current,
    threshold: checkCount(threshold, 1, `${role} threshold`),
  });
}

/** Replaces the keys of `role` with `keys` and sets its threshold; unused keys are dropped. */
export function setRoleKeys(
  root: RootSigned,
  role: string,
  keys: readonly Key[],
  threshold: number,
): RootSigned {
  const current = roleOf(root, role);
  const allKeys = copyMap(root.keys);
  const keyids: string[] = [];
  for (const key of keys) {
    const keyid = computeKeyid(key);
    setOwn(allKeys, keyid, key);
    if (!keyids.includes(keyid)) keyids.push(keyid);
  }
  const next = withRole(
    root,
    role,
    { ...current, keyids, threshold: checkCount(threshold, 1, `${role} threshold`) },
    allKeys,
  );
  const used = new Set<string>();
  for (const r of Object.values(next.roles)) for (const k of r.keyids) used.add(k);
  next.keys = filterMap(allKeys, (keyid) => used.has(keyid));
  return next;
}

/** Keys of `keys` as a keyid map (each keyid computed once), with their keyids in order. */
export function keyMap(keys: readonly Key[]): { keys: Record<string, Key>; keyids: string[] } {
  const map: Record<string, Key> = {};
  const keyids: string[] = [];
  for (const key of keys) {
    const keyid = computeKeyid(key);
    if (!hasOwn(map, keyid)) keyids.push(keyid);
    setOwn(map, keyid, key);
  }
  return { keys: map, keyids };
}
