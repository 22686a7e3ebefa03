import { setOwn } from '../metadata/build-own.js';
import { binForPath, binName, binSuffixLength } from '../metadata/delegation.js';
import { pathMatches } from '../metadata/path-pattern.js';
import { CeremonyError } from '../metadata/errors.js';
import type { SuccinctRoles, TargetFile } from '../metadata/model.js';
import { planDelegation, type Plan, type PlanDelegation } from './plan.js';

// Which targets role holds a target path: the role a client finds it through (spec 5.6.7), and
// the rules a chosen role must meet for clients to trust it with the path (spec 5.6.7.2).

/** The top-level targets role: the home of every path no delegation covers. */
export const TOP_LEVEL_TARGETS = 'targets';

/** Where a target's input lives: `targets` or a plan delegation, and for succinct bins the bin. */
export interface TargetRoute {
  role: string;
  bin?: string;
}

/** The TAP 15 succinct_roles of a bins delegation (keyids play no part in naming bins). */
export function succinctRolesOf(d: PlanDelegation): SuccinctRoles | undefined {
  if (!d.succinct) return undefined;
  return {
    keyids: [],
    threshold: d.threshold,
    bit_length: d.succinct.bitLength,
    name_prefix: d.succinct.namePrefix,
  };
}

/** True when the delegation edge trusts the role with the path (succinct bins take every path). */
export function delegationCovers(d: PlanDelegation, path: string): boolean {
  if (d.succinct) return true;
  return (d.paths ?? []).some((pattern) => pathMatches(pattern, path));
}

function routeOf(d: PlanDelegation | undefined, path: string): TargetRoute {
  if (!d) return { role: TOP_LEVEL_TARGETS };
  const succinct = succinctRolesOf(d);
  return succinct ? { role: d.name, bin: binForPath(succinct, path) } : { role: d.name };
}

/**
 * The role a client finds `path` through: from targets, the first delegation (plan order) that
 * covers the path, recursively into its own delegations; targets when none covers it.
 */
export function routeTarget(plan: Plan, path: string): TargetRoute {
  let role: PlanDelegation | undefined;
  for (;;) {
    const parent = role?.name ?? TOP_LEVEL_TARGETS;
    const next = plan.delegations.find(
      (d) => d.delegatedBy === parent && delegationCovers(d, path),
    );
    if (!next) return routeOf(role, path);
    role = next;
  }
}

/**
 * Roles a client searches for `path`, in order (spec 5.6.7: pre-order, delegations in listed
 * order; a terminating delegation ends the search), and each role a terminating delegation cut
 * from the search, with the delegation that cut it.
 */
export function searchOrder(
  plan: Plan,
  path: string,
): { order: string[]; cut: Map<string, string> } {
  const order: string[] = [];
  const cut = new Map<string, string>();
  const stack = [TOP_LEVEL_TARGETS];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    order.push(name);
    const covering = plan.delegations.filter(
      (d) => d.delegatedBy === name && delegationCovers(d, path),
    );
    // TAP 15: bins are terminating; spec 5.6.7.2.1: a terminating delegation ends the search.
    const end = covering.findIndex((d) => d.terminating || d.succinct !== undefined);
    const toVisit = (end < 0 ? covering : covering.slice(0, end + 1)).map((d) => d.name);
    if (end >= 0) {
      const by = covering[end]?.name ?? name;
      for (const dropped of [...stack, ...covering.slice(end + 1).map((d) => d.name)])
        cut.set(dropped, by);
      stack.length = 0;
    }
    for (let i = toVisit.length - 1; i >= 0; i--) stack.push(toVisit[i] as string);
  }
  return { order, cut };
}

// The search order depends on the path only through which delegations cover it: it is worked
// out once per plan and set of covering delegations (a million paths into bins: once).
const searchOrders = new WeakMap<Plan, Map<string, ReturnType<typeof searchOrder>>>();
const MAX_REMEMBERED_ORDERS = 4096;

/** searchOrder, remembered per plan by the delegations that cover `path`. */
function searchOrderOf(plan: Plan, path: string): ReturnType<typeof searchOrder> {
  let byCover = searchOrders.get(plan);
  if (byCover === undefined) {
    byCover = new Map();
    searchOrders.set(plan, byCover);
  }
  let cover = '';
  for (const d of plan.delegations) cover += delegationCovers(d, path) ? '1' : '0';
  const known = byCover.get(cover);
  if (known !== undefined) return known;
  const order = searchOrder(plan, path);
  if (byCover.size >= MAX_REMEMBERED_ORDERS) byCover.clear();
  byCover.set(cover, order);
  return order;
}

/**
 * The route for `path` into the role the user chose; throws unless clients would find it there:
 * every delegation from targets down to the role must cover the path (spec 5.6.7.2: clients
 * ignore targets outside a role's delegated paths), and no earlier terminating delegation may end
 * the search before the role (spec 5.6.7.2.1).
 */
