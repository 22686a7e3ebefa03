import { describe, expect, it } from 'vitest';
import {
  PlanError,
  holdersOf,
  isHolder,
  onlineHolders,
  peopleHolders,
  planRole,
  roleNames,
  rolesOf,
} from '../../../src/ceremony/plan.js';
import { parsePlan } from '../../../src/ceremony/plan-yaml.js';
import { isCeremonyError } from '../../../src/metadata/errors.js';

const EXAMPLE = `version: 1
name: example-trust-root
consistent_snapshot: true
holders:
  alice: { name: Alice Example, email: alice@example.org }
  bob: {}
  carol:
  online: { online: true }
roles:
  root:      { holders: [alice, bob, carol], threshold: 2, expires: 365d, signing_window: 60d }
  targets:   { holders: [alice, bob, carol], threshold: 2, expires: 365d, signing_window: 60d }
  snapshot:  { holders: [online], threshold: 1, expires: 7d, signing_window: 2d, online: true }
  timestamp: { holders: [online], threshold: 1, expires: 1d, signing_window: 12h, online: true }
delegations:
  registry.example.org:
    delegated_by: targets
    paths: ["registry.example.org/*"]
    terminating: true
    holders: [alice]
    threshold: 1
    expires: 90d
    signing_window: 30d
  team.example.org:
    delegated_by: registry.example.org
    paths: ["registry.example.org/team/*"]
    holders: [bob, carol]
    threshold: 2
    expires: 30d
    signing_window: 1w
`;

const DAY = 86_400_000;

/** The errors of a plan that must fail. */
function errorsOf(text: string): readonly string[] {
  try {
    parsePlan(text, 'ceremony.yaml');
  } catch (err) {
    if (err instanceof PlanError) return err.errors;
    throw err;
  }
  throw new Error('plan was accepted');
}

/** The example with one line replaced. */
function edit(from: string, to: string, text = EXAMPLE): string {
  if (!text.includes(from)) throw new Error(`example lacks ${from}`);
  return text.replace(from, to);
}

describe('parsePlan: the example plan', () => {
  const plan = parsePlan(EXAMPLE, 'ceremony.yaml');

  it('reads holders, roles, durations and delegations', () => {
    expect(plan.name).toBe('example-trust-root');
    expect(plan.consistentSnapshot).toBe(true);
    expect(plan.holders.alice).toEqual({
      id: 'alice',
      name: 'Alice Example',
      email: 'alice@example.org',
      online: false,
    });
    expect(plan.holders.carol).toEqual({ id: 'carol', online: false });
    expect(plan.roles.root).toEqual({
      name: 'root',
      holders: ['alice', 'bob', 'carol'],
      threshold: 2,
      expiresMs: 365 * DAY,
      signingWindowMs: 60 * DAY,
      online: false,
    });
    expect(plan.roles.timestamp.signingWindowMs).toBe(12 * 3_600_000);
    expect(plan.roles.snapshot.online).toBe(true);
    expect(plan.delegations.map((d) => [d.name, d.delegatedBy, d.terminating])).toEqual([
      ['registry.example.org', 'targets', true],
      ['team.example.org', 'registry.example.org', false],
    ]);
    expect(plan.delegations[0]?.paths).toEqual(['registry.example.org/*']);
    expect(plan.delegations[1]?.signingWindowMs).toBe(7 * DAY);
  });

  it('answers the helper questions', () => {
    expect(roleNames(plan)).toEqual([
      'root',
      'targets',
      'snapshot',
      'timestamp',
      'registry.example.org',
      'team.example.org',
    ]);
    expect(holdersOf(plan, 'timestamp')).toEqual(['online']);
    expect(holdersOf(plan, 'team.example.org')).toEqual(['bob', 'carol']);
    expect(onlineHolders(plan)).toEqual(['online']);
    expect(peopleHolders(plan)).toEqual(['alice', 'bob', 'carol']);
    expect(rolesOf(plan, 'alice')).toEqual(['root', 'targets', 'registry.example.org']);
    expect(isHolder(plan, 'bob')).toBe(true);
    expect(isHolder(plan, 'constructor')).toBe(false);
    expect(() => planRole(plan, 'nope')).toThrow(/ceremony.yaml: no role "nope"/);
  });

  it('reads succinct delegations', () => {
    const text = `${EXAMPLE.split('delegations:')[0] ?? ''}delegations:
  bins:
    succinct: { bit_length: 8, name_prefix: bin }
    holders: [alice, bob]
    threshold: 1
    expires: 90d
    signing_window: 30d
`;
    const p = parsePlan(text, 'ceremony.yaml');
    expect(p.delegations[0]?.succinct).toEqual({ bitLength: 8, namePrefix: 'bin' });
    expect(p.delegations[0]?.paths).toBeUndefined();
  });
});

