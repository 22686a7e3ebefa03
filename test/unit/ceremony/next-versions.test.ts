import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { enrollKey, type EnrolledKey } from '../../../src/ceremony/enrolled-key.js';
import { planNextVersions, type PlannedRole } from '../../../src/ceremony/next-versions.js';
import type { Plan } from '../../../src/ceremony/plan.js';
import { parsePlan } from '../../../src/ceremony/plan-yaml.js';
import { emptyPublishedRepo, type PublishedRepo } from '../../../src/ceremony/published.js';
import { CeremonyError } from '../../../src/metadata/errors.js';
import { keyFromPublicKeyObject } from '../../../src/metadata/keys.js';
import type { Metadata, RootSigned, TargetsSigned } from '../../../src/metadata/model.js';
import { serializeMetadata } from '../../../src/metadata/serialize.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

function planText(people = 'alice, bob, carol'): string {
  return `version: 1
name: unit-root
consistent_snapshot: true
holders:
  alice: {}
  bob: {}
  carol: {}
  dave: {}
  online: { online: true }
roles:
  root: { holders: [${people}], threshold: 2, expires: 365d, signing_window: 60d }
  targets: { holders: [${people}], threshold: 2, expires: 90d, signing_window: 30d }
  snapshot: { holders: [online], threshold: 1, expires: 7d, signing_window: 2d, online: true }
  timestamp: { holders: [online], threshold: 1, expires: 1d, signing_window: 12h, online: true }
`;
}

function plan(people?: string): Plan {
  return parsePlan(planText(people), 'ceremony.yaml');
}

function newKey(holder: string): EnrolledKey {
  const { publicKey } = generateKeyPairSync('ed25519');
  return enrollKey(
    holder,
    keyFromPublicKeyObject(publicKey),
    `file:/keys/${holder}.key`,
    '2026-11-01T00:00:00Z',
  );
}

const KEYS: EnrolledKey[] = ['alice', 'bob', 'carol', 'dave', 'online'].map(newKey);

/** What a repository looks like once the planned roles were published. */
function publish(planned: readonly PlannedRole[], base = emptyPublishedRepo()): PublishedRepo {
  const repo: PublishedRepo = { ...base, roots: new Map(base.roots) };
  for (const p of planned) {
    if (p.role === 'root') {
      const metadata: Metadata<RootSigned> = { signed: p.signed as RootSigned, signatures: [] };
      repo.root = { metadata, file: serializeMetadata(metadata) };
      repo.roots.set(metadata.signed.version, repo.root);
    } else if (p.role === 'targets') {
      const metadata: Metadata<TargetsSigned> = {
        signed: p.signed as TargetsSigned,
        signatures: [],
      };
      repo.targets = { metadata, file: serializeMetadata(metadata) };
    }
  }
  return repo;
}

function first(): { planned: PlannedRole[]; repo: PublishedRepo } {
  const planned = planNextVersions({
    plan: plan(),
    keys: KEYS,
    published: emptyPublishedRepo(),
    now: NOW,
  });
  return { planned, repo: publish(planned) };
}

function roleKeyids(planned: readonly PlannedRole[], role: string): string[] {
  const root = planned.find((p) => p.role === 'root')?.signed as RootSigned | undefined;
  return root?.roles[role]?.keyids ?? [];
}

describe('planNextVersions', () => {
  it('stages root and targets v1 on a first ceremony', () => {
    const { planned } = first();
    expect(planned.map((p) => `${p.role} v${p.signed.version}`)).toEqual(['root v1', 'targets v1']);
    expect(planned.every((p) => p.reasons.includes('first version'))).toBe(true);
    const alice = KEYS[0]?.keyid ?? '';
    expect(roleKeyids(planned, 'root')).toContain(alice);
    expect(roleKeyids(planned, 'root')).toHaveLength(3);
    expect(roleKeyids(planned, 'timestamp')).toEqual([KEYS[4]?.keyid]);
    expect(planned[0]?.signed.expires).toBe('2027-11-23T10:00:00Z');
  });

  it('stages nothing when nothing changed and nothing is due', () => {
    const { repo } = first();
    expect(planNextVersions({ plan: plan(), keys: KEYS, published: repo, now: NOW + DAY })).toEqual(
      [],
    );
  });

  it('stages root alone once root is inside its signing window', () => {
    const longTargets = parsePlan(
      planText().replace('expires: 90d, signing_window: 30d', 'expires: 900d, signing_window: 30d'),
      'ceremony.yaml',
    );
    const repo = publish(
      planNextVersions({
        plan: longTargets,
        keys: KEYS,
        published: emptyPublishedRepo(),
        now: NOW,
      }),
    );
    // root expires after 365d with a 60d window: the window opens on day 305.
    const at = (day: number): PlannedRole[] =>
      planNextVersions({ plan: longTargets, keys: KEYS, published: repo, now: NOW + day * DAY });
    expect(at(304)).toEqual([]);
    const due = at(305);
    expect(due.map((p) => `${p.role} v${p.signed.version}`)).toEqual(['root v2']);
    expect(due[0]?.reasons).toEqual(['expires 2027-11-23T10:00:00Z, inside its signing window']);
  });

  it('changes root and targets when a holder is replaced', () => {
    const { repo } = first();
    const planned = planNextVersions({
      plan: plan('alice, bob, dave'),
      keys: KEYS,
      published: repo,
      now: NOW + DAY,
    });
    expect(planned.map((p) => `${p.role} v${p.signed.version}`)).toEqual(['root v2', 'targets v2']);
    expect(planned[0]?.reasons).toContain('keys, thresholds or settings changed in the plan');
    expect(planned[1]?.reasons).toContain('its signing keys or threshold changed');
    expect(roleKeyids(planned, 'root')).toContain(KEYS[3]?.keyid);
    expect(roleKeyids(planned, 'root')).not.toContain(KEYS[2]?.keyid);
  });

  it('names every holder without an active key', () => {
    const keys = KEYS.filter((k) => k.holder !== 'carol');
    let error: unknown;
    try {
      planNextVersions({ plan: plan(), keys, published: emptyPublishedRepo(), now: NOW });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CeremonyError);
    expect((error as CeremonyError).code).toBe('STATE_INVALID');
    expect((error as Error).message).toMatch(/carol \(a holder of root\) has no enrolled key/);
  });

  it('leaves a retired key out of new metadata', () => {
    const { repo } = first();
    const carolOld = KEYS[2] as EnrolledKey;
    const carolNew = newKey('carol');
    const keys = [
      ...KEYS.filter((k) => k !== carolOld),
      { ...carolOld, retired_at: '2026-11-24T00:00:00Z', retired_reason: 'compromised' },
      carolNew,
    ];
    const planned = planNextVersions({ plan: plan(), keys, published: repo, now: NOW + DAY });
    expect(planned.map((p) => p.role)).toEqual(['root', 'targets']);
    const root = planned[0]?.signed as RootSigned;
    expect(Object.keys(root.keys)).not.toContain(carolOld.keyid);
    expect(root.roles.root?.keyids).toContain(carolNew.keyid);
    expect(root.roles.targets?.keyids).not.toContain(carolOld.keyid);
    // Retiring carol's only key leaves carol without an active key.
    const withoutNew = keys.filter((k) => k !== carolNew);
    expect(() =>
      planNextVersions({ plan: plan(), keys: withoutNew, published: repo, now: NOW + DAY }),
    ).toThrow(/carol \(a holder of root\) has no enrolled key/);
  });
});
