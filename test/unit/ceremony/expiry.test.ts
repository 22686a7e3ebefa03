import { describe, expect, it } from 'vitest';
import { roleExpiries } from '../../../src/ceremony/expiry.js';
import { parsePlan } from '../../../src/ceremony/plan-yaml.js';
import { emptyPublishedRepo, type PublishedRepo } from '../../../src/ceremony/published.js';
import {
  newRoot,
  newSnapshot,
  newTargets,
  newTimestamp,
} from '../../../src/metadata/build-roles.js';
import type { AnySigned, Metadata } from '../../../src/metadata/model.js';
import { serializeMetadata } from '../../../src/metadata/serialize.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-12-01T00:00:00Z');

const PLAN = parsePlan(
  `version: 1
name: unit-root
consistent_snapshot: true
holders:
  alice: {}
  online: { online: true }
roles:
  root: { holders: [alice], threshold: 1, expires: 365d, signing_window: 60d }
  targets: { holders: [alice], threshold: 1, expires: 40d, signing_window: 20d }
  snapshot: { holders: [online], threshold: 1, expires: 7d, signing_window: 2d, online: true }
  timestamp: { holders: [online], threshold: 1, expires: 2d, signing_window: 1d, online: true }
`,
  'ceremony.yaml',
);

function role<T extends AnySigned>(
  signed: T,
): { metadata: Metadata<T>; file: ReturnType<typeof serializeMetadata> } {
  const metadata: Metadata<T> = { signed, signatures: [] };
  return { metadata, file: serializeMetadata(metadata) };
}

/** A repository whose roles were all signed at T0 with the plan's expiries. */
function repoAtT0(): PublishedRepo {
  const repo = emptyPublishedRepo();
  repo.root = role(
    newRoot({
      expires: T0 + 365 * DAY,
      thresholds: { root: 1, targets: 1, snapshot: 1, timestamp: 1 },
    }),
  );
  repo.roots.set(1, repo.root);
  repo.targets = role(newTargets({ expires: T0 + 40 * DAY, version: 3 }));
  repo.snapshot = role(newSnapshot({ expires: T0 + 7 * DAY }));
  repo.timestamp = role(newTimestamp({ expires: T0 + 2 * DAY, version: 9 }));
  return repo;
}

function stateAt(now: number, withinMs?: number): Record<string, string> {
  return Object.fromEntries(
    roleExpiries(PLAN, repoAtT0(), now, withinMs).map((e) => [e.role, e.state]),
  );
}

describe('roleExpiries', () => {
  it('lists nothing for an empty repository', () => {
    expect(roleExpiries(PLAN, emptyPublishedRepo(), T0)).toEqual([]);
  });

  it('reports every role ok right after signing, with versions and window openings', () => {
    const rows = roleExpiries(PLAN, repoAtT0(), T0);
    expect(rows.map((r) => r.role)).toEqual(['root', 'timestamp', 'snapshot', 'targets']);
    expect(rows.every((r) => r.state === 'ok')).toBe(true);
    const targets = rows.find((r) => r.role === 'targets');
    expect(targets).toMatchObject({
      version: 3,
      expires: '2027-01-10T00:00:00Z',
      windowOpens: '2026-12-21T00:00:00Z',
      online: false,
      remainingMs: 40 * DAY,
    });
    expect(rows.find((r) => r.role === 'timestamp')).toMatchObject({ version: 9, online: true });
  });

  it('enters the window exactly when it opens and expires exactly at expires', () => {
    // targets: 40d with a 20d window.
    expect(stateAt(T0 + 20 * DAY - 1).targets).toBe('ok');
    expect(stateAt(T0 + 20 * DAY).targets).toBe('window');
    expect(stateAt(T0 + 40 * DAY - 1).targets).toBe('window');
    expect(stateAt(T0 + 40 * DAY).targets).toBe('expired');
    // timestamp: 2d with a 1d window; snapshot: 7d with a 2d window.
    expect(stateAt(T0 + DAY - 1).timestamp).toBe('ok');
    expect(stateAt(T0 + DAY).timestamp).toBe('window');
    expect(stateAt(T0 + 2 * DAY).timestamp).toBe('expired');
    expect(stateAt(T0 + 5 * DAY - 1).snapshot).toBe('ok');
    expect(stateAt(T0 + 5 * DAY).snapshot).toBe('window');
    expect(
      roleExpiries(PLAN, repoAtT0(), T0 + 41 * DAY).find((r) => r.role === 'targets')?.remainingMs,
    ).toBe(-DAY);
  });

  it('widens the window with withinMs but never narrows it', () => {
    expect(stateAt(T0 + 10 * DAY, 30 * DAY).targets).toBe('window');
    expect(stateAt(T0 + 10 * DAY, 30 * DAY).root).toBe('ok');
    expect(stateAt(T0 + DAY, 1).timestamp).toBe('window');
  });
});
