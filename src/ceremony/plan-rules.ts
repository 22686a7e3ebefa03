import { isCeremonyError } from '../metadata/errors.js';
import type { TopLevelRole } from '../metadata/model.js';
import { parseDuration } from '../metadata/time.js';
import type { Plan, PlanDelegation, PlanHolder, PlanRole, PlanSuccinct } from './plan.js';
import { codePointName, escapeTerminal, findUnsafeChar } from '../metadata/terminal-text.js';

/** A name rule, naming the control, bidi or invisible character the name carries, if any. */
function invisible(name: string, rule: string): string {
  const bad = findUnsafeChar(name);
  return bad === undefined
    ? rule
    : `${rule}; character ${codePointName(bad.codePoint)} at position ${bad.position} is not allowed`;
}

// The rules of ceremony.yaml (docs/ceremony-plan.md). Every check records `<path>: <rule>` and
// carries on, so one run lists every mistake in the file.

type Obj = Record<string, unknown>;

const TOP: readonly TopLevelRole[] = ['root', 'targets', 'snapshot', 'timestamp'];
/** Holder names become file names (keys/<holder>/, <holder>.jsonl): lowercase, no separators. */
const HOLDER_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Delegated role names become file names (N.<role>.json): no slashes, no leading dot. */
const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Plan limits: far above any real trust root, low enough that nothing downstream overflows. */
export const PLAN_LIMITS = {
  /** Longest `expires`: 10 years (a date past it is a key nobody will rotate). */
  expiresDays: 3650,
  /** Holders declared in one plan. */
  holders: 100_000,
  /** Holders of one role (each signs the role's file; verifiers cap signatures per file). */
  roleHolders: 1_000,
  /** Delegated roles in one plan. */
  delegations: 10_000,
  /** Path patterns of one delegation. */
  paths: 1_000,
} as const;

const DAY_MS = 86_400_000;
const DURATION_SHAPE = /^(?:\d{1,20}[wdhms]){1,5}$/;

const OFFLINE_ONLY = new Set<string>(['root', 'targets']);

const TOP_KEYS = ['version', 'name', 'consistent_snapshot', 'holders', 'roles', 'delegations'];
const HOLDER_KEYS = ['name', 'email', 'online'];
const ROLE_KEYS = ['holders', 'threshold', 'expires', 'signing_window', 'online'];
const DELEGATION_KEYS = [...ROLE_KEYS, 'delegated_by', 'paths', 'succinct', 'terminating'];
const SUCCINCT_KEYS = ['bit_length', 'name_prefix'];

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : typeof v;
}

class Checker {
  readonly errors: string[] = [];

  add(path: string, rule: string): void {
    this.errors.push(`${path}: ${rule}`);
  }

  /** Reports keys outside `allowed` (typos must not pass silently). */
  keys(path: string, obj: Obj, allowed: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) {
        this.add(path ? `${path}.${key}` : key, `unknown key (allowed: ${allowed.join(', ')})`);
      }
    }
  }

  mapping(path: string, v: unknown, required: boolean): Obj | undefined {
    if (v === undefined || v === null) {
      if (required) this.add(path, 'missing');
      return undefined;
    }
    if (!isObj(v)) {
      this.add(path, `must be a mapping, not ${show(v)}`);
      return undefined;
    }
    return v;
  }

  string(path: string, v: unknown, required: boolean): string | undefined {
    if (v === undefined) {
      if (required) this.add(path, 'missing');
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      this.add(path, `must be a non-empty string, not ${show(v)}`);
      return undefined;
    }
    return v;
  }

  bool(path: string, v: unknown, required: boolean): boolean | undefined {
    if (v === undefined) {
      if (required) this.add(path, 'missing (true or false)');
      return undefined;
    }
    if (typeof v !== 'boolean') {
      this.add(path, `must be true or false, not ${show(v)}`);
      return undefined;
    }
    return v;
  }

  duration(path: string, v: unknown, what: string): number | undefined {
    if (v === undefined || v === null) {
      this.add(path, `missing (no default ${what}; e.g. 365d, 12h, 2w)`);
      return undefined;
    }
    if (typeof v !== 'string') {
      this.add(path, `${show(v)} is not a duration such as 365d, 12h or 2w`);
      return undefined;
    }
    let ms: number;
    try {
      ms = parseDuration(v, path);
    } catch (err) {
      if (!isCeremonyError(err)) throw err;
      // Well formed but beyond 2^53 ms: too long, like any duration past the limit.
      ms = DURATION_SHAPE.test(v) ? Infinity : NaN;
      if (Number.isNaN(ms)) {
        this.add(path, `${show(v.slice(0, 40))} is not a duration such as 365d, 12h or 2w`);
        return undefined;
      }
    }
    if (ms <= 0) this.add(path, `${v} must be longer than zero`);
    else if (ms > PLAN_LIMITS.expiresDays * DAY_MS) {
      this.add(
        path,
        `${v} is longer than ${PLAN_LIMITS.expiresDays}d (10 years), the longest allowed`,
      );
    } else return ms;
    return undefined;
  }
}

