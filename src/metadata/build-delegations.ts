import { checkCount, newTargets, type NewRoleOptions } from './build-roles.js';
import { keyMap } from './build-keys.js';
import { copyMap, setOwn } from './build-own.js';
import { allBinNames, binForPath } from './delegation.js';
import { CeremonyError } from './errors.js';
import type {
  DelegatedRole,
  Delegations,
  Key,
  SuccinctRoles,
  TargetFile,
  TargetsSigned,
} from './model.js';

// Delegations of a targets role (spec 4.5) and TAP 15 succinct hash bins. A role delegates
// either by path patterns / hash prefixes (`roles`) or by succinct bins, never both.

/** A path-pattern (or hash-prefix) delegation to add. */
export interface PathDelegationInput {
  name: string;
  keys: readonly Key[];
  threshold: number;
  /** Exactly one of `paths` and `pathHashPrefixes`. */
  paths?: readonly string[];
  pathHashPrefixes?: readonly string[];
  /** Defaults to false. */
  terminating?: boolean;
}

/** A succinct hash-bin delegation to set (TAP 15); every bin shares these keys. */
export interface SuccinctDelegationInput {
  keys: readonly Key[];
  threshold: number;
  bitLength: number;
  namePrefix: string;
}

const ROLE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const TOP_LEVEL = new Set(['root', 'targets', 'snapshot', 'timestamp']);

/** Throws unless `name` can be a delegated role name and a file name (no `/`, `..`, top-level). */
export function checkRoleName(name: string): string {
  if (!ROLE_NAME.test(name) || name.includes('..') || TOP_LEVEL.has(name)) {
    throw new CeremonyError(
      'METADATA_INVALID',
      `delegated role name ${JSON.stringify(name)} must be letters, digits, ".", "_" or "-" and not a top-level role`,
    );
  }
  return name;
}

function mergeKeys(existing: Delegations | undefined, keys: readonly Key[]) {
  const added = keyMap(keys);
  const merged = copyMap(existing?.keys ?? {});
  for (const keyid of added.keyids) setOwn(merged, keyid, added.keys[keyid] as Key);
  return { keys: merged, keyids: added.keyids };
}

function pruneKeys(delegations: Delegations): Delegations {
  const used = new Set<string>();
  for (const role of delegations.roles ?? []) for (const k of role.keyids) used.add(k);
  for (const k of delegations.succinct_roles?.keyids ?? []) used.add(k);
  const keys: Record<string, Key> = {};
  for (const keyid of Object.keys(delegations.keys)) {
    if (used.has(keyid)) setOwn(keys, keyid, delegations.keys[keyid] as Key);
  }
  return { ...delegations, keys };
}

/** Appends a path delegation (lowest priority so far); refuses duplicates and succinct mixes. */
export function addDelegation(targets: TargetsSigned, input: PathDelegationInput): TargetsSigned {
  const name = checkRoleName(input.name);
  const existing = targets.delegations;
  if (existing?.succinct_roles) {
    throw new CeremonyError(
      'METADATA_INVALID',
      `targets: cannot add ${name}: role uses succinct_roles (TAP 15)`,
    );
  }
  if ((existing?.roles ?? []).some((r) => r.name === name)) {
    throw new CeremonyError('METADATA_INVALID', `targets: role ${name} is already delegated`);
  }
  if ((input.paths === undefined) === (input.pathHashPrefixes === undefined)) {
    throw new CeremonyError(
      'METADATA_INVALID',
      `delegation ${name}: give exactly one of paths and path hash prefixes`,
    );
  }
  const { keys, keyids } = mergeKeys(existing, input.keys);
  const role: DelegatedRole = {
    name,
    keyids,
    threshold: checkCount(input.threshold, 1, `${name} threshold`),
    terminating: input.terminating ?? false,
  };
  if (input.paths) role.paths = [...input.paths];
  if (input.pathHashPrefixes) role.path_hash_prefixes = [...input.pathHashPrefixes];
  const delegations: Delegations = { ...existing, keys, roles: [...(existing?.roles ?? []), role] };
  return { ...targets, delegations };
}

/** Removes a path delegation by name; keys no other delegation uses are dropped. */
export function removeDelegation(targets: TargetsSigned, name: string): TargetsSigned {
  const roles = targets.delegations?.roles ?? [];
  if (!targets.delegations || !roles.some((r) => r.name === name)) {
    throw new CeremonyError('METADATA_INVALID', `targets: role ${name} is not delegated`);
  }
  const delegations = pruneKeys({
    ...targets.delegations,
    roles: roles.filter((r) => r.name !== name),
  });
  return { ...targets, delegations };
}

/** Sets (or replaces) the succinct hash-bin delegation; refuses when path delegations exist. */
export function setSuccinctDelegation(
  targets: TargetsSigned,
  input: SuccinctDelegationInput,
): TargetsSigned {
  const existing = targets.delegations;
  if ((existing?.roles ?? []).length > 0) {
    throw new CeremonyError(
      'METADATA_INVALID',
      'targets: cannot mix roles and succinct_roles (TAP 15)',
    );
  }
  checkCount(input.bitLength, 1, 'bit_length');
  if (input.bitLength > 32)
    throw new CeremonyError('METADATA_INVALID', 'bit_length must be between 1 and 32');
  checkRoleName(`${input.namePrefix}-0`);
  const { keys, keyids } = mergeKeys(undefined, input.keys);
  const succinct: SuccinctRoles = {
    keyids,
    threshold: checkCount(input.threshold, 1, 'succinct_roles threshold'),
    bit_length: input.bitLength,
    name_prefix: input.namePrefix,
  };
  const delegations: Delegations = { ...existing, keys, succinct_roles: succinct };
  delete delegations.roles;
  return { ...targets, delegations };
}

/**
 * Builds every bin role of a succinct delegation (TAP 15: every bin file must exist), placing
 * each target in the bin named by the first bit_length bits of sha256(path). Linear in targets.
 */
export function buildBinRoles(
  succinct: SuccinctRoles,
  options: NewRoleOptions,
  targets: Readonly<Record<string, TargetFile>> = {},
): Map<string, TargetsSigned> {
  if (succinct.bit_length > 16) {
    throw new CeremonyError(
      'METADATA_INVALID',
      `bit_length ${succinct.bit_length}: more than 65,536 bins are not built at once`,
    );
  }
  const bins = new Map<string, TargetsSigned>();
  for (const name of allBinNames(succinct)) bins.set(name, newTargets(options));
  for (const path of Object.keys(targets)) {
    const bin = bins.get(binForPath(succinct, path)) as TargetsSigned;
    setOwn(bin.targets, path, targets[path] as TargetFile);
  }
  return bins;
}
