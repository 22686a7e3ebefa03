import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { enrollKey, type EnrolledKey } from '../../../src/ceremony/enrolled-key.js';
import { planNextVersions, type PlannedRole } from '../../../src/ceremony/next-versions.js';
import { parsePlan } from '../../../src/ceremony/plan-yaml.js';
import { emptyPublishedRepo, type PublishedRepo } from '../../../src/ceremony/published.js';
import { targetFileFor } from '../../../src/metadata/build-targets.js';
import { binForPath } from '../../../src/metadata/delegation.js';
import { CeremonyError } from '../../../src/metadata/errors.js';
import { keyFromPublicKeyObject } from '../../../src/metadata/keys.js';
import type {
  Metadata,
  RootSigned,
  SuccinctRoles,
  TargetFile,
  TargetsSigned,
} from '../../../src/metadata/model.js';
import { serializeMetadata } from '../../../src/metadata/serialize.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const DAY = 86_400_000;
const ROLE = 'holders: [alice], threshold: 1, expires: 90d, signing_window: 30d';
const PLAN = parsePlan(
  `version: 1
name: delegated-unit
consistent_snapshot: true
holders:
  alice: {}
  bob: {}
  online: { online: true }
roles:
  root: { holders: [alice, bob], threshold: 1, expires: 365d, signing_window: 60d }
  targets: { holders: [alice, bob], threshold: 1, expires: 365d, signing_window: 60d }
  snapshot: { holders: [online], threshold: 1, expires: 7d, signing_window: 2d, online: true }
  timestamp: { holders: [online], threshold: 1, expires: 1d, signing_window: 12h, online: true }
delegations:
  registry.example.org: { paths: ["registry.example.org/*"], terminating: true, ${ROLE} }
  packages: { paths: ["packages/*"], ${ROLE} }
  bins: { delegated_by: packages, succinct: { bit_length: 2, name_prefix: bins }, ${ROLE} }
`,
  'ceremony.yaml',
);
const BINS: SuccinctRoles = { keyids: [], threshold: 1, bit_length: 2, name_prefix: 'bins' };

function newKey(holder: string): EnrolledKey {
  const { publicKey } = generateKeyPairSync('ed25519');
  return enrollKey(
    holder,
    keyFromPublicKeyObject(publicKey),
    `file:/k/${holder}`,
    '2026-11-01T00:00:00Z',
  );
}
const KEYS = ['alice', 'bob', 'online'].map(newKey);
const file = (text: string): TargetFile => targetFileFor(new TextEncoder().encode(text));

/** The repository once the planned roles were published. */
function publish(planned: readonly PlannedRole[], base = emptyPublishedRepo()): PublishedRepo {
  const repo: PublishedRepo = {
    ...base,
    roots: new Map(base.roots),
    delegated: new Map(base.delegated),
  };
  for (const p of planned) {
    if (p.role === 'root') {
      const metadata: Metadata<RootSigned> = { signed: p.signed as RootSigned, signatures: [] };
      repo.root = { metadata, file: serializeMetadata(metadata) };
      repo.roots.set(metadata.signed.version, repo.root);
      continue;
    }
    const metadata: Metadata<TargetsSigned> = { signed: p.signed as TargetsSigned, signatures: [] };
    const role = { metadata, file: serializeMetadata(metadata) };
    if (p.role === 'targets') repo.targets = role;
    else repo.delegated.set(p.role, role);
  }
  return repo;
}

function plan(
  published: PublishedRepo,
  delegatedTargets?: Map<string, Record<string, TargetFile>>,
  now = NOW + DAY,
): PlannedRole[] {
  return planNextVersions({
    plan: PLAN,
    keys: KEYS,
    published,
    now,
    ...(delegatedTargets ? { delegatedTargets } : {}),
  });
}

const names = (planned: readonly PlannedRole[]) =>
  planned.map((p) => `${p.role} v${p.signed.version}`).sort();
const targetsOf = (planned: readonly PlannedRole[], role: string) =>
  (planned.find((p) => p.role === role)?.signed as TargetsSigned | undefined)?.targets;

// Paths chosen to land in three different bins of four.
const PACKAGES = ['packages/a.tgz', 'packages/b.tgz', 'packages/c.tgz', 'packages/d.tgz'];

