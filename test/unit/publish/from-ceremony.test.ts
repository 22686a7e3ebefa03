import { describe, expect, it } from 'vitest';
import { emptyPublishedRepo } from '../../../src/ceremony/published.js';
import type { HolderSignatures, StagedDraft } from '../../../src/ceremony/staging.js';
import { ceremonyStatus } from '../../../src/ceremony/status.js';
import { newRoot, setRoleKeys } from '../../../src/metadata/build.js';
import { sha256Hex } from '../../../src/metadata/bytes.js';
import { canonicalBytes } from '../../../src/metadata/canonical.js';
import type { RootSigned } from '../../../src/metadata/model.js';
import { signAndCheck } from '../../../src/metadata/sign.js';
import { serializeMetadata } from '../../../src/metadata/serialize.js';
import { renderStatusSection } from '../../../src/publish/pr-body.js';
import { statusViewFrom } from '../../../src/publish/from-ceremony.js';
import { roleThresholdMet } from '../../../src/publish/status-view.js';
import { ed25519FromSeed, SoftwareSigner } from '../../../src/signing/software-signer.js';

const signer = (n: number) => new SoftwareSigner(ed25519FromSeed(new Uint8Array(32).fill(n)));
const [alice, bob, carol] = [signer(1), signer(2), signer(3)];

function root(version: number, signers: SoftwareSigner[], threshold: number): RootSigned {
  let signed = newRoot({
    version,
    expires: Date.UTC(2027, 0, 1),
    thresholds: { root: threshold, targets: 1, snapshot: 1, timestamp: 1 },
  });
  for (const role of ['root', 'targets', 'snapshot', 'timestamp']) {
    signed = setRoleKeys(
      signed,
      role,
      signers.map((s) => s.key),
      role === 'root' ? threshold : 1,
    );
  }
  return signed;
}

describe('statusViewFrom (the ceremony core status as the PR body shows it)', () => {
  it('maps a root rotation: new and previous root counts, missing and stale holders', async () => {
    const v1 = root(1, [alice, bob], 2);
    const published = emptyPublishedRepo();
    const v1Meta = { signed: v1, signatures: [] };
    published.root = { metadata: v1Meta, file: serializeMetadata(v1Meta) };
    published.roots.set(1, published.root);
    const v2 = root(2, [alice, bob, carol], 2);
    const canonical = canonicalBytes(v2);
    const draft: StagedDraft = {
      role: 'root',
      metadata: { signed: v2, signatures: [] },
      canonical,
      sha256: sha256Hex(canonical),
    };
    const sigFile = async (
      holder: string,
      s: SoftwareSigner,
      sha = draft.sha256,
    ): Promise<HolderSignatures> => ({
      holder,
      signatures: {
        root: [
          {
            ...(await signAndCheck(s, canonical)),
            signed_sha256: sha,
            signed_at: '2026-11-23T09:00:00Z',
          },
        ],
      },
    });
    const holders = [
      await sigFile('alice', alice),
      await sigFile('carol', carol),
      await sigFile('bob', bob, 'f'.repeat(64)),
    ];
    const holderOf = new Map([
      [alice.keyid, 'alice'],
      [bob.keyid, 'bob'],
      [carol.keyid, 'carol'],
    ]);
    const staged = {
      id: '2026-11-23-root-v2',
      created: '2026-11-23T08:00:00Z',
      roles: ['root'],
      base: { root: 1 },
      drafts: { root: draft.sha256 },
    };
    const status = ceremonyStatus(staged, new Map([['root', draft]]), holders, published, holderOf);
    const view = statusViewFrom(status);
    expect(view).toEqual({
      ceremonyId: '2026-11-23-root-v2',
      ready: false,
      roles: [
        {
          name: 'root',
          version: 2,
          expires: '2027-01-01T00:00:00Z',
          sha256: draft.sha256,
          threshold: 2,
          validSigners: ['alice', 'carol'],
          validKeys: 2,
          missing: ['bob'],
          stale: ['bob'],
          rootOld: { threshold: 2, validSigners: ['alice'], validKeys: 1, missing: ['bob'] },
        },
      ],
    });
    const [role] = view.roles;
    expect(role !== undefined && roleThresholdMet(role)).toBe(false);
    expect(renderStatusSection(view)).toContain(
      'new root: 2/2 ✅ (alice, carol)<br>previous root: 1/2 ⏳ (alice) | bob | bob |',
    );
  });
});
