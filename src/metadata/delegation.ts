import { hash } from 'node:crypto';
import type { DelegatedRole, Delegations, RoleKeys, SuccinctRoles } from './model.js';
import { pathMatches } from './path-pattern.js';

/** A role a targets role delegates to, resolved for one target path. */
export interface DelegationMatch extends RoleKeys {
  name: string;
  terminating: boolean;
}

// The last path hashed: routing a path and then looking it up in its bin hash it once.
let lastPath: string | undefined;
let lastHash = '';

/** Hex sha256 of a target path, as hash-prefix and succinct-bin delegations use. */
export function targetPathHash(targetPath: string): string {
  if (targetPath !== lastPath) {
    lastHash = hash('sha256', targetPath, 'hex');
    lastPath = targetPath;
  }
  return lastHash;
}

/** True when a delegated role is trusted for the target path (spec 5.6.7.2). */
export function roleCoversPath(role: DelegatedRole, targetPath: string): boolean {
  if (role.paths) return role.paths.some((p) => pathMatches(p, targetPath));
  if (role.path_hash_prefixes) {
    const hash = targetPathHash(targetPath);
    return role.path_hash_prefixes.some((prefix) => hash.startsWith(prefix));
  }
  return false;
}

/** Number of hex digits in a succinct bin name suffix: ceil(bit_length / 4) (TAP 15). */
export function binSuffixLength(bitLength: number): number {
  return Math.ceil(bitLength / 4);
}

/** The bin name for a bin number (TAP 15): `name_prefix-` + zero-padded lowercase hex. */
export function binName(succinct: SuccinctRoles, bin: number): string {
  return `${succinct.name_prefix}-${bin.toString(16).padStart(binSuffixLength(succinct.bit_length), '0')}`;
}

/** True when `role` is one of the bins (TAP 15 names: prefix, `-`, fixed-width lowercase hex). */
export function isBinName(succinct: SuccinctRoles, role: string): boolean {
  const prefix = `${succinct.name_prefix}-`;
  if (!role.startsWith(prefix)) return false;
  const suffix = role.slice(prefix.length);
  if (suffix.length !== binSuffixLength(succinct.bit_length) || !/^[0-9a-f]+$/.test(suffix))
    return false;
  return Number.parseInt(suffix, 16) < 2 ** succinct.bit_length;
}

/** The bin a target path falls in: the first bit_length bits of sha256(path) (TAP 15). */
export function binForPath(succinct: SuccinctRoles, targetPath: string): string {
  // The first 32 bits as an unsigned number (8 hex digits), shifted to bit_length bits.
  const first = Number.parseInt(targetPathHash(targetPath).slice(0, 8), 16);
  return binName(succinct, Math.floor(first / 2 ** (32 - succinct.bit_length)));
}

/** Every bin name of a succinct delegation, in order. */
export function allBinNames(succinct: SuccinctRoles): string[] {
  const count = 2 ** succinct.bit_length;
  const names: string[] = new Array<string>(count);
  for (let bin = 0; bin < count; bin++) names[bin] = binName(succinct, bin);
  return names;
}

/** Roles a targets role delegates the path to, in priority order (spec 5.6.7). */
export function delegationsFor(delegations: Delegations, targetPath: string): DelegationMatch[] {
  if (delegations.succinct_roles) {
    const s = delegations.succinct_roles;
    return [
      {
        name: binForPath(s, targetPath),
        keyids: s.keyids,
        threshold: s.threshold,
        terminating: true,
      },
    ];
  }
  return (delegations.roles ?? [])
    .filter((role) => roleCoversPath(role, targetPath))
    .map(({ name, keyids, threshold, terminating }) => ({ name, keyids, threshold, terminating }));
}
