import type { AnySigned } from '../metadata/model.js';
import { parseTime } from '../metadata/time.js';
import { planDelegation, TOP_LEVEL_ROLES, type Plan, type PlanRole } from './plan.js';
import type { PublishedRepo } from './published.js';

/** Where a role stands against its expiry: fine, inside its signing window, or expired. */
export type ExpiryState = 'ok' | 'window' | 'expired';

/** One published role's expiry, as `expiry` reports it and `refresh` acts on it. */
export interface RoleExpiry {
  role: string;
  version: number;
  expires: string;
  /** When the signing window opens: expires minus the plan's signing_window. */
  windowOpens: string;
  online: boolean;
  state: ExpiryState;
  /** Milliseconds left until expiry (negative once expired). */
  remainingMs: number;
}

function policyFor(plan: Plan, role: string): PlanRole | undefined {
  if ((TOP_LEVEL_ROLES as readonly string[]).includes(role))
    return plan.roles[role as keyof Plan['roles']];
  const direct = planDelegation(plan, role);
  if (direct) return direct;
  // A hash bin takes the policy of its succinct delegation.
  return plan.delegations.find(
    (d) => d.succinct !== undefined && role.startsWith(`${d.succinct.namePrefix}-`),
  );
}

/**
 * Every published role's expiry against the plan's signing windows at `now` (spec 5.x: a client
 * refuses expired metadata, so a role must be re-signed before `expires`). `withinMs` widens the
 * window: a role expiring within it counts as inside its window.
 */
export function roleExpiries(
  plan: Plan,
  published: PublishedRepo,
  now: number,
  withinMs = 0,
): RoleExpiry[] {
  const entries: [string, AnySigned | undefined][] = [
    ['root', published.root?.metadata.signed],
    ['timestamp', published.timestamp?.metadata.signed],
    ['snapshot', published.snapshot?.metadata.signed],
    ['targets', published.targets?.metadata.signed],
    ...[...published.delegated].map(([name, role]): [string, AnySigned] => [
      name,
      role.metadata.signed,
    ]),
  ];
  const out: RoleExpiry[] = [];
  for (const [role, signed] of entries) {
    if (!signed) continue;
    const policy = policyFor(plan, role);
    const expires = parseTime(signed.expires, `${role} expires`);
    const window = Math.max(policy?.signingWindowMs ?? 0, withinMs);
    const state: ExpiryState =
      expires <= now ? 'expired' : expires - window <= now ? 'window' : 'ok';
    out.push({
      role,
      version: signed.version,
      expires: signed.expires,
      windowOpens: new Date(expires - (policy?.signingWindowMs ?? 0))
        .toISOString()
        .replace('.000Z', 'Z'),
      online: policy?.online ?? false,
      state,
      remainingMs: expires - now,
    });
  }
  return out;
}
