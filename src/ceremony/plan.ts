import { CeremonyError } from '../metadata/errors.js';
import type { TopLevelRole } from '../metadata/model.js';
import { checkPlan } from './plan-rules.js';

// The ceremony plan (ceremony.yaml, format version 1): who holds keys, which roles they sign,
// thresholds and expiry periods. Parsed once into a typed Plan; every mistake is reported at once.

/** The four top-level roles, in the order plans and status tables list them. */
export const TOP_LEVEL_ROLES: readonly TopLevelRole[] = [
  'root',
  'targets',
  'snapshot',
  'timestamp',
];

/** The transcript actor name reserved for init/stage/finalize/refresh; no holder may use it. */
export const COORDINATOR = 'coordinator';

/** A person (or the automation identity) who holds keys. */
export interface PlanHolder {
  /** Short name used in files: keys/<id>/, signatures/<id>.json, <id>.jsonl. */
  readonly id: string;
  readonly name?: string;
  readonly email?: string;
  /** True for an automation identity that signs online roles unattended. */
  readonly online: boolean;
}

/** Signing policy of one role (top-level or delegated). */
export interface PlanRole {
  readonly name: string;
  readonly holders: readonly string[];
  readonly threshold: number;
  /** Expiry period of each new version, in milliseconds. */
  readonly expiresMs: number;
  /** The period before expiry in which a new version should be signed, in milliseconds. */
  readonly signingWindowMs: number;
  /** Signed unattended by online holders. */
  readonly online: boolean;
}

/** TAP 15 succinct hash-bin delegation parameters. */
export interface PlanSuccinct {
  readonly bitLength: number;
  readonly namePrefix: string;
}

/** A delegated targets role: paths xor succinct bins. */
export interface PlanDelegation extends PlanRole {
  /** `targets` or the name of another delegation. */
  readonly delegatedBy: string;
  readonly terminating: boolean;
  readonly paths?: readonly string[];
  readonly succinct?: PlanSuccinct;
}

/** A validated ceremony plan. */
export interface Plan {
  /** The file it was read from (for messages). */
  readonly file: string;
  readonly version: 1;
  readonly name: string;
  readonly consistentSnapshot: boolean;
  /** Holders by short name, in file order. */
  readonly holders: Readonly<Record<string, PlanHolder>>;
  readonly roles: Readonly<Record<TopLevelRole, PlanRole>>;
  /** Delegations in file order. */
  readonly delegations: readonly PlanDelegation[];
}

/** A PLAN_INVALID error that also carries every individual problem, one per entry. */
export class PlanError extends CeremonyError {
  constructor(
    override readonly file: string,
    readonly errors: readonly string[],
  ) {
    super('PLAN_INVALID', `${file}: ${errors.join('; ')}`, { file });
  }
}

/**
 * Validates the value a ceremony.yaml holds (plan-yaml.ts reads the text); throws PlanError
 * listing every problem at once.
 */
export function planFromValue(value: unknown, file: string): Plan {
  const result = checkPlan(value, file);
  if (result.errors.length > 0 || !result.plan) throw new PlanError(file, result.errors);
  return result.plan;
}

/** Every role name of the plan: the four top-level roles, then delegations in file order. */
export function roleNames(plan: Plan): string[] {
  return [...TOP_LEVEL_ROLES, ...plan.delegations.map((d) => d.name)];
}

/** True when `name` is one of the four top-level roles. */
export function isTopLevelRole(name: string): name is TopLevelRole {
  return (TOP_LEVEL_ROLES as readonly string[]).includes(name);
}

/** The policy of a role by name; PLAN_INVALID when the plan has no such role. */
export function planRole(plan: Plan, role: string): PlanRole {
  const found = isTopLevelRole(role)
    ? plan.roles[role]
    : plan.delegations.find((d) => d.name === role);
  if (!found) {
    throw new CeremonyError(
      'PLAN_INVALID',
      `${plan.file}: no role "${role}" (roles: ${roleNames(plan).join(', ')})`,
    );
  }
  return found;
}

/** The delegation of that name, or undefined. */
export function planDelegation(plan: Plan, name: string): PlanDelegation | undefined {
  return plan.delegations.find((d) => d.name === name);
}

/** Holder names of a role, in plan order. */
export function holdersOf(plan: Plan, role: string): readonly string[] {
  return planRole(plan, role).holders;
}

/** Names of the online (automation) holders. */
export function onlineHolders(plan: Plan): string[] {
  return Object.values(plan.holders)
    .filter((h) => h.online)
    .map((h) => h.id);
}

/** Names of the holders who are people (offline keys). */
export function peopleHolders(plan: Plan): string[] {
  return Object.values(plan.holders)
    .filter((h) => !h.online)
    .map((h) => h.id);
}

/** The roles a holder signs, in plan order. */
export function rolesOf(plan: Plan, holder: string): string[] {
  return roleNames(plan).filter((r) => planRole(plan, r).holders.includes(holder));
}

/** True when the plan declares this holder. */
export function isHolder(plan: Plan, holder: string): boolean {
  return Object.prototype.hasOwnProperty.call(plan.holders, holder);
}
