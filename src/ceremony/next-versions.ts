import { setRoleKeys } from '../metadata/build-keys.js';
import { addDelegation, setSuccinctDelegation } from '../metadata/build-delegations.js';
import { newRoot, newTargets, setVersion } from '../metadata/build-roles.js';
import { canonicalString } from '../metadata/canonical.js';
import { allBinNames, isBinName } from '../metadata/delegation.js';
import { sameJson } from '../metadata/same-json.js';
import { CeremonyError } from '../metadata/errors.js';
import type {
  AnySigned,
  Key,
  RoleKeys,
  RootSigned,
  TargetFile,
  TargetsSigned,
} from '../metadata/model.js';
import { formatExpiry, parseTime } from '../metadata/time.js';
import type { EnrolledKey } from './enrolled-key.js';
import { activeKeysByHolder, oneVoteProblems } from './one-vote.js';
import {
  planRole,
  roleNames,
  TOP_LEVEL_ROLES,
  type Plan,
  type PlanDelegation,
  type PlanRole,
} from './plan.js';
import type { PublishedRepo } from './published.js';
import { checkTargetPlacement, succinctRolesOf, targetsByBin } from './target-routing.js';

/** A role the next ceremony must sign, with the reasons it needs a new version. */
export interface PlannedRole {
  role: string;
  signed: AnySigned;
  reasons: string[];
}

/** Inputs to planning: the plan, the active enrolled keys, what is published, and the time. */
export interface PlanningInput {
  plan: Plan;
  keys: readonly EnrolledKey[];
  published: PublishedRepo;
  now: number;
  /** Roles to re-sign even when nothing changed (e.g. `--role targets`). */
  force?: readonly string[];
  /**
   * The target files the top-level targets role should list (from the ceremony's targets/
   * folder); when absent, the published targets are carried over unchanged.
   */
  topLevelTargets?: Readonly<Record<string, TargetFile>>;
  /**
   * The target files of delegations, by plan delegation name (from the ceremony's
   * delegated-targets/<name>/ folders): a path delegation lists exactly these, a bins delegation
   * spreads them into its bins; delegations absent here carry their published targets over.
   */
  delegatedTargets?: ReadonlyMap<string, Readonly<Record<string, TargetFile>>>;
  /**
   * Bins delegations whose inputs are given bin by bin (a listing kept per bin, no input
   * folder), instead of in delegatedTargets: see BinInputs.
   */
  binInputs?: ReadonlyMap<string, BinInputs>;
}

/** A published bin's version and expiry, known without parsing it. */
export interface KnownBin {
  version: number;
  expires: string;
}

/**
 * A bins delegation's inputs bin by bin: the targets of each bin read from its listing, and the
 * bins whose listing is known to give exactly the published bin's targets (not read). A bin in
 * neither has no inputs: it lists no targets.
 */
export interface BinInputs {
  read: ReadonlyMap<string, Readonly<Record<string, TargetFile>>>;
  samePublished: ReadonlyMap<string, KnownBin>;
}

function keysFor(role: PlanRole, byHolder: ReadonlyMap<string, Key[]>, errors: string[]): Key[] {
  const keys: Key[] = [];
  for (const holder of role.holders) {
    const held = byHolder.get(holder) ?? [];
    if (held.length === 0)
      errors.push(
        `${holder} (a holder of ${role.name}) has no enrolled key: run tuf-ceremony key add --holder ${holder}`,
      );
    keys.push(...held);
  }
  return keys;
}

function policyOf(signed: RootSigned): string {
  return canonicalString({
    keys: signed.keys,
    roles: signed.roles,
    consistent_snapshot: signed.consistent_snapshot ?? false,
  });
}

function delegationsOf(signed: TargetsSigned | undefined): string {
  return canonicalString(signed?.delegations ?? null);
}

function withDelegations(
  base: TargetsSigned,
  children: readonly PlanDelegation[],
  byHolder: ReadonlyMap<string, Key[]>,
  errors: string[],
): TargetsSigned {
  let next: TargetsSigned = { ...base };
  delete next.delegations;
  for (const child of children) {
    const keys = keysFor(child, byHolder, errors);
    if (keys.length === 0) continue;
    if (child.succinct) {
      next = setSuccinctDelegation(next, {
        keys,
        threshold: child.threshold,
        bitLength: child.succinct.bitLength,
        namePrefix: child.succinct.namePrefix,
      });
    } else {
      next = addDelegation(next, {
        name: child.name,
        keys,
        threshold: child.threshold,
        paths: child.paths ?? [],
        terminating: child.terminating,
      });
    }
  }
  return next;
}

// Every bin of a succinct delegation shares one keys object and one succinct_roles object:
// their canonical form is made once, not once per bin (metadata is never changed in place).
const authorityKeys = new WeakMap<object, WeakMap<object, string>>();

