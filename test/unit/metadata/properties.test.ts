import { createHash } from 'node:crypto';
import canonicalJsonModule from '@tufjs/canonical-json';
import { p256 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addRoleKey, addTargets, newTargets } from '../../../src/metadata/build.js';
import { canonicalBytes, canonicalString } from '../../../src/metadata/canonical.js';
import type { Key, TargetsSigned } from '../../../src/metadata/model.js';
import { parseMetadata } from '../../../src/metadata/parse.js';
import { prettyJson, serializeMetadata } from '../../../src/metadata/serialize.js';
import { signMetadata } from '../../../src/metadata/sign.js';
import { verifyRoleSignatures } from '../../../src/metadata/verify.js';
import { SoftwareSigner, generatePrivateKey } from '../../../src/signing/software-signer.js';

const { canonicalize } = canonicalJsonModule as { canonicalize: (v: unknown) => string };
const RUNS = { numRuns: 40 };
const EXPIRES = Date.UTC(2030, 0, 1);

const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
  ),
})).value;
const bmpText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xd7ff }).map((c) => String.fromCharCode(c)),
});
const bmpJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    bmpText,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(bmpText, tie('value'), { maxKeys: 5 }),
  ),
})).value;

function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, seed));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const order = keys
    .map((k, i) => [((i + 1) * (seed + 7919)) % 104729, k] as const)
    .sort((a, b) => a[0] - b[0]);
  const out: Record<string, unknown> = {};
  for (const [, k] of order)
    Object.defineProperty(out, k, {
      value: shuffleKeys((value as Record<string, unknown>)[k], seed),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

const targetsArb = fc
  .dictionary(
    fc
      .stringMatching(/^[a-z0-9_-]{1,8}(\/[a-z0-9._-]{1,8}){0,2}$/)
      .filter((p) => !p.split('/').some((s) => s === '.' || s === '..')),
    fc.record({ length: fc.nat(), custom: fc.option(json, { nil: undefined }) }),
    { maxKeys: 6 },
  )
  .map((entries): TargetsSigned =>
    addTargets(
      { ...newTargets({ expires: EXPIRES }), 'x-extra': 'kept' } as TargetsSigned,
      Object.entries(entries).map(([path, e]) => [
        path,
        {
          length: e.length,
          hashes: { sha256: createHash('sha256').update(path).digest('hex') },
          ...(e.custom === undefined ? {} : { custom: e.custom }),
        },
      ]),
    ),
  );

function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (value !== null && typeof value === 'object')
    return Object.keys(value).flatMap((k) =>
      leaves((value as Record<string, unknown>)[k], [...path, k]),
    );
  return [path];
}
function changeLeaf(value: unknown, path: (string | number)[]): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const p of path.slice(0, -1)) node = node[p] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  const old = node[last];
  node[last] =
    typeof old === 'number'
      ? old + 1
      : typeof old === 'string'
        ? `${old}x`
        : typeof old === 'boolean'
          ? !old
          : 0;
  return copy;
}

const signers = [
  new SoftwareSigner(generatePrivateKey('ed25519')),
  new SoftwareSigner(generatePrivateKey('ecdsa-p256')),
  new SoftwareSigner(generatePrivateKey('rsa')),
];
const keys: Record<string, Key> = Object.fromEntries(signers.map((s) => [s.keyid, s.key]));

describe('metadata properties', () => {
  it('serialize -> parse -> serialize is byte-stable', () => {
    fc.assert(
      fc.property(targetsArb, (signed) => {
        const first = serializeMetadata({ signed, signatures: [] });
        const parsed = parseMetadata(first.bytes, 'targets', 'targets.json');
        expect(Buffer.from(serializeMetadata(parsed).bytes).equals(Buffer.from(first.bytes))).toBe(
          true,
        );
        expect(prettyJson(JSON.parse(prettyJson(signed)))).toBe(prettyJson(signed));
      }),
      RUNS,
    );
  });

  it('canonical and pretty bytes do not depend on key order', () => {
    fc.assert(
      fc.property(json, fc.nat(), (value, seed) => {
        const shuffled = shuffleKeys(value, seed);
        expect(canonicalString(shuffled)).toBe(canonicalString(value));
        expect(prettyJson(shuffled)).toBe(prettyJson(value));
      }),
      { numRuns: 150 },
    );
  });

  it('canonical bytes equal @tufjs/canonical-json for BMP-only data', () => {
    fc.assert(
      fc.property(bmpJson, (value) => {
        expect(canonicalString(value)).toBe(canonicalize(value));
      }),
      { numRuns: 150 },
    );
  });

  it('signatures of every software scheme verify; changing any signed leaf breaks them', async () => {
    await fc.assert(
      fc.asyncProperty(targetsArb, fc.nat(), async (signed, pick) => {
        const md = await signMetadata(signed, signers);
        const roleKeys = { keyids: signers.map((s) => s.keyid), threshold: 3 };
        const ok = verifyRoleSignatures(
          'targets',
          canonicalBytes(md.signed),
          md.signatures,
          keys,
          roleKeys,
        );
        expect(ok.verified).toBe(true);
        const all = leaves(md.signed);
        const changed = changeLeaf(md.signed, all[pick % all.length] ?? []);
        const bad = verifyRoleSignatures(
          'targets',
          canonicalBytes(changed),
          md.signatures,
          keys,
          roleKeys,
        );
        expect(bad.verified).toBe(false);
        expect(bad.invalid).toHaveLength(3);
      }),
      { numRuns: 15 },
    );
  });

  it('ECDSA signatures verify with @noble/curves as an independent verifier', async () => {
    const ec = signers[1] as SoftwareSigner;
    const pub = Buffer.from(
      (await import('node:crypto'))
        .createPublicKey(ec.key.keyval.public)
        .export({ format: 'der', type: 'spki' }),
    ).subarray(-65);
    await fc.assert(
      fc.asyncProperty(targetsArb, async (signed) => {
        const bytes = canonicalBytes(signed);
        const sig = await ec.sign(bytes);
        const digest = createHash('sha256').update(bytes).digest();
        expect(
          p256.verify(Buffer.from(sig.sig, 'hex'), digest, pub, {
            format: 'der',
            lowS: false,
            prehash: false,
          }),
        ).toBe(true);
        expect(
          p256.verify(Buffer.from(sig.sig, 'hex'), createHash('sha256').update('x').digest(), pub, {
            format: 'der',
            lowS: false,
            prehash: false,
          }),
        ).toBe(false);
      }),
      { numRuns: 15 },
    );
  });

  it('root keys added by the builder carry keyids that verify signatures', async () => {
    const { newRoot } = await import('../../../src/metadata/build.js');
    let root = newRoot({
      expires: EXPIRES,
      thresholds: { root: 3, targets: 1, snapshot: 1, timestamp: 1 },
    });
    for (const s of signers) root = addRoleKey(root, 'root', s.key);
    const md = await signMetadata(root, signers);
    const result = verifyRoleSignatures(
      'root',
      canonicalBytes(md.signed),
      md.signatures,
      md.signed.keys,
      md.signed.roles.root ?? { keyids: [], threshold: 1 },
    );
    expect(result.signed).toHaveLength(3);
  });
});
