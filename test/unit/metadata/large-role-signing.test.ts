import { describe, expect, it } from 'vitest';
import { addTargets, newTargets } from '../../../src/metadata/build.js';
import { canonicalBytes } from '../../../src/metadata/canonical.js';
import { isCeremonyError } from '../../../src/metadata/errors.js';
import { publicKeyHandle } from '../../../src/metadata/keys.js';
import type { Signature, TargetFile, TargetsSigned } from '../../../src/metadata/model.js';
import { prettyJson, serializeMetadata } from '../../../src/metadata/serialize.js';
import {
  checkSignature,
  checkSignatureOffThread,
  validChecks,
} from '../../../src/metadata/signature-check.js';
import { signAndSerialize } from '../../../src/metadata/signed-file.js';
import type { Signer } from '../../../src/metadata/signer.js';
import {
  SoftwareSigner,
  ed25519FromSeed,
  generatePrivateKey,
} from '../../../src/signing/software-signer.js';

// A role whose canonical bytes pass 1 MiB (where checks are no longer remembered): the file layout
// of the plain serializer, every fresh signature checked, nothing returned when one does not
// verify; and signature checks made on the thread pool (a holder signing thousands of bins)
// answer as checks made here, and are remembered as they are.

const EXPIRES = Date.UTC(2030, 0, 1);

function largeRole(targets: number): TargetsSigned {
  const entries: [string, TargetFile][] = [];
  for (let i = 0; i < targets; i++) {
    const digest = i.toString(16).padStart(64, '0');
    entries.push([`packages/${i % 7}/file-${i}.tar.gz`, { hashes: { sha256: digest }, length: i }]);
  }
  return addTargets(newTargets({ expires: EXPIRES }), entries);
}

const role = largeRole(9_000);
const canonical = canonicalBytes(role);
const ed25519 = new SoftwareSigner(ed25519FromSeed(new Uint8Array(32).fill(4)));
const ecdsa = new SoftwareSigner(generatePrivateKey('ecdsa-p256'));

/** A signer whose signatures are another key's: its fresh signature never verifies. */
function wrongKeySigner(real: Signer, other: Signer): Signer {
  return {
    key: real.key,
    keyid: real.keyid,
    sign: async (bytes) => ({ keyid: real.keyid, sig: (await other.sign(bytes)).sig }),
  };
}

describe('signing a role larger than 1 MiB', () => {
  it('is larger than the checks remembered (1 MiB)', () => {
    expect(canonical.length).toBeGreaterThan(1 << 20);
  });

  it('writes the layout of the plain serializer, with signatures that verify', async () => {
    const existing: Signature[] = [{ keyid: 'f'.repeat(64), sig: 'ab' }];
    const { metadata, file } = await signAndSerialize(role, [ed25519, ecdsa], existing);
    expect(metadata.signatures.map((s) => s.keyid)).toEqual([
      'f'.repeat(64),
      ed25519.keyid,
      ecdsa.keyid,
    ]);
    expect(Buffer.from(file.bytes).equals(Buffer.from(serializeMetadata(metadata).bytes))).toBe(
      true,
    );
    expect(Buffer.from(file.bytes).toString('utf8')).toBe(prettyJson(metadata));
    for (const [signer, signature] of [
      [ed25519, metadata.signatures[1]],
      [ecdsa, metadata.signatures[2]],
    ] as const) {
      expect(
        await checkSignatureOffThread(publicKeyHandle(signer.key), canonical, signature?.sig ?? ''),
      ).toBe(true);
    }
  });

  it('signs ed25519 deterministically: the same bytes as the plain path would sign', async () => {
    const { metadata } = await signAndSerialize(role, [ed25519]);
    const direct = await ed25519.sign(canonical);
    expect(metadata.signatures).toEqual([direct]);
  });

  it('refuses, and returns nothing, when a fresh signature does not verify', async () => {
    const other = new SoftwareSigner(ed25519FromSeed(new Uint8Array(32).fill(8)));
    let caught: unknown;
    try {
      await signAndSerialize(role, [ed25519, wrongKeySigner(ecdsa, other)]);
    } catch (err) {
      caught = err;
    }
    expect(isCeremonyError(caught) && caught.code).toBe('SIGNATURE_INVALID');
    expect((caught as Error).message).toContain(ecdsa.keyid.slice(0, 8));
  });

  it('keeps the layout when the signatures are not plain sorted JSON', async () => {
    const odd: Signature = { sig: 'cd', keyid: 'e'.repeat(64) };
    const { metadata, file } = await signAndSerialize(role, [ed25519], [odd]);
    expect(Buffer.from(file.bytes).toString('utf8')).toBe(prettyJson(metadata));
  });
});

describe('checking signatures off the calling thread', () => {
  it('answers as a check made here for a small message, and is remembered', async () => {
    const small = canonicalBytes({ _type: 'targets', version: 3 });
    const handle = publicKeyHandle(ecdsa.key);
    const { sig } = await ecdsa.sign(small);
    const before = validChecks().length;
    expect(await checkSignatureOffThread(handle, small, sig)).toBe(true);
    expect(validChecks().length).toBe(before + 1);
    expect(checkSignature(handle, small, sig)).toBe(true);
    const other = canonicalBytes({ _type: 'targets', version: 4 });
    expect(await checkSignatureOffThread(handle, other, sig)).toBe(false);
    expect(checkSignature(handle, other, sig)).toBe(false);
  });

  it('accepts a valid signature and refuses a changed one, a changed message and bad hex', async () => {
    const handle = publicKeyHandle(ed25519.key);
    const { sig } = await ed25519.sign(canonical);
    expect(await checkSignatureOffThread(handle, canonical, sig)).toBe(true);
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
    expect(await checkSignatureOffThread(handle, canonical, flipped)).toBe(false);
    const changed = Uint8Array.from(canonical);
    changed[100] = (changed[100] ?? 0) ^ 1;
    expect(await checkSignatureOffThread(handle, changed, sig)).toBe(false);
    expect(await checkSignatureOffThread(handle, canonical, 'zz')).toBe(false);
    expect(await checkSignatureOffThread(handle, canonical, sig.slice(0, 10))).toBe(false);
  });
});
