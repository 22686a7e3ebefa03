import { describe, expect, it } from 'vitest';
import { PlanError } from '../../../src/ceremony/plan.js';
import { parsePlan } from '../../../src/ceremony/plan-yaml.js';
import YAML from 'yaml';
import { PLAN_LIMITS, checkPlan } from '../../../src/ceremony/plan-rules.js';

// Plan limits (issue 11): durations and counts are bounded with a clear error naming the field,
// and a very large plan loads in linear time.

const ROLES = `roles:
  root: { holders: [h0, h1], threshold: 1, expires: ROOT_EXPIRES, signing_window: 60d }
  targets: { holders: [h0, h1], threshold: 1, expires: 365d, signing_window: 60d }
  snapshot: { holders: [online], threshold: 1, expires: 7d, signing_window: 2d, online: true }
  timestamp: { holders: [online], threshold: 1, expires: 1d, signing_window: 12h, online: true }
`;

function plan(holders: number, rootExpires = '365d', extra = ''): string {
  const lines = ['version: 1', 'name: big', 'consistent_snapshot: true', 'holders:'];
  for (let i = 0; i < holders; i++) lines.push(`  h${i}: {}`);
  lines.push('  online: { online: true }');
  return `${lines.join('\n')}\n${ROLES.replace('ROOT_EXPIRES', rootExpires)}${extra}`;
}

/** A plan value (as YAML would give) with n delegations, each delegated by `by(i)`. */
function withDelegations(n: number, by: (i: number) => string): Record<string, unknown> {
  const value = YAML.parse(plan(2)) as Record<string, unknown>;
  const delegations: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    delegations[`d${i}`] = {
      delegated_by: by(i),
      holders: ['h0'],
      threshold: 1,
      expires: '90d',
      signing_window: '30d',
      paths: [`d${i}/*`],
    };
  }
  return { ...value, delegations };
}

function errorsOf(text: string): readonly string[] {
  try {
    parsePlan(text, 'ceremony.yaml');
  } catch (err) {
    if (err instanceof PlanError) return err.errors;
    throw err;
  }
  throw new Error('plan was accepted');
}

describe('plan limits', () => {
  it('refuses an expiry past 10 years at validation, naming the field', () => {
    expect(errorsOf(plan(2, '300000000d'))).toEqual([
      'roles.root.expires: 300000000d is longer than 3650d (10 years), the longest allowed',
    ]);
    expect(errorsOf(plan(2, '3651d'))[0]).toMatch(/^roles\.root\.expires: 3651d is longer/);
    expect(parsePlan(plan(2, '3650d'), 'x').roles.root.expiresMs).toBe(3650 * 86_400_000);
  });

  it('refuses durations beyond 2^53 ms and absurdly long ones without echoing them whole', () => {
    expect(errorsOf(plan(2, '99999999999999999999w'))).toEqual([
      'roles.root.expires: 99999999999999999999w is longer than 3650d (10 years), the longest allowed',
    ]);
    const long = `${'9'.repeat(5000)}d`;
    const [error] = errorsOf(plan(2, long));
    expect(error).toMatch(/^roles\.root\.expires: "9+" is not a duration/);
    expect(error?.length).toBeLessThan(120);
  });

  it('bounds the holders of a role, the paths and the number of delegations', () => {
    const many = Array.from({ length: PLAN_LIMITS.roleHolders + 1 }, (_, i) => `h${i}`);
    const text = plan(many.length).replace(
      'holders: [h0, h1], threshold: 1, expires: 365d',
      `holders: [${many.join(', ')}], threshold: 1, expires: 365d`,
    );
    expect(errorsOf(text)).toEqual([
      `roles.root.holders: lists ${many.length} holders, more than the ${PLAN_LIMITS.roleHolders} allowed`,
    ]);
    const patterns = Array.from({ length: PLAN_LIMITS.paths + 1 }, (_, i) => `"p${i}/*"`);
    const delegation = `delegations:\n  d: { holders: [h0], threshold: 1, expires: 90d, signing_window: 30d, paths: [${patterns.join(', ')}] }\n`;
    expect(errorsOf(plan(2, '365d', delegation))).toEqual([
      `delegations.d.paths: lists ${patterns.length} patterns, more than the ${PLAN_LIMITS.paths} allowed`,
    ]);
    const tooMany = withDelegations(PLAN_LIMITS.delegations + 1, () => 'targets');
    expect(checkPlan(tooMany, 'x').errors).toEqual([
      `delegations: declares ${PLAN_LIMITS.delegations + 1} roles, more than the ${PLAN_LIMITS.delegations} allowed`,
    ]);
  });

  it('finds a repeated holder among 100,000 in linear time, naming its line', () => {
    const text = plan(99_999).replace('  h99998: {}', '  h99998: {}\n  h5: {}');
    const started = performance.now();
    const errors = errorsOf(text);
    expect(errors).toEqual(['line 100004: key "h5" is not unique']);
    const value = YAML.parse(plan(2)) as { holders: Record<string, object> };
    for (let i = 2; i < 99_999; i++) value.holders[`h${i}`] = {};
    const loaded = checkPlan(value, 'x');
    expect(Object.keys(loaded.plan?.holders ?? {})).toHaveLength(PLAN_LIMITS.holders);
    // The quadratic check took minutes here; linear parsing takes a few seconds (tens on a loaded machine).
    expect(performance.now() - started).toBeLessThan(60_000);
  }, 120_000);

  it('treats 1 and "1" as the same key (both would become the same property)', () => {
    expect(errorsOf(plan(2).replace('  h0: {}', '  1: {}\n  "1": {}\n  h0: {}'))).toEqual([
      'line 6: key "1" is not unique',
    ]);
  });

  it('finds a delegation cycle in a long delegated_by chain in linear time', () => {
    const n = PLAN_LIMITS.delegations;
    const { errors } = checkPlan(
      withDelegations(n, (i) => `d${(i + 1) % n}`),
      'x',
    );
    expect(errors).toHaveLength(PLAN_LIMITS.delegations);
    expect(errors[0]).toBe('delegations.d0.delegated_by: delegation cycle through "d0"');
  });
});