function checkHolders(c: Checker, v: unknown): Record<string, PlanHolder> {
  const out = Object.create(null) as Record<string, PlanHolder>;
  const obj = c.mapping('holders', v, true);
  if (!obj) return out;
  const count = Object.keys(obj).length;
  if (count === 0) c.add('holders', 'declares no holders');
  if (count > PLAN_LIMITS.holders) {
    c.add('holders', `declares ${count} holders, more than the ${PLAN_LIMITS.holders} allowed`);
  }
  for (const [id, raw] of Object.entries(obj)) {
    const path = `holders.${escapeTerminal(id)}`;
    if (!HOLDER_NAME.test(id)) {
      c.add(
        path,
        invisible(id, 'a holder name is lowercase letters, digits, - and _ (at most 64)'),
      );
      continue;
    }
    if (id === 'coordinator') c.add(path, '"coordinator" is reserved for the transcript');
    const h = raw === null ? {} : c.mapping(path, raw, true);
    if (!h) continue;
    c.keys(path, h, HOLDER_KEYS);
    const name = c.string(`${path}.name`, h.name, false);
    const email = c.string(`${path}.email`, h.email, false);
    const online = c.bool(`${path}.online`, h.online, false) ?? false;
    out[id] = {
      id,
      online,
      ...(name === undefined ? {} : { name }),
      ...(email === undefined ? {} : { email }),
    };
  }
  return out;
}

function checkHolderList(
  c: Checker,
  path: string,
  v: unknown,
  holders: Record<string, PlanHolder>,
  online: boolean,
  role: string,
): string[] | undefined {
  if (v === undefined || v === null) {
    c.add(path, 'missing (a list of holder names)');
    return undefined;
  }
  if (!Array.isArray(v) || v.length === 0) {
    c.add(path, `must be a non-empty list of holder names, not ${show(v)}`);
    return undefined;
  }
  if (v.length > PLAN_LIMITS.roleHolders) {
    c.add(path, `lists ${v.length} holders, more than the ${PLAN_LIMITS.roleHolders} allowed`);
    return undefined;
  }
  const seen = new Set<string>();
  for (const item of v as unknown[]) {
    if (typeof item !== 'string') {
      c.add(path, `${show(item)} is not a holder name`);
      continue;
    }
    if (seen.has(item)) c.add(path, `"${item}" is listed twice`);
    seen.add(item);
    const holder = Object.prototype.hasOwnProperty.call(holders, item) ? holders[item] : undefined;
    if (!holder) c.add(path, `"${item}" is not a declared holder`);
    else if (online && !holder.online)
      c.add(path, `"${item}" is a person, but ${role} is an online role`);
    else if (!online && holder.online)
      c.add(path, `"${item}" is an online identity, but ${role} is an offline role`);
  }
  return v as string[];
}

function checkThreshold(c: Checker, path: string, v: unknown, count: number | undefined): number {
  if (v === undefined || v === null) {
    c.add(path, 'missing (no default threshold)');
    return 0;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    c.add(path, `${show(v)} is not an integer`);
    return 0;
  }
  if (v < 1) c.add(path, `${v} must be at least 1`);
  else if (count !== undefined && v > count) {
    c.add(path, `${v} is more than its ${count} holder${count === 1 ? '' : 's'}`);
  }
  return v;
}

/** Checks the fields shared by top-level roles and delegations. */
function checkRole(
  c: Checker,
  path: string,
  name: string,
  obj: Obj,
  holders: Record<string, PlanHolder>,
): PlanRole {
  const online = c.bool(`${path}.online`, obj.online, false) ?? false;
  if (online && OFFLINE_ONLY.has(name)) {
    c.add(
      `${path}.online`,
      `${name} is signed offline (only snapshot and timestamp may be online)`,
    );
  }
  const list = checkHolderList(c, `${path}.holders`, obj.holders, holders, online, name);
  const threshold = checkThreshold(c, `${path}.threshold`, obj.threshold, list?.length);
  const expiresMs = c.duration(`${path}.expires`, obj.expires, 'expiry');
  const windowMs = c.duration(`${path}.signing_window`, obj.signing_window, 'signing window');
  if (expiresMs !== undefined && windowMs !== undefined && windowMs >= expiresMs) {
    c.add(
      `${path}.signing_window`,
      `${String(obj.signing_window)} is not shorter than expires ${String(obj.expires)}`,
    );
  }
  return {
    name,
    holders: list ?? [],
    threshold,
    expiresMs: expiresMs ?? 0,
    signingWindowMs: windowMs ?? 0,
    online,
  };
}