/** Canonical form of the keys and threshold that authorize a role (empty when none). */
function authorityKey(keys: Readonly<Record<string, Key>>, roleKeys: RoleKeys | undefined): string {
  if (!roleKeys) return '';
  let byKeys = authorityKeys.get(roleKeys);
  const known = byKeys?.get(keys);
  if (known !== undefined) return known;
  const ids = [...roleKeys.keyids].sort();
  const key = canonicalString({
    threshold: roleKeys.threshold,
    keys: ids.map((k) => keys[k] ?? k),
  });
  if (byKeys === undefined) {
    byKeys = new WeakMap();
    authorityKeys.set(roleKeys, byKeys);
  }
  byKeys.set(keys, key);
  return key;
}

/** The authority a targets-type role gives a delegated role or hash bin. */
function delegationAuthority(parent: TargetsSigned | undefined, role: string): string {
  const d = parent?.delegations;
  if (!d) return '';
  const match = d.roles?.find((r) => r.name === role);
  if (match) return authorityKey(d.keys, match);
  if (d.succinct_roles && isBinName(d.succinct_roles, role))
    return authorityKey(d.keys, d.succinct_roles);
  return '';
}

function inWindow(signed: { expires: string } | undefined, role: PlanRole, now: number): boolean {
  if (!signed) return false;
  return parseTime(signed.expires, `${role.name} expires`) - role.signingWindowMs <= now;
}

/**
 * Computes the next version of every offline role that needs one: on a first ceremony all of
 * them; later, those whose keys, thresholds or delegations the plan changed, those inside their
 * signing window, and those forced. Snapshot and timestamp are made at finalize by the online key.
 * Every missing enrollment is reported at once.
 */
