import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enrollKey, type EnrolledKey } from '../../../src/ceremony/enrolled-key.js';
import { buildSigningRequest, type SigningRequest } from '../../../src/ceremony/offline-format.js';
import { parseSigningRequest } from '../../../src/ceremony/offline-parse.js';
import type { StagedDraft } from '../../../src/ceremony/staging.js';
import { CeremonyError } from '../../../src/metadata/errors.js';
import { keyFromPublicKeyObject } from '../../../src/metadata/keys.js';
import type { AnySigned, RootSigned, TargetsSigned } from '../../../src/metadata/model.js';
import { prettyJson } from '../../../src/metadata/serialize.js';
import { toDraft } from '../../../src/repo/staging-store.js';

// The signing request: deterministic, small (4 roles of a ceremony without target files under
// 64 KiB even with seven ECDSA holders), read back exactly, and any changed byte refused.

const HOLDERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
const keys: EnrolledKey[] = HOLDERS.map((h) =>
  enrollKey(
    h,
    keyFromPublicKeyObject(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey),
    `file:/keys/${h}.key`,
    '2026-11-01T00:00:00Z',
  ),
);
const keyMap = Object.fromEntries(keys.map((k) => [k.keyid, k.key]));
const keyids = keys.map((k) => k.keyid);
const common = { spec_version: '1.0.31', expires: '2027-11-30T00:00:00Z' };

function root(version: number): RootSigned {
  const role = { keyids, threshold: 4 };
  return {
    _type: 'root',
    ...common,
    version,
    consistent_snapshot: true,
    keys: keyMap,
    roles: { root: role, targets: role, snapshot: role, timestamp: role },
  };
}

function targets(version: number, delegations: boolean): TargetsSigned {
  const signed: TargetsSigned = { _type: 'targets', ...common, version, targets: {} };
  if (delegations) {
    signed.delegations = {
      keys: keyMap,
      roles: ['pkgs', 'docs'].map((name) => ({
        name,
        keyids,
        threshold: 4,
        terminating: true,
        paths: [`${name}/*`],
      })),
    };
  }
  return signed;
}

const drafts = new Map<string, StagedDraft>([
  ['root', toDraft('root', { signed: root(2), signatures: [] })],
  ['targets', toDraft('targets', { signed: targets(2, true), signatures: [] })],
  ['pkgs', toDraft('pkgs', { signed: targets(1, false), signatures: [] })],
  ['docs', toDraft('docs', { signed: targets(1, false), signatures: [] })],
]);
const roles = [...drafts.keys()];
const alice = keys[0] as EnrolledKey;
const published: Record<string, AnySigned> = { root: root(1), targets: targets(1, true) };

function request(): SigningRequest {
  return buildSigningRequest({
    trustRoot: 'unit-root',
    ceremony: { id: '2026-11-30', created: common.expires, roles, base: { root: 1 }, drafts: {} },
    holder: 'alice',
    needs: roles.map((role) => ({
      role,
      enrolled: alice,
      labels: role === 'root' ? ['new root v2', 'old root v1'] : [`${role} authority`],
    })),
    drafts,
    publishedRootVersion: 1,
    publishedSigned: (role) => published[role],
  });
}

describe('signing requests', () => {
  it('is deterministic, under 64 KiB for four roles, and reads back exactly', () => {
    const text = prettyJson(request());
    expect(prettyJson(request())).toBe(text);
    const bytes = Buffer.from(text);
    expect(bytes.length).toBeLessThan(64 * 1024);
    const checked = parseSigningRequest(bytes, 'alice.json');
    expect(prettyJson(checked.request)).toBe(text);
    expect(checked.drafts.map((d) => d.sha256)).toEqual(roles.map((r) => drafts.get(r)?.sha256));
    expect(checked.request.roles[0]?.review.join('\n')).toMatch(/published: v1/);
  });

  it('refuses a request in which any one character of the bytes changed', () => {
    const base = request();
    const canonical = base.roles[0]?.canonical_signed ?? '';
    fc.assert(
      fc.property(
        fc.nat({ max: canonical.length - 1 }),
        fc.constantFrom('0', 'a', ' ', '"', '\n'),
        (at, char) => {
          fc.pre(canonical[at] !== char);
          const changed = structuredClone(base);
          const role = changed.roles[0];
          if (role) role.canonical_signed = canonical.slice(0, at) + char + canonical.slice(at + 1);
          expect(() => parseSigningRequest(Buffer.from(prettyJson(changed)), 'r.json')).toThrow(
            CeremonyError,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a review that does not describe the bytes, and an unknown version', () => {
    const doctored = request();
    doctored.roles[0]?.review.splice(2, 1);
    expect(() => parseSigningRequest(Buffer.from(prettyJson(doctored)), 'r.json')).toThrow(
      /r\.json: roles\[0\] \(root\)\.review: does not describe the bytes to sign/,
    );
    const future = { ...request(), version: 2 };
    expect(() => parseSigningRequest(Buffer.from(prettyJson(future)), 'r.json')).toThrow(
      /r\.json: version: must be 1/,
    );
  });
});