function checkRoles(
  c: Checker,
  v: unknown,
  holders: Record<string, PlanHolder>,
): Record<TopLevelRole, PlanRole> | undefined {
  const obj = c.mapping('roles', v, true);
  if (!obj) return undefined;
  for (const key of Object.keys(obj)) {
    if (!(TOP as readonly string[]).includes(key)) {
      c.add(
        `roles.${key}`,
        'not a top-level role (root, targets, snapshot, timestamp); delegated roles go under delegations',
      );
    }
  }
  const out: Partial<Record<TopLevelRole, PlanRole>> = {};
  for (const name of TOP) {
    const path = `roles.${name}`;
    const role = c.mapping(path, obj[name], true);
    if (!role) continue;
    c.keys(path, role, ROLE_KEYS);
    out[name] = checkRole(c, path, name, role, holders);
  }
  return out as Record<TopLevelRole, PlanRole>;
}

function checkSuccinct(c: Checker, path: string, v: unknown): PlanSuccinct | undefined {
  const obj = c.mapping(path, v, true);
  if (!obj) return undefined;
  c.keys(path, obj, SUCCINCT_KEYS);
  const bits = obj.bit_length;
  let bitLength: number | undefined;
  if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 1 || bits > 32) {
    c.add(`${path}.bit_length`, `${show(bits)} is not an integer from 1 to 32 (TAP 15)`);
  } else bitLength = bits;
  const namePrefix = c.string(`${path}.name_prefix`, obj.name_prefix, true);
  if (namePrefix !== undefined && !ROLE_NAME.test(namePrefix)) {
    c.add(
      `${path}.name_prefix`,
      invisible(namePrefix, 'may hold only letters, digits, ".", "-" and "_"'),
    );
  }
  return bitLength !== undefined && namePrefix !== undefined
    ? { bitLength, namePrefix }
    : undefined;
}

function checkPaths(c: Checker, path: string, v: unknown): string[] | undefined {
  if (!Array.isArray(v) || v.length === 0) {
    c.add(path, `must be a non-empty list of path patterns, not ${show(v)}`);
    return undefined;
  }
  if (v.length > PLAN_LIMITS.paths) {
    c.add(path, `lists ${v.length} patterns, more than the ${PLAN_LIMITS.paths} allowed`);
    return undefined;
  }
  const items = v as unknown[];
  items.forEach((p, i) => {
    if (typeof p !== 'string' || p === '') c.add(`${path}[${i}]`, `${show(p)} is not a pattern`);
    else if (findUnsafeChar(p) !== undefined) c.add(`${path}[${i}]`, invisible(p, 'not a pattern'));
  });
  return items.filter((p): p is string => typeof p === 'string');
}

function checkDelegation(
  c: Checker,
  name: string,
  raw: unknown,
  holders: Record<string, PlanHolder>,
): PlanDelegation | undefined {
  const path = `delegations.${escapeTerminal(name)}`;
  if ((TOP as readonly string[]).includes(name)) {
    c.add(path, `"${name}" is a top-level role name`);
  } else if (!ROLE_NAME.test(name)) {
    c.add(path, invisible(name, 'a role name may hold only letters, digits, ".", "-" and "_"'));
  }
  const obj = c.mapping(path, raw, true);
  if (!obj) return undefined;
  c.keys(path, obj, DELEGATION_KEYS);
  const role = checkRole(c, path, name, obj, holders);
  const delegatedBy = c.string(`${path}.delegated_by`, obj.delegated_by, false) ?? 'targets';
  const hasPaths = obj.paths !== undefined;
  const hasSuccinct = obj.succinct !== undefined;
  if (hasPaths === hasSuccinct) {
    c.add(path, hasPaths ? 'has both paths and succinct (choose one)' : 'needs paths or succinct');
  }
  const paths = hasPaths ? checkPaths(c, `${path}.paths`, obj.paths) : undefined;
  const succinct = hasSuccinct ? checkSuccinct(c, `${path}.succinct`, obj.succinct) : undefined;
  if (hasSuccinct && obj.terminating !== undefined) {
    c.add(`${path}.terminating`, 'does not apply to succinct bins (TAP 15)');
  }
  const terminating = c.bool(`${path}.terminating`, obj.terminating, false) ?? false;
  return {
    ...role,
    delegatedBy,
    terminating,
    ...(paths ? { paths } : {}),
    ...(succinct ? { succinct } : {}),
  };
}