export function checkRoleForPath(plan: Plan, role: string, path: string): TargetRoute {
  if (role === TOP_LEVEL_TARGETS) return { role };
  return routeOf(delegationReaching(plan, role, path), path);
}

/**
 * Throws unless clients would find `path` in `role` (checkRoleForPath without working out the
 * bin: checking a million inputs of a bins delegation hashes no path).
 */
export function checkRoleReaches(plan: Plan, role: string, path: string): void {
  if (role !== TOP_LEVEL_TARGETS) delegationReaching(plan, role, path);
}

/** The plan delegation `role`, once checked that clients find `path` in it (see above). */
function delegationReaching(plan: Plan, role: string, path: string): PlanDelegation {
  const chosen = planDelegation(plan, role);
  if (!chosen) {
    const names = [TOP_LEVEL_TARGETS, ...plan.delegations.map((d) => d.name)].join(', ');
    throw new CeremonyError(
      'USAGE',
      `${plan.file}: no targets role "${role}" (targets roles: ${names})`,
    );
  }
  for (let d: PlanDelegation | undefined = chosen; d; d = planDelegation(plan, d.delegatedBy)) {
    if (delegationCovers(d, path)) continue;
    const through = d === chosen ? '' : ` (through ${d.name})`;
    throw new CeremonyError(
      'USAGE',
      `${path}: role ${role} is not delegated this path${through}: ${d.delegatedBy} delegates ${d.name} only ${(d.paths ?? []).join(', ')} (spec 5.6.7.2: clients ignore targets outside a role's delegated paths)`,
    );
  }
  const { order, cut } = searchOrderOf(plan, path);
  if (!order.includes(role)) {
    let by: string | undefined;
    for (
      let d = chosen as PlanDelegation | undefined;
      d && !by;
      d = planDelegation(plan, d.delegatedBy)
    )
      by = cut.get(d.name);
    throw new CeremonyError(
      'USAGE',
      `${path}: role ${role} is never searched for this path: the terminating delegation ${by ?? 'before it'} ends the search first (spec 5.6.7.2.1)`,
    );
  }
  return chosen;
}

/** The plan delegation whose inputs a role (or one bin) lists: itself, or the bins' delegation. */
export function inputRoleOf(plan: Plan, role: string): string | undefined {
  if (role === TOP_LEVEL_TARGETS) return role;
  for (const d of plan.delegations) {
    if (d.name === role) return role;
    const succinct = succinctRolesOf(d);
    if (!succinct) continue;
    const prefix = `${succinct.name_prefix}-`;
    const suffix = role.slice(prefix.length);
    if (!role.startsWith(prefix) || suffix.length !== binSuffixLength(succinct.bit_length))
      continue;
    if (!/^[0-9a-f]+$/.test(suffix)) continue;
    const bin = Number.parseInt(suffix, 16);
    if (bin < 2 ** succinct.bit_length && binName(succinct, bin) === role) return d.name;
  }
  return undefined;
}

/** The inputs of a bins delegation split by bin (TAP 15: the first bit_length bits of the hash). */
export function targetsByBin(
  succinct: SuccinctRoles,
  inputs: Readonly<Record<string, TargetFile>>,
): Map<string, Record<string, TargetFile>> {
  const out = new Map<string, Record<string, TargetFile>>();
  for (const path of Object.keys(inputs)) {
    const bin = binForPath(succinct, path);
    let targets = out.get(bin);
    if (targets === undefined) {
      // A dictionary from the start: every bin gets its own keys, and growing a plain object key
      // by key would make V8 build a hidden class per key (16,384 bins, a million paths).
      targets = Object.create(null) as Record<string, TargetFile>;
      out.set(bin, targets);
    }
    setOwn(targets, path, inputs[path] as TargetFile);
  }
  return out;
}

/**
 * Checks the inputs of every targets role before they are staged (a bins delegation's may come
 * bin by bin: one entry per bin): each delegated input lies where
 * clients find it (checkRoleForPath), and no path is an input of two roles (spec 5.6.7: a client
 * takes the first role in its search that lists a path, so a second entry would never be used).
 */
export function checkTargetPlacement(
  plan: Plan,
  topLevel: Readonly<Record<string, TargetFile>> | undefined,
  delegated: Iterable<readonly [string, Readonly<Record<string, TargetFile>>]>,
): void {
  const roles = [...delegated];
  if (roles.length === 0) return;
  const owner = new Map<string, string>();
  for (const path of Object.keys(topLevel ?? {})) owner.set(path, TOP_LEVEL_TARGETS);
  for (const [role, inputs] of roles) {
    for (const path of Object.keys(inputs)) {
      checkRoleReaches(plan, role, path);
      const other = owner.get(path);
      if (other !== undefined) {
        throw new CeremonyError(
          'STATE_INVALID',
          `${path}: a target input of both ${other} and ${role}; a client uses only the first it finds (spec 5.6.7): remove one`,
        );
      }
      owner.set(path, role);
    }
  }
}
