import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/ceremony/plan.js';
import { parsePlan } from '../../../src/ceremony/plan-yaml.js';
import {
  checkRoleForPath,
  checkTargetPlacement,
  inputRoleOf,
  routeTarget,
  searchOrder,
  targetsByBin,
} from '../../../src/ceremony/target-routing.js';
import { targetFileFor } from '../../../src/metadata/build-targets.js';
import { binForPath, delegationsFor } from '../../../src/metadata/delegation.js';
import { CeremonyError } from '../../../src/metadata/errors.js';
import type { SuccinctRoles } from '../../../src/metadata/model.js';

const HEAD = `version: 1
name: routing
consistent_snapshot: true
holders:
  alice: {}
  online: { online: true }
roles:
  root: { holders: [alice], threshold: 1, expires: 365d, signing_window: 60d }
  targets: { holders: [alice], threshold: 1, expires: 365d, signing_window: 60d }
  snapshot: { holders: [online], threshold: 1, expires: 7d, signing_window: 2d, online: true }
  timestamp: { holders: [online], threshold: 1, expires: 1d, signing_window: 12h, online: true }
`;
const ROLE = 'holders: [alice], threshold: 1, expires: 90d, signing_window: 30d';

/** registry (terminating) with a nested beta role, a shadowed late role, packages -> 4 bins. */
const MIXED = parsePlan(
  `${HEAD}delegations:
  registry.example.org: { paths: ["registry.example.org/*"], terminating: true, ${ROLE} }
  beta: { delegated_by: registry.example.org, paths: ["registry.example.org/beta*"], ${ROLE} }
  late: { paths: ["registry.example.org/*", "late/*"], ${ROLE} }
  packages: { paths: ["packages/*", "packages/*/*"], ${ROLE} }
  bins: { delegated_by: packages, succinct: { bit_length: 2, name_prefix: bins }, ${ROLE} }
`,
  'ceremony.yaml',
);

const binsPlans = new Map<number, Plan>();
function binsPlan(bitLength: number): Plan {
  const known = binsPlans.get(bitLength);
  if (known) return known;
  const plan = parsePlan(
    `${HEAD}delegations:
  hashed: { succinct: { bit_length: ${bitLength}, name_prefix: hashed }, ${ROLE} }
`,
    'ceremony.yaml',
  );
  binsPlans.set(bitLength, plan);
  return plan;
}

const BINS: SuccinctRoles = { keyids: [], threshold: 1, bit_length: 2, name_prefix: 'bins' };
const file = (text: string) => targetFileFor(new TextEncoder().encode(text));

function message(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(CeremonyError);
    return (err as Error).message;
  }
  throw new Error('expected a CeremonyError');
}

describe('routeTarget', () => {
  it('routes a path to the role a client finds it through', () => {
    expect(routeTarget(MIXED, 'README.txt')).toEqual({ role: 'targets' });
    expect(routeTarget(MIXED, 'registry.example.org/x')).toEqual({ role: 'registry.example.org' });
    expect(routeTarget(MIXED, 'registry.example.org/beta2')).toEqual({ role: 'beta' });
    expect(routeTarget(MIXED, 'late/x')).toEqual({ role: 'late' });
    // "*" does not match "/": three segments are not delegated to registry.example.org.
    expect(routeTarget(MIXED, 'registry.example.org/a/b')).toEqual({ role: 'targets' });
    expect(routeTarget(MIXED, 'packages/a/b.tgz')).toEqual({
      role: 'bins',
      bin: binForPath(BINS, 'packages/a/b.tgz'),
    });
  });

  it('lists the search order a client follows, cut by a terminating delegation', () => {
    const found = searchOrder(MIXED, 'registry.example.org/beta1');
    expect(found.order).toEqual(['targets', 'registry.example.org', 'beta']);
    expect(found.cut.get('late')).toBe('registry.example.org');
    expect(searchOrder(MIXED, 'late/x').order).toEqual(['targets', 'late']);
  });
});