/**
 * For each delegation, the first member of a delegation cycle its `delegated_by` chain reaches
 * (itself when it is on the cycle), or null. Each role is walked once: linear in the plan.
 */
function cycleReached(list: readonly PlanDelegation[]): Map<string, string | null> {
  const byName = new Map(list.map((d) => [d.name, d]));
  const reaches = new Map<string, string | null>();
  for (const d of list) {
    const path: PlanDelegation[] = [];
    const onPath = new Set<string>();
    let p: PlanDelegation | undefined = d;
    while (p && !reaches.has(p.name) && !onPath.has(p.name)) {
      onPath.add(p.name);
      path.push(p);
      p = byName.get(p.delegatedBy);
    }
    let tail: string | null = null;
    if (p && onPath.has(p.name)) {
      const start = path.indexOf(p);
      for (const member of path.slice(start)) reaches.set(member.name, member.name);
      path.length = start;
      tail = p.name;
    } else if (p) tail = reaches.get(p.name) ?? null;
    for (const m of path) reaches.set(m.name, tail);
  }
  return reaches;
}

/** Checks who delegates to whom: existing delegators, no cycles, TAP 15 exclusivity. */
function checkDelegators(c: Checker, list: readonly PlanDelegation[]): void {
  const byName = new Map(list.map((d) => [d.name, d]));
  const cycles = cycleReached(list);
  const children = new Map<string, PlanDelegation[]>();
  for (const d of list) {
    const siblings = children.get(d.delegatedBy);
    if (siblings) siblings.push(d);
    else children.set(d.delegatedBy, [d]);
    const path = `delegations.${d.name}.delegated_by`;
    if (d.delegatedBy === 'targets') continue;
    const parent = byName.get(d.delegatedBy);
    if (!parent) {
      c.add(path, `"${d.delegatedBy}" is neither targets nor a declared delegation`);
      continue;
    }
    if (parent.succinct) c.add(path, `"${parent.name}" is a set of succinct bins, not one role`);
    const cycle = cycles.get(d.name);
    if (cycle) c.add(path, `delegation cycle through "${cycle}"`);
  }
  for (const [by, siblings] of children) {
    const bins = siblings.find((d) => d.succinct !== undefined);
    if (siblings.length > 1 && bins) {
      c.add(
        `delegations.${bins.name}`,
        `succinct bins exclude other delegations from ${by} (TAP 15), but ${by} has ${siblings.length}`,
      );
    }
  }
}

/** Validates a parsed YAML value against the plan rules; returns the plan or every error. */
export function checkPlan(value: unknown, file: string): { plan?: Plan; errors: string[] } {
  const c = new Checker();
  if (!isObj(value)) {
    c.add('(top)', `the plan must be a YAML mapping, not ${show(value)}`);
    return { errors: c.errors };
  }
  c.keys('', value, TOP_KEYS);
  if (value.version === undefined) c.add('version', 'missing (must be 1)');
  else if (value.version !== 1) c.add('version', `must be 1, not ${show(value.version)}`);
  const name = c.string('name', value.name, true);
  const consistentSnapshot = c.bool('consistent_snapshot', value.consistent_snapshot, true);
  const holders = checkHolders(c, value.holders);
  const roles = checkRoles(c, value.roles, holders);
  let rawDelegations = c.mapping('delegations', value.delegations, false) ?? {};
  const delegationCount = Object.keys(rawDelegations).length;
  if (delegationCount > PLAN_LIMITS.delegations) {
    c.add(
      'delegations',
      `declares ${delegationCount} roles, more than the ${PLAN_LIMITS.delegations} allowed`,
    );
    rawDelegations = {};
  }
  const delegations = Object.entries(rawDelegations)
    .map(([n, raw]) => checkDelegation(c, n, raw, holders))
    .filter((d): d is PlanDelegation => d !== undefined);
  checkDelegators(c, delegations);
  if (c.errors.length > 0 || name === undefined || consistentSnapshot === undefined || !roles) {
    return { errors: c.errors };
  }
  return {
    plan: { file, version: 1, name, consistentSnapshot, holders, roles, delegations },
    errors: [],
  };
}