export function planNextVersions(input: PlanningInput): PlannedRole[] {
  const { plan, published, now } = input;
  const delegatedTargets = input.delegatedTargets ?? new Map<string, never>();
  const binInputs = input.binInputs ?? new Map<string, never>();
  const readBins = [...binInputs].flatMap(([role, given]) =>
    [...given.read.values()].map((targets) => [role, targets] as const),
  );
  checkTargetPlacement(plan, input.topLevelTargets, [...delegatedTargets, ...readBins]);
  const force = new Set(input.force ?? []);
  // One holder, one vote: a holder with two keys of a role (or two holders sharing a key) would
  // meet a threshold of holders with fewer people; refuse before any draft exists.
  const errors: string[] = oneVoteProblems(input.keys, (holder) =>
    roleNames(plan).some((r) => planRole(plan, r).holders.includes(holder)),
  );
  const byHolder = new Map<string, Key[]>();
  for (const [holder, held] of activeKeysByHolder(input.keys))
    byHolder.set(
      holder,
      held.map((k) => k.key),
    );
  const planned: PlannedRole[] = [];
  const expiry = (role: PlanRole): number => now + role.expiresMs;

  // Root: keys and thresholds for the four top-level roles straight from the plan.
  const oldRoot = published.root?.metadata.signed;
  let root: RootSigned = oldRoot
    ? { ...oldRoot }
    : newRoot({
        expires: expiry(plan.roles.root),
        thresholds: { root: 1, targets: 1, snapshot: 1, timestamp: 1 },
      });
  for (const name of TOP_LEVEL_ROLES) {
    const role = plan.roles[name];
    const keys = keysFor(role, byHolder, errors);
    if (keys.length > 0) root = setRoleKeys(root, name, keys, role.threshold);
  }
  root.consistent_snapshot = plan.consistentSnapshot;
  const rootReasons: string[] = [];
  if (!oldRoot) rootReasons.push('first version');
  else {
    if (policyOf(oldRoot) !== policyOf(root))
      rootReasons.push('keys, thresholds or settings changed in the plan');
    if (inWindow(oldRoot, plan.roles.root, now))
      rootReasons.push(`expires ${oldRoot.expires}, inside its signing window`);
    if (force.has('root')) rootReasons.push('requested');
  }

  // Targets-type roles: delegations straight from the plan, targets carried over.
  const childrenOf = (parent: string): PlanDelegation[] =>
    plan.delegations.filter((d) => d.delegatedBy === parent);
  const targetsPlans: { role: string; policy: PlanRole; previous: TargetsSigned | undefined }[] = [
    { role: 'targets', policy: plan.roles.targets, previous: published.targets?.metadata.signed },
  ];
  for (const d of plan.delegations) {
    if (d.succinct) continue;
    targetsPlans.push({
      role: d.name,
      policy: d,
      previous: published.delegated.get(d.name)?.metadata.signed,
    });
  }
  const built = new Map<string, TargetsSigned>();
  for (const { role, policy, previous } of targetsPlans) {
    built.set(
      role,
      withDelegations(
        previous ?? newTargets({ expires: expiry(policy) }),
        childrenOf(role),
        byHolder,
        errors,
      ),
    );
  }
  // Who signs a targets-type role now and before: a change means the role must be re-signed
  // (spec 5.6.3 / 5.6.7.1: it is only trusted with a threshold of its current authority).
  const authorityNow = (role: string, delegatedBy: string): string => {
    if (delegatedBy === 'root') return authorityKey(root.keys, root.roles[role]);
    const parent = built.get(delegatedBy);
    return delegationAuthority(parent, role);
  };
  const authorityBefore = (role: string, delegatedBy: string): string => {
    if (delegatedBy === 'root')
      return oldRoot ? authorityKey(oldRoot.keys, oldRoot.roles[role]) : '';
    const parent =
      delegatedBy === 'targets'
        ? published.targets?.metadata.signed
        : published.delegated.get(delegatedBy)?.metadata.signed;
    return delegationAuthority(parent, role);
  };
  const delegatorOf = (role: string): string =>
    role === 'targets'
      ? 'root'
      : (plan.delegations.find((d) => d.name === role)?.delegatedBy ?? 'targets');
  // The inputs of a targets role become exactly its targets.
  const inputs = new Map(delegatedTargets);
  if (input.topLevelTargets) inputs.set('targets', input.topLevelTargets);
  for (const [role, targets] of inputs) {
    const next = built.get(role);
    // Shared, not copied (100,000 targets and more): no role built here is changed in place.
    if (next) built.set(role, { ...next, targets });
  }
  const targetsPlanned: PlannedRole[] = [];
  for (const { role, policy, previous } of targetsPlans) {
    const next = built.get(role) as TargetsSigned;
    const reasons: string[] = [];
    if (!previous) reasons.push('first version');
    else {
      if (!sameJson(previous.targets, next.targets))
        reasons.push('target files added, changed or removed');
      if (delegationsOf(previous) !== delegationsOf(next))
        reasons.push('delegations changed in the plan');
      if (authorityBefore(role, delegatorOf(role)) !== authorityNow(role, delegatorOf(role)))
        reasons.push('its signing keys or threshold changed');
      if (inWindow(previous, policy, now))
        reasons.push(`expires ${previous.expires}, inside its signing window`);
      if (force.has(role)) reasons.push('requested');
    }
    if (reasons.length > 0)
      targetsPlanned.push({ role, signed: finish(next, previous, expiry(policy)), reasons });
  }
  // TAP 15: every bin must exist; new bins are staged empty, published bins only when due;
  // with an inputs folder, each bin lists exactly the inputs whose path hashes into it.
  for (const d of plan.delegations) {
    const succinct = succinctRolesOf(d);
    if (!succinct) continue;
    const given = binInputs.get(d.name);
    const inputsOf = delegatedTargets.get(d.name);
    const byBin = given ? given.read : inputsOf ? targetsByBin(succinct, inputsOf) : undefined;
    const authorityChanged = (bin: string): boolean =>
      authorityBefore(bin, d.delegatedBy) !== authorityNow(bin, d.delegatedBy);
    for (const bin of allBinNames(succinct)) {
      const known = given?.samePublished.get(bin);
      if (known !== undefined) {
        // Its listing gives exactly the published targets: only time, a request or new keys
        // call for a new version, and only then is the published bin parsed.
        const reasons = [
          ...(inWindow(known, d, now)
            ? [`expires ${known.expires}, inside its signing window`]
            : []),
          ...(force.has(d.name) || force.has(bin) ? ['requested'] : []),
          ...(authorityChanged(bin) ? ['its signing keys or threshold changed'] : []),
        ];
        if (reasons.length === 0) continue;
        const previous = published.delegated.get(bin)?.metadata.signed;
        if (previous)
          targetsPlanned.push({
            role: bin,
            signed: finish(previous, previous, expiry(d)),
            reasons,
          });
        continue;
      }
      const previous = published.delegated.get(bin)?.metadata.signed;
      const base = previous ?? newTargets({ expires: expiry(d) });
      const next = byBin ? { ...base, targets: byBin.get(bin) ?? {} } : base;
      const reasons = !previous
        ? ['first version']
        : [
            ...(!sameJson(previous.targets, next.targets)
              ? ['target files added, changed or removed']
              : []),
            ...(inWindow(previous, d, now)
              ? [`expires ${previous.expires}, inside its signing window`]
              : []),
            ...(force.has(d.name) || force.has(bin) ? ['requested'] : []),
            ...(authorityChanged(bin) ? ['its signing keys or threshold changed'] : []),
          ];
      if (reasons.length > 0)
        targetsPlanned.push({ role: bin, signed: finish(next, previous, expiry(d)), reasons });
    }
  }
  if (errors.length > 0) throw new CeremonyError('STATE_INVALID', [...new Set(errors)].join('; '));
  if (rootReasons.length > 0)
    planned.push({
      role: 'root',
      signed: finish(root, oldRoot, expiry(plan.roles.root)),
      reasons: rootReasons,
    });
  planned.push(...targetsPlanned);
  return planned;
}

function finish<T extends AnySigned>(next: T, previous: T | undefined, expires: number): T {
  const versioned = setVersion(next, previous ? previous.version + 1 : 1);
  return { ...versioned, expires: formatExpiry(expires) };
}