describe('checkRoleForPath', () => {
  it('accepts a role clients search for the path', () => {
    expect(checkRoleForPath(MIXED, 'targets', 'registry.example.org/x')).toEqual({
      role: 'targets',
    });
    expect(checkRoleForPath(MIXED, 'registry.example.org', 'registry.example.org/beta1')).toEqual({
      role: 'registry.example.org',
    });
    expect(checkRoleForPath(MIXED, 'bins', 'packages/p').bin).toBe(binForPath(BINS, 'packages/p'));
  });

  it('refuses a role not delegated the path, naming the rule', () => {
    const text = message(() => checkRoleForPath(MIXED, 'bins', 'registry.example.org/x'));
    expect(text).toMatch(/^registry\.example\.org\/x: role bins is not delegated this path/);
    expect(text).toMatch(/through packages/);
    expect(text).toMatch(/spec 5\.6\.7\.2/);
    expect(text).not.toMatch(/\n/);
    expect(message(() => checkRoleForPath(MIXED, 'beta', 'registry.example.org/x'))).toMatch(
      /registry\.example\.org delegates beta only registry\.example\.org\/beta\*/,
    );
  });

  it('refuses a role a terminating delegation hides, and an unknown role', () => {
    expect(message(() => checkRoleForPath(MIXED, 'late', 'registry.example.org/x'))).toMatch(
      /role late is never searched .*terminating delegation registry\.example\.org.*5\.6\.7\.2\.1/,
    );
    expect(message(() => checkRoleForPath(MIXED, 'nope', 'x'))).toMatch(/no targets role "nope"/);
  });
});

describe('inputRoleOf and targetsByBin', () => {
  it('maps staged role names to the delegation whose inputs they list', () => {
    expect(inputRoleOf(MIXED, 'targets')).toBe('targets');
    expect(inputRoleOf(MIXED, 'beta')).toBe('beta');
    for (const bin of ['bins-0', 'bins-1', 'bins-2', 'bins-3'])
      expect(inputRoleOf(MIXED, bin)).toBe('bins');
    expect(inputRoleOf(MIXED, 'bins')).toBe('bins');
    for (const other of ['bins-4', 'bins-00', 'bins-A', 'bin', 'snapshot'])
      expect(inputRoleOf(MIXED, other)).toBeUndefined();
  });

  it('puts each path in its bin', () => {
    const inputs = { 'packages/a': file('a'), 'packages/b': file('b'), 'packages/c': file('c') };
    const byBin = targetsByBin(BINS, inputs);
    let count = 0;
    for (const [bin, targets] of byBin) {
      for (const path of Object.keys(targets)) expect(binForPath(BINS, path)).toBe(bin);
      count += Object.keys(targets).length;
    }
    expect(count).toBe(3);
  });
});

describe('checkTargetPlacement', () => {
  it('refuses misplaced inputs and a path in two roles', () => {
    const ok = new Map([['bins', { 'packages/a': file('a') }]]);
    expect(() => {
      checkTargetPlacement(MIXED, { 'README.txt': file('r') }, ok);
    }).not.toThrow();
    const misplaced = new Map([['bins', { 'docs/a': file('a') }]]);
    expect(
      message(() => {
        checkTargetPlacement(MIXED, undefined, misplaced);
      }),
    ).toMatch(/^docs\/a: role bins is not delegated this path/);
    const twice = new Map([['registry.example.org', { 'registry.example.org/x': file('x') }]]);
    expect(
      message(() => {
        checkTargetPlacement(MIXED, { 'registry.example.org/x': file('y') }, twice);
      }),
    ).toMatch(
      /registry\.example\.org\/x: a target input of both targets and registry\.example\.org/,
    );
  });
});

describe('routing properties', () => {
  const segment = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('/'));
  const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));

  it('puts a path in the bin a client searches for it (TAP 15)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), path, (bitLength, p) => {
        const succinct: SuccinctRoles = {
          keyids: [],
          threshold: 1,
          bit_length: bitLength,
          name_prefix: 'hashed',
        };
        const route = routeTarget(binsPlan(bitLength), p);
        const searched = delegationsFor({ keys: {}, succinct_roles: succinct }, p);
        expect(route.role).toBe('hashed');
        expect(searched).toHaveLength(1);
        expect(route.bin).toBe(searched[0]?.name);
      }),
      { numRuns: 300 },
    );
  });

  it('routes every path to a role that accepts it and that a client searches', () => {
    const prefixed = fc
      .tuple(fc.constantFrom('', 'registry.example.org/', 'packages/', 'late/'), path)
      .map(([a, b]) => a + b);
    fc.assert(
      fc.property(prefixed, (p) => {
        const route = routeTarget(MIXED, p);
        expect(checkRoleForPath(MIXED, route.role, p)).toEqual(route);
        expect(searchOrder(MIXED, p).order).toContain(route.role);
      }),
      { numRuns: 300 },
    );
  });
});