describe('parsePlan: rules', () => {
  it.each([
    ['version', edit('version: 1', 'version: 2'), 'version: must be 1, not 2'],
    ['version missing', edit('version: 1\n', ''), 'version: missing (must be 1)'],
    ['name', edit('name: example-trust-root', 'name: ""'), 'name: must be a non-empty string'],
    [
      'consistent_snapshot type',
      edit('consistent_snapshot: true', 'consistent_snapshot: yes'),
      'consistent_snapshot: must be true or false, not "yes"',
    ],
    [
      'consistent_snapshot missing',
      edit('consistent_snapshot: true\n', ''),
      'consistent_snapshot: missing',
    ],
    [
      'threshold above holders',
      edit(
        'threshold: 2, expires: 365d, signing_window: 60d }',
        'threshold: 4, expires: 365d, signing_window: 60d }',
      ),
      'roles.root.threshold: 4 is more than its 3 holders',
    ],
    [
      'threshold zero',
      edit('[online], threshold: 1, expires: 7d', '[online], threshold: 0, expires: 7d'),
      'roles.snapshot.threshold: 0 must be at least 1',
    ],
    [
      'threshold not integer',
      edit('[online], threshold: 1, expires: 7d', '[online], threshold: 1.5, expires: 7d'),
      'roles.snapshot.threshold: 1.5 is not an integer',
    ],
    [
      'threshold missing',
      edit('[online], threshold: 1, expires: 7d', '[online], expires: 7d'),
      'roles.snapshot.threshold: missing (no default threshold)',
    ],
    [
      'expires missing',
      edit('threshold: 1, expires: 1d, ', 'threshold: 1, '),
      'roles.timestamp.expires: missing (no default expiry',
    ],
    [
      'bad duration',
      edit('expires: 1d, signing_window: 12h', 'expires: 1 day, signing_window: 12h'),
      'roles.timestamp.expires: "1 day" is not a duration',
    ],
    [
      'window not shorter',
      edit('expires: 1d, signing_window: 12h', 'expires: 1d, signing_window: 24h'),
      'roles.timestamp.signing_window: 24h is not shorter than expires 1d',
    ],
    [
      'zero duration',
      edit('expires: 7d, signing_window: 2d', 'expires: 7d, signing_window: 0d'),
      'roles.snapshot.signing_window: 0d must be longer than zero',
    ],
    [
      'undeclared holder',
      edit('holders: [bob, carol]', 'holders: [bob, dave]'),
      'delegations.team.example.org.holders: "dave" is not a declared holder',
    ],
    [
      'repeated holder',
      edit('holders: [bob, carol]', 'holders: [bob, bob]'),
      'delegations.team.example.org.holders: "bob" is listed twice',
    ],
    [
      'empty holder list',
      edit('holders: [alice]', 'holders: []'),
      'delegations.registry.example.org.holders: must be a non-empty list',
    ],
    [
      'person in an online role',
      edit(
        'holders: [online], threshold: 1, expires: 7d',
        'holders: [alice], threshold: 1, expires: 7d',
      ),
      'roles.snapshot.holders: "alice" is a person, but snapshot is an online role',
    ],
    [
      'online identity in an offline role',
      edit(
        'root:      { holders: [alice, bob, carol]',
        'root:      { holders: [alice, bob, online]',
      ),
      'roles.root.holders: "online" is an online identity, but root is an offline role',
    ],
    [
      'root online',
      edit(
        'threshold: 2, expires: 365d, signing_window: 60d }',
        'threshold: 2, expires: 365d, signing_window: 60d, online: true }',
      ),
      'roles.root.online: root is signed offline',
    ],
    [
      'missing role',
      edit(/ {2}timestamp:.*\n/.exec(EXAMPLE)?.[0] ?? '', ''),
      'roles.timestamp: missing',
    ],
    [
      'unknown role',
      edit(
        'roles:\n',
        'roles:\n  mirrors: { holders: [alice], threshold: 1, expires: 1d, signing_window: 1h }\n',
      ),
      'roles.mirrors: not a top-level role',
    ],
    ['unknown top-level key', `${EXAMPLE}expiry: 1d\n`, 'expiry: unknown key'],
    [
      'typo in a role',
      edit('threshold: 1, expires: 7d', 'threshold: 1, expire: 7d'),
      'roles.snapshot.expire: unknown key',
    ],
    [
      'typo in a holder',
      edit('bob: {}', 'bob: { mail: bob@example.org }'),
      'holders.bob.mail: unknown key',
    ],
    [
      'bad holder name',
      edit('bob: {}', '"Bob Smith": {}'),
      'holders.Bob Smith: a holder name is lowercase',
    ],
    [
      'reserved holder name',
      edit('bob: {}', 'coordinator: {}'),
      'holders.coordinator: "coordinator" is reserved',
    ],
    [
      'delegation named like a top-level role',
      edit('  registry.example.org:\n', '  snapshot:\n'),
      'delegations.snapshot: "snapshot" is a top-level role name',
    ],
    [
      'delegation name with a slash',
      edit('  registry.example.org:\n', '  a/b:\n'),
      'delegations.a/b: a role name may hold only',
    ],
    [
      'paths and succinct',
      edit('    terminating: true\n', '    succinct: { bit_length: 4, name_prefix: b }\n'),
      'delegations.registry.example.org: has both paths and succinct',
    ],
    [
      'neither paths nor succinct',
      edit('    paths: ["registry.example.org/*"]\n', ''),
      'delegations.registry.example.org: needs paths or succinct',
    ],
    [
      'empty paths',
      edit('["registry.example.org/*"]', '[]'),
      'delegations.registry.example.org.paths: must be a non-empty list',
    ],
    [
      'unknown delegator',
      edit('delegated_by: registry.example.org', 'delegated_by: nobody'),
      'delegations.team.example.org.delegated_by: "nobody" is neither targets nor a declared delegation',
    ],
    [
      'delegation cycle',
      edit('delegated_by: targets', 'delegated_by: team.example.org'),
      'delegations.registry.example.org.delegated_by: delegation cycle',
    ],
  ])('%s', (_name, text, expected) => {
    const errors = errorsOf(text);
    expect(
      errors.some((e) => e.startsWith(expected)),
      errors.join('\n'),
    ).toBe(true);
  });

  it.each([
    [
      'bit_length 0',
      '{ bit_length: 0, name_prefix: b }',
      'bit_length: 0 is not an integer from 1 to 32',
    ],
    ['bit_length 33', '{ bit_length: 33, name_prefix: b }', 'bit_length: 33 is not an integer'],
    ['name_prefix', '{ bit_length: 8, name_prefix: "a/b" }', 'name_prefix: may hold only'],
    ['extra key', '{ bit_length: 8, name_prefix: b, x: 1 }', 'succinct.x: unknown key'],
  ])('succinct %s', (_name, succinct, expected) => {
    const text = edit(
      '    paths: ["registry.example.org/*"]\n    terminating: true\n',
      `    succinct: ${succinct}\n`,
    );
    const errors = errorsOf(text);
    expect(
      errors.some((e) => e.includes(expected)),
      errors.join('\n'),
    ).toBe(true);
  });

  it('refuses terminating on succinct bins and other delegations next to bins', () => {
    const text = edit(
      '    paths: ["registry.example.org/*"]\n',
      '    succinct: { bit_length: 8, name_prefix: b }\n',
      edit('delegated_by: registry.example.org', 'delegated_by: targets'),
    );
    const errors = errorsOf(text);
    expect(errors).toContain(
      'delegations.registry.example.org.terminating: does not apply to succinct bins (TAP 15)',
    );
    expect(errors.some((e) => e.includes('succinct bins exclude other delegations'))).toBe(true);
  });

  it('refuses duplicate keys with their line', () => {
    const errors = errorsOf(edit('  bob: {}\n', '  bob: {}\n  bob: {}\n'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^line 7: .*unique/);
  });

  it('refuses YAML that is not a mapping, and broken YAML', () => {
    expect(errorsOf('- a\n- b\n')).toEqual(['(top): the plan must be a YAML mapping, not a list']);
    expect(errorsOf('')[0]).toMatch(/must be a YAML mapping/);
    expect(errorsOf('roles: [\n')[0]).toMatch(/^line \d+: /);
  });

  it('lists every error at once in one PLAN_INVALID error', () => {
    const text = edit(
      'version: 1',
      'version: 3',
      edit('holders: [bob, carol]', 'holders: [bob, dave]', edit('expires: 1d', 'expires: soon')),
    );
    let caught: unknown;
    try {
      parsePlan(
        text.replace('threshold: 2, expires: 365d', 'threshold: 4, expires: 365d'),
        'x/ceremony.yaml',
      );
    } catch (err) {
      caught = err;
    }
    expect(isCeremonyError(caught, 'PLAN_INVALID')).toBe(true);
    const err = caught as PlanError;
    expect(err.errors).toEqual([
      'version: must be 1, not 3',
      'roles.root.threshold: 4 is more than its 3 holders',
      'roles.timestamp.expires: "soon" is not a duration such as 365d, 12h or 2w',
      'delegations.team.example.org.holders: "dave" is not a declared holder',
    ]);
    expect(err.message).toBe(`x/ceremony.yaml: ${err.errors.join('; ')}`);
  });
});
