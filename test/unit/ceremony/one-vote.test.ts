import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { enrollKey, type EnrolledKey } from '../../../src/ceremony/enrolled-key.js';
import { planNextVersions } from '../../../src/ceremony/next-versions.js';
import {
  distinctHolders,
  oneVoteProblems,
  sameKeyElsewhere,
} from '../../../src/ceremony/one-vote.js';
import { parsePlan } from '../../../src/ceremony/plan-yaml.js';
import { emptyPublishedRepo } from '../../../src/ceremony/published.js';
import type { HolderSignatures } from '../../../src/ceremony/staging.js';
import { ceremonyStatus } from '../../../src/ceremony/status.js';
import { setRoleKeys } from '../../../src/metadata/build-keys.js';
import { newRoot } from '../../../src/metadata/build-roles.js';
import { sharedHolderWarnings } from '../../../src/metadata/client/holder-warnings.js';
import { keyFromPublicKeyObject } from '../../../src/metadata/keys.js';
import { toDraft } from '../../../src/repo/staging-store.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');

interface Holder {
  record: EnrolledKey;
  privateKey: KeyObject;
}

function holder(name: string, retired = false): Holder {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const record = enrollKey(name, keyFromPublicKeyObject(publicKey), `file:/k/${name}`, 'x');
  if (retired) record.retired_at = '2026-11-01T00:00:00Z';
  return { record, privateKey };
}

const PLAN = parsePlan(
  `version: 1
name: unit-root
consistent_snapshot: true
holders: { alice: {}, bob: {}, carol: {}, online: { online: true } }
roles:
  root: { holders: [alice, bob, carol], threshold: 2, expires: 365d, signing_window: 60d }
  targets: { holders: [alice, bob, carol], threshold: 2, expires: 90d, signing_window: 30d }
  snapshot: { holders: [online], threshold: 1, expires: 7d, signing_window: 2d, online: true }
  timestamp: { holders: [online], threshold: 1, expires: 1d, signing_window: 12h, online: true }
`,
  'ceremony.yaml',
);

