import { describe, expect, it } from 'vitest';
import { verifyRepository, type VerifyReport } from '../../../../src/metadata/client/index.js';
import { CeremonyError, type ErrorCode } from '../../../../src/metadata/errors.js';
import { HAVE_FIXTURES, LEGACY, PUBLISHED } from '../../../helpers/fixtures.js';
import { MemorySource } from './memory-source.js';

const AT = Date.parse('2026-08-22T00:00:00Z');
const LEGACY_AT = Date.parse('2024-09-01T00:00:00Z');

function run(source: MemorySource, rootFile = '1.root.json', now = AT, targets: string[] = []) {
  const trustedRoot = source.files.get(rootFile);
  if (!trustedRoot) throw new Error(`no ${rootFile}`);
  return verifyRepository({ trustedRoot, trustedRootName: rootFile, source, now, targets });
}

function versions(report: VerifyReport): Record<string, number> {
  return Object.fromEntries(report.roles.map((r) => [r.name, r.version]));
}

async function failure(promise: Promise<unknown>, code: ErrorCode, ...parts: string[]) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CeremonyError);
  expect((err as CeremonyError).code, (err as Error).message).toBe(code);
  for (const p of parts) expect((err as Error).message).toContain(p);
}

function flipLastSigDigit(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes);
  const text = Buffer.from(copy).toString('latin1');
  const i = text.lastIndexOf('"sig"');
  const start = text.indexOf('"', i + 5) + 1;
  copy[start] = copy[start] === 0x30 ? 0x31 : 0x30;
  return copy;
}