describe('planNextVersions with delegated target inputs', () => {
  const first = plan(emptyPublishedRepo(), undefined, NOW);
  const v1 = publish(first);

  it('stages every delegated role and bin on a first ceremony', () => {
    expect(names(first)).toEqual(
      [
        'bins-0',
        'bins-1',
        'bins-2',
        'bins-3',
        'packages',
        'registry.example.org',
        'root',
        'targets',
      ]
        .map((r) => `${r} v1`)
        .sort(),
    );
  });

  it('gives a new version only to the roles and bins whose inputs changed', () => {
    const inputs = new Map([
      ['registry.example.org', { 'registry.example.org/app': file('app') }],
      ['bins', Object.fromEntries(PACKAGES.map((p) => [p, file(p)]))],
    ]);
    const next = plan(v1, inputs);
    const touched = new Set(PACKAGES.map((p) => binForPath(BINS, p)));
    expect([...touched].sort()).toEqual(['bins-0', 'bins-2', 'bins-3']);
    expect(names(next)).toEqual(['registry.example.org', ...touched].map((r) => `${r} v2`).sort());
    for (const p of next) expect(p.reasons).toEqual(['target files added, changed or removed']);
    expect(targetsOf(next, 'registry.example.org')).toEqual({
      'registry.example.org/app': file('app'),
    });
    for (const bin of touched) {
      const listed = Object.keys(targetsOf(next, bin) ?? {});
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.every((p) => binForPath(BINS, p) === bin)).toBe(true);
    }
    // Each path is listed by exactly one bin.
    const all = [...touched].flatMap((bin) => Object.keys(targetsOf(next, bin) ?? {}));
    expect(all.sort()).toEqual([...PACKAGES].sort());

    // Published: the same inputs stage nothing; removing one path stages only its bin.
    const v2 = publish(next, v1);
    expect(plan(v2, inputs)).toEqual([]);
    const removed = PACKAGES[0] as string;
    const fewer = new Map(inputs);
    fewer.set('bins', Object.fromEntries(PACKAGES.slice(1).map((p) => [p, file(p)])));
    const third = plan(v2, fewer);
    expect(names(third)).toEqual([`${binForPath(BINS, removed)} v3`]);
    expect(Object.keys(targetsOf(third, binForPath(BINS, removed)) ?? {})).not.toContain(removed);

    // Without a folder, published targets carry over; an empty folder empties every bin.
    expect(
      plan(v2, new Map([['registry.example.org', { 'registry.example.org/app': file('app') }]])),
    ).toEqual([]);
    const emptied = plan(v2, new Map([['bins', {}]]));
    expect(names(emptied)).toEqual([...touched].map((b) => `${b} v3`).sort());
    for (const bin of touched) expect(targetsOf(emptied, bin)).toEqual({});
  });

  it('refuses inputs clients would never find there', () => {
    const wrong = new Map([['bins', { 'registry.example.org/x': file('x') }]]);
    expect(() => plan(v1, wrong)).toThrow(CeremonyError);
    expect(() => plan(v1, wrong)).toThrow(/role bins is not delegated this path/);
  });
});

describe('planNextVersions with a bins delegation given bin by bin', () => {
  const v1 = publish(plan(emptyPublishedRepo(), undefined, NOW));
  const byBin = new Map<string, Record<string, TargetFile>>();
  for (const p of PACKAGES) {
    const bin = binForPath(BINS, p);
    byBin.set(bin, { ...(byBin.get(bin) ?? {}), [p]: file(p) });
  }
  const v2 = publish(
    plan(v1, new Map([['bins', Object.fromEntries(PACKAGES.map((p) => [p, file(p)]))]])),
    v1,
  );
  const known = (bin: string) => {
    const signed = v2.delegated.get(bin)?.metadata.signed as TargetsSigned;
    return { version: signed.version, expires: signed.expires };
  };
  const planBins = (
    read: Map<string, Record<string, TargetFile>>,
    same: string[],
    now = NOW + DAY,
    force: string[] = [],
  ): PlannedRole[] =>
    planNextVersions({
      plan: PLAN,
      keys: KEYS,
      published: v2,
      now,
      force,
      binInputs: new Map([
        ['bins', { read, samePublished: new Map(same.map((b) => [b, known(b)])) }],
      ]),
    });

  it('plans the same versions as the whole inputs, reading only the bins not known', () => {
    const bins = ['bins-0', 'bins-1', 'bins-2', 'bins-3'];
    // Every bin known unchanged: nothing to stage, and no published bin is parsed for it.
    expect(planBins(new Map(), bins)).toEqual([]);
    // One bin read with one more target: exactly that bin, as the whole inputs would give.
    const extra = 'packages/e.tgz';
    const bin = binForPath(BINS, extra);
    const read = new Map([[bin, { ...(byBin.get(bin) ?? {}), [extra]: file(extra) }]]);
    const incremental = planBins(
      read,
      bins.filter((b) => b !== bin),
    );
    const whole = plan(
      v2,
      new Map([['bins', Object.fromEntries([...PACKAGES, extra].map((p) => [p, file(p)]))]]),
    );
    expect(incremental).toEqual(whole);
    expect(names(incremental)).toEqual([`${bin} v3`]);
  });

  it('still re-signs a known bin inside its signing window, when requested, and refuses misfiled paths', () => {
    const bins = ['bins-0', 'bins-1', 'bins-2', 'bins-3'];
    const late = NOW + 70 * DAY;
    const due = planBins(new Map(), bins, late).filter((p) => p.role.startsWith('bins-'));
    expect(names(due)).toEqual(bins.map((b) => `${b} v${known(b).version + 1}`));
    for (const p of due) expect(p.reasons[0]).toMatch(/inside its signing window/);
    expect(targetsOf(due, 'bins-0')).toEqual(v2.delegated.get('bins-0')?.metadata.signed.targets);
    expect(names(planBins(new Map(), bins, NOW + DAY, ['bins-1']))).toEqual(['bins-1 v2']);
    const wrong = new Map([['bins-0', { 'registry.example.org/x': file('x') }]]);
    expect(() => planBins(wrong, [])).toThrow(/role bins is not delegated this path/);
  });
});