describe('one holder, one vote', () => {
  const [alice, alice2, bob, carol, online] = [
    holder('alice'),
    holder('alice'),
    holder('bob'),
    holder('carol'),
    holder('online'),
  ] as [Holder, Holder, Holder, Holder, Holder];

  it('names a holder with two active keys, and one key enrolled for two holders', () => {
    const everyone = () => true;
    expect(oneVoteProblems([alice.record, bob.record], everyone)).toEqual([]);
    const [two] = oneVoteProblems([alice.record, alice2.record, bob.record], everyone);
    expect(two).toMatch(/^alice holds 2 active keys \([0-9a-f]{8}, [0-9a-f]{8}\): one holder/);
    // A retired key no longer votes; a holder who signs nothing is not asked.
    const retired = { ...alice2.record, retired_at: '2026-11-01T00:00:00Z' };
    expect(oneVoteProblems([alice.record, retired], everyone)).toEqual([]);
    expect(oneVoteProblems([alice.record, alice2.record], (h) => h !== 'alice')).toEqual([]);
    const shared = enrollKey('carol', bob.record.key, 'file:/k/c', 'x');
    expect(sameKeyElsewhere([alice.record, bob.record], shared)).toBe(bob.record);
    expect(sameKeyElsewhere([alice.record, carol.record], shared)).toBeUndefined();
    expect(oneVoteProblems([bob.record, shared], everyone)).toEqual([
      `bob and carol enrolled the same public key (${bob.record.keyid.slice(0, 8)}, ${shared.keyid.slice(0, 8)}): one key would count for two holders; each holder enrolls their own key`,
    ]);
  });

  it('refuses to plan a root in which one holder holds two keys', () => {
    const keys = [alice, alice2, bob, carol, online].map((h) => h.record);
    expect(() =>
      planNextVersions({ plan: PLAN, keys, published: emptyPublishedRepo(), now: NOW }),
    ).toThrow(/alice holds 2 active keys .*one holder has one vote/);
    const retired = { ...alice2.record, retired_at: '2026-11-01T00:00:00Z' };
    const planned = planNextVersions({
      plan: PLAN,
      keys: [alice.record, retired, bob.record, carol.record, online.record],
      published: emptyPublishedRepo(),
      now: NOW,
    });
    expect(planned.map((p) => p.role)).toEqual(['root', 'targets']);
  });

  it("counts a holder's two signatures once toward a threshold of holders", () => {
    // A root that lists two keys of alice (as a hand-made or older draft could).
    const keys = [alice, alice2, bob, carol].map((h) => h.record.key);
    let signed = newRoot({
      expires: NOW + 86_400_000,
      thresholds: { root: 2, targets: 2, snapshot: 1, timestamp: 1 },
    });
    signed = setRoleKeys(signed, 'root', keys, 2);
    const draft = toDraft('root', { signed, signatures: [] });
    const signature = (h: Holder) => ({
      keyid: h.record.keyid,
      sig: sign(null, draft.canonical, h.privateKey).toString('hex'),
      signed_sha256: draft.sha256,
      signed_at: 'x',
    });
    const staged = { id: 'c1', created: 'x', roles: ['root'], base: {}, drafts: {} };
    const status = (holders: HolderSignatures[]) =>
      ceremonyStatus(staged, new Map([['root', draft]]), holders, emptyPublishedRepo(), new Map());
    const aliceOnly = status([
      { holder: 'alice', signatures: { root: [signature(alice), signature(alice2)] } },
    ]);
    const [check] = aliceOnly.roles[0]?.checks ?? [];
    expect(check?.result.signed).toHaveLength(2);
    expect(check).toMatchObject({ holdersCounted: 1, met: false, signedBy: ['alice'] });
    expect(check?.missingHolders).toEqual(['bob', 'carol']);
    expect(aliceOnly.ready).toBe(false);
    const withBob = status([
      { holder: 'alice', signatures: { root: [signature(alice), signature(alice2)] } },
      { holder: 'bob', signatures: { root: [signature(bob)] } },
    ]);
    expect(withBob.roles[0]?.checks[0]).toMatchObject({ holdersCounted: 2, met: true });
    expect(withBob.ready).toBe(true);
  });

  it('lists distinct holders, falling back to known names and then the key', () => {
    const keys = {
      [alice.record.keyid]: alice.record.key,
      [alice2.record.keyid]: alice2.record.key,
    };
    const unknown = 'ab'.repeat(32);
    const known = new Map([['cd'.repeat(32), 'dave']]);
    expect(
      distinctHolders(
        [alice.record.keyid, alice2.record.keyid, 'cd'.repeat(32), unknown],
        keys,
        known,
      ),
    ).toEqual(['alice', 'dave', 'key abababab']);
  });

  it('warns (verify) when holder fields show one holder with two keys of a role', () => {
    const keys = Object.fromEntries(
      [alice, alice2, bob].map((h) => [h.record.keyid, h.record.key]),
    );
    const roles: [string, { keyids: string[]; threshold: number }][] = [
      [
        'root',
        { keyids: [alice.record.keyid, alice2.record.keyid, bob.record.keyid], threshold: 2 },
      ],
      ['targets', { keyids: [alice.record.keyid, bob.record.keyid], threshold: 2 }],
    ];
    const warnings = sharedHolderWarnings(keys, roles, 'root v1');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^root v1: holder "alice" holds 2 keys of role "root" \([0-9a-f]{8}…, [0-9a-f]{8}…\); its threshold of 2 counts keys/,
    );
    // A holder name from metadata is escaped before it reaches a terminal.
    const sneaky = enrollKey('al\u202eice\n', alice.record.key, 'file:/x', 'x');
    const sneaky2 = enrollKey('al\u202eice\n', alice2.record.key, 'file:/x', 'x');
    const [escaped] = sharedHolderWarnings(
      { [sneaky.keyid]: sneaky.key, [sneaky2.keyid]: sneaky2.key },
      [['root', { keyids: [sneaky.keyid, sneaky2.keyid], threshold: 1 }]],
      'root v2',
    );
    expect(escaped).toContain('holder "al\\u202eice\\n" holds 2 keys');
    expect(escaped).not.toMatch(/[\u202e\n]/);
  });
});