describe.runIf(HAVE_FIXTURES)('Sigstore production metadata (published-2026-08-21)', () => {
  it('walks root v1 to v15 and verifies every role and target', async () => {
    const report = await run(MemorySource.fromDirectory(PUBLISHED), '1.root.json', AT, [
      'trusted_root.json',
      'registry.npmjs.org/keys.json',
    ]);
    expect(versions(report)).toEqual({
      root: 15,
      timestamp: 762,
      snapshot: 165,
      targets: 14,
      'registry.npmjs.org': 8,
    });
    expect(report.root.expires).toBe('2026-11-20T13:58:18Z');
    // Valid signatures per transition (old root keys / new root keys), as an independent check found.
    expect(
      report.root.chain.map((s) => `${s.oldRoot.signed.length}/${s.newRoot.signed.length}`),
    ).toEqual([
      '5/5',
      '3/3',
      '4/5',
      '4/4',
      '5/5',
      '4/4',
      '4/4',
      '5/5',
      '5/5',
      '5/5',
      '3/3',
      '4/5',
      '4/4',
      '5/5',
    ]);
    expect(report.targets.map((t) => [t.path, t.role, t.length])).toEqual([
      ['trusted_root.json', 'targets', 6787],
      ['registry.npmjs.org/keys.json', 'registry.npmjs.org', 2121],
    ]);
    expect(report.warnings.some((w) => w.startsWith('root v11: keyid 7247f0dbad85'))).toBe(true);
    expect(
      report.warnings.some((w) =>
        w.includes('rekor.json, revocation.json, root.json, staging.json'),
      ),
    ).toBe(true);
  });

  it('reaches the same state from 5.root.json', async () => {
    const report = await run(MemorySource.fromDirectory(PUBLISHED), '5.root.json', AT, [
      'trusted_root.json',
    ]);
    expect(versions(report)).toMatchObject({ root: 15, timestamp: 762, targets: 14 });
    expect(report.root.chain[0]?.version).toBe(6);
  });

  it('refuses the repository once root v15 has expired', async () => {
    await failure(
      run(MemorySource.fromDirectory(PUBLISHED), '1.root.json', Date.parse('2026-11-23T00:00:00Z')),
      'EXPIRED',
      'root v15 (15.root.json): expired on 2026-11-20T13:58:18Z',
      '5.3.10',
    );
    await failure(
      run(MemorySource.fromDirectory(PUBLISHED), '1.root.json', Date.parse('2026-09-01T00:00:00Z')),
      'EXPIRED',
      'timestamp (timestamp.json): expired on 2026-08-28T19:25:56Z',
    );
  });

  it('rejects targets signatures corrupted below the threshold', async () => {
    const source = MemorySource.fromDirectory(PUBLISHED);
    const env = source.json('14.targets.json') as { signatures: { sig: string }[] };
    for (const s of env.signatures.slice(0, 3))
      s.sig = s.sig.replace(/^../, (x) => (x === '30' ? '31' : '30'));
    source.setJson('14.targets.json', env);
    await failure(
      run(source),
      'THRESHOLD_NOT_MET',
      'targets (14.targets.json): targets: 2 of 3',
      '5.6.3',
    );
  });

  it('rejects root v10 when only the new keyids sign it', async () => {
    const source = MemorySource.fromDirectory(PUBLISHED);
    const v9 = source.json('9.root.json') as { signed: { roles: { root: { keyids: string[] } } } };
    const oldIds = new Set(v9.signed.roles.root.keyids);
    const v10 = source.json('10.root.json') as { signatures: { keyid: string }[] };
    const before = v10.signatures.length;
    v10.signatures = v10.signatures.filter((s) => !oldIds.has(s.keyid));
    expect(v10.signatures.length).toBeLessThan(before);
    source.setJson('10.root.json', v10);
    await failure(
      run(source),
      'THRESHOLD_NOT_MET',
      'root v10 (10.root.json): root v9 keys: 0 of 3',
      'old root',
    );
  });

  it('rejects a changed target, a truncated role, an oversized timestamp and a missing role', async () => {
    const changed = MemorySource.fromDirectory(PUBLISHED);
    const name = [...changed.files.keys()].find((n) => n.endsWith('.trusted_root.json')) as string;
    changed.edit(name, (b) => new Uint8Array(b).map((x, i) => (i === 10 ? x ^ 0x20 : x)));
    await failure(
      run(changed, '1.root.json', AT, ['trusted_root.json']),
      'HASH_MISMATCH',
      name.slice(8),
      '5.7.3',
    );

    const truncated = MemorySource.fromDirectory(PUBLISHED);
    truncated.edit('8.registry.npmjs.org.json', (b) => b.slice(0, b.length / 2));
    await failure(
      run(truncated),
      'METADATA_INVALID',
      'registry.npmjs.org (8.registry.npmjs.org.json): not valid JSON',
    );

    const oversized = MemorySource.fromDirectory(PUBLISHED);
    oversized.edit(
      'timestamp.json',
      (b) => new Uint8Array([...b, ...new Uint8Array(16 * 1024).fill(0x0a)]),
    );
    await failure(run(oversized), 'FILE_TOO_LARGE', 'timestamp (timestamp.json)');

    const missing = MemorySource.fromDirectory(PUBLISHED);
    missing.files.delete('14.targets.json');
    await failure(run(missing), 'FILE_MISSING', 'targets (14.targets.json): file not found');
  });

  it('rejects a rollback against a previously trusted timestamp and snapshot', async () => {
    const source = MemorySource.fromDirectory(PUBLISHED);
    // A client holding root v15 (no key rotation since) and a timestamp v763 it trusted before.
    const trustedRoot = source.files.get('15.root.json') as Uint8Array;
    const ts = source.json('timestamp.json') as { signed: { version: number } };
    ts.signed.version = 763;
    const previousTs = new TextEncoder().encode(JSON.stringify(ts));
    // spec 5.3.11: from root v1, the timestamp key rotated on the way, so the old timestamp is dropped.
    const fromV1 = source.files.get('1.root.json') as Uint8Array;
    const report = await verifyRepository({
      trustedRoot: fromV1,
      source,
      now: AT,
      previous: { timestamp: previousTs },
    });
    expect(report.roles[1]?.version).toBe(762);
    await failure(
      verifyRepository({ trustedRoot, source, now: AT, previous: { timestamp: previousTs } }),
      'VERSION_ROLLBACK',
      'timestamp (timestamp.json): version 762 is older than the trusted version 763',
    );
    const snap = source.json('165.snapshot.json') as {
      signed: { meta: Record<string, { version: number }> };
    };
    (snap.signed.meta['targets.json'] as { version: number }).version = 15;
    const previousSnap = new TextEncoder().encode(JSON.stringify(snap));
    await failure(
      verifyRepository({ trustedRoot, source, now: AT, previous: { snapshot: previousSnap } }),
      'VERSION_ROLLBACK',
      'snapshot (165.snapshot.json): lists targets.json version 14, the trusted snapshot listed 15',
    );
  });
});

describe.runIf(HAVE_FIXTURES)('Sigstore legacy go-tuf metadata (2024-08-30)', () => {
  it('walks root v1 to v9 and checks sha256 and sha512 of every listed file', async () => {
    const report = await run(MemorySource.fromDirectory(LEGACY), '1.root.json', LEGACY_AT, [
      'trusted_root.json',
      'registry.npmjs.org/keys.json',
    ]);
    expect(versions(report)).toEqual({
      root: 9,
      timestamp: 216,
      snapshot: 155,
      targets: 9,
      'registry.npmjs.org': 3,
    });
    expect(Object.keys(report.targets[0]?.hashes ?? {})).toEqual(['sha256', 'sha512']);
  });

  it('rejects a snapshot or targets file whose bytes differ from the listing', async () => {
    const snap = MemorySource.fromDirectory(LEGACY);
    snap.edit('155.snapshot.json', flipLastSigDigit);
    await failure(
      run(snap, '1.root.json', LEGACY_AT),
      'HASH_MISMATCH',
      'snapshot (155.snapshot.json): sha256',
      'timestamp v216',
      '5.5.2',
    );
    const targets = MemorySource.fromDirectory(LEGACY);
    targets.edit('9.targets.json', (b) => b.slice(0, 1000));
    await failure(
      run(targets, '1.root.json', LEGACY_AT),
      'LENGTH_MISMATCH',
      'targets (9.targets.json): 1000 bytes, snapshot v155 lists 5478',
    );
  });
});
