import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  authorityDigest,
  verifiedRoleKey,
  verifyRepository,
  type RecordedRole,
  type VerifiedRoles,
  type VerifyReport,
} from '../../../../src/metadata/client/index.js';
import { CeremonyError, type ErrorCode } from '../../../../src/metadata/errors.js';
import { MapRecord } from './map-record.js';
import type { MemorySource } from './memory-source.js';
import { EARLIER, NOW, signer, TestRepo } from './test-repo.js';

// Finalize hands the client workflow a record of the targets roles this machine verified before:
// the same bytes under the same authority and name are not parsed nor their signatures checked
// again, while snapshot's length, hashes and version and the expiry at `now` are still checked.

/** Roles of the synthetic repository without delegations: the ones a record may hold. */
const LEAVES = ['docs', 'fallback', 'bin-0', 'bin-1', 'bin-2', 'bin-3'];

async function fresh() {
  const repo = await new TestRepo().init();
  return { repo, source: await repo.publish() };
}

function verify(
  repo: TestRepo,
  source: MemorySource,
  record?: VerifiedRoles,
  targets: string[] = [],
) {
  return verifyRepository({
    trustedRoot: repo.trustedRoot(),
    source,
    now: NOW,
    targets,
    ...(record ? { verifiedRoles: record } : {}),
  });
}

function recordedNames(report: VerifyReport): string[] {
  return report.roles.filter((r) => r.recorded === true).map((r) => r.name);
}

/** The record key of a bin of the synthetic repository, from the file as published. */
function binKey(repo: TestRepo, source: MemorySource, name: string): string {
  const bytes = source.files.get(`1.${name}.json`) as Uint8Array;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const one = { keyids: [repo.delegateKey.keyid], threshold: 1 };
  const authority = authorityDigest({ [repo.delegateKey.keyid]: repo.delegateKey.key }, one);
  return verifiedRoleKey(name, sha256, authority);
}

async function expectFailure(run: Promise<unknown>, code: ErrorCode, ...fragments: string[]) {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CeremonyError);
  expect((err as CeremonyError).code, (err as Error).message).toBe(code);
  for (const f of fragments) expect((err as Error).message).toContain(f);
}

describe('verifyRepository with a record of roles verified before', () => {
  it('records the roles without delegations, then takes them on the record', async () => {
    const { repo, source } = await fresh();
    const record = new MapRecord();
    const first = await verify(repo, source, record);
    expect(recordedNames(first)).toEqual([]);
    expect(record.entries.size).toBe(LEAVES.length);
    expect([...record.entries.values()]).toContainEqual({ version: 1, expires: repo.expires });

    const second = await verify(repo, source, record, ['bin/x.txt', 'other/z.txt', 'files/a.txt']);
    expect(recordedNames(second)).toEqual(LEAVES);
    // Roles taken on the record are still fetched and found by target searches (parsed then).
    expect(second.targets.map((t) => t.role)).toEqual([
      expect.stringMatching(/^bin-[0-3]$/),
      'fallback',
      'targets',
    ]);
    for (const r of second.roles.filter((x) => x.recorded === true)) {
      expect(r.result.verified).toBe(true);
      expect(r.result.signed).toEqual([]);
    }
    // Without the record (verify, publish --check) every role is verified in full.
    expect(recordedNames(await verify(repo, source))).toEqual([]);
  });

  it('does not reuse an entry for changed bytes', async () => {
    const { repo, source } = await fresh();
    const record = new MapRecord();
    await verify(repo, source, record);
    const bin = repo.roles.get('bin-2');
    if (!bin) throw new Error('no bin-2');
    bin.expires = '2031-06-01T00:00:00Z';
    repo.snapshotVersion = 2;
    repo.timestampVersion = 2;
    const changed = await repo.publish();
    const report = await verify(repo, changed, record);
    expect(recordedNames(report)).toEqual(LEAVES.filter((n) => n !== 'bin-2'));
    expect(report.roles.find((r) => r.name === 'bin-2')?.expires).toBe('2031-06-01T00:00:00Z');
  });

  it('does not reuse an entry under another authority', async () => {
    const { repo, source } = await fresh();
    const record = new MapRecord();
    await verify(repo, source, record);
    // The bins' bytes stay the same; their delegation now lists a second key.
    const hashed = repo.roles.get('hashed')?.delegations;
    const extra = signer(9);
    if (!hashed?.succinct_roles) throw new Error('no succinct delegation');
    hashed.keys = { ...hashed.keys, [extra.keyid]: extra.key };
    hashed.succinct_roles = {
      ...hashed.succinct_roles,
      keyids: [...hashed.succinct_roles.keyids, extra.keyid],
    };
    repo.snapshotVersion = 2;
    repo.timestampVersion = 2;
    const changed = await repo.publish();
    expect(changed.files.get('1.bin-0.json')).toEqual(source.files.get('1.bin-0.json'));
    const report = await verify(repo, changed, record);
    expect(recordedNames(report)).toEqual(['docs', 'fallback']);
  });

  it('does not reuse an entry under another name, even for the same bytes', async () => {
    const { repo, source } = await fresh();
    const full = new MapRecord();
    await verify(repo, source, full);
    // Two bins without targets have the same bytes (same signed content, same key).
    const [a, b] = LEAVES.filter(
      (n) => n.startsWith('bin-') && Object.keys(repo.roles.get(n)?.targets ?? {}).length === 0,
    ) as [string, string];
    expect(source.files.get(`1.${a}.json`)).toEqual(source.files.get(`1.${b}.json`));
    const only = new MapRecord();
    const key = binKey(repo, source, a);
    only.add(key, full.entries.get(key) as RecordedRole);
    const report = await verify(repo, source, only);
    expect(recordedNames(report)).toEqual([a]);
  });

  it('still refuses a recorded role expired at now', async () => {
    const { repo, source } = await fresh();
    const record = new MapRecord();
    await verify(repo, source, record);
    record.add(binKey(repo, source, 'bin-3'), { version: 1, expires: EARLIER });
    await expectFailure(verify(repo, source, record), 'EXPIRED', 'bin-3', '5.6.5');
  });

  it('still refuses a recorded version that snapshot does not list', async () => {
    const { repo, source } = await fresh();
    const record = new MapRecord();
    await verify(repo, source, record);
    record.add(binKey(repo, source, 'bin-0'), { version: 2, expires: repo.expires });
    await expectFailure(verify(repo, source, record), 'VERSION_MISMATCH', 'bin-0', '5.6.4');
  });

  it('still refuses bytes that do not match snapshot, recorded or not', async () => {
    const { repo, source } = await fresh();
    const record = new MapRecord();
    await verify(repo, source, record);
    source.edit('1.bin-1.json', (b) => {
      const copy = new Uint8Array(b);
      copy[copy.length - 2] = 0x20;
      return copy;
    });
    await expectFailure(verify(repo, source, record), 'HASH_MISMATCH', 'bin-1', '5.6.2');
  });

  it('parses a role with delegations even when the record holds it', async () => {
    const { repo, source } = await fresh();
    const record = new MapRecord();
    record.add(binKey(repo, source, 'hashed'), { version: 1, expires: repo.expires });
    const report = await verify(repo, source, record, ['bin/x.txt']);
    expect(recordedNames(report)).toEqual([]);
    expect(report.targets[0]?.role).toMatch(/^bin-[0-3]$/);
  });

  it('checks a recorded role delegated again against the second delegator in full', async () => {
    const { repo, source } = await fresh();
    const record = new MapRecord();
    await verify(repo, source, record);
    // fallback now delegates docs too, under two keys of which only one signed docs.
    const extra = signer(9);
    const d = repo.delegateKey;
    const fallback = repo.roles.get('fallback');
    if (!fallback) throw new Error('no fallback');
    fallback.delegations = {
      keys: { [d.keyid]: d.key, [extra.keyid]: extra.key },
      roles: [
        {
          name: 'docs',
          keyids: [d.keyid, extra.keyid],
          threshold: 2,
          terminating: false,
          paths: ['docs/*'],
        },
      ],
    };
    repo.snapshotVersion = 2;
    repo.timestampVersion = 2;
    const changed = await repo.publish();
    expect(changed.files.get('1.docs.json')).toEqual(source.files.get('1.docs.json'));
    await expectFailure(
      verify(repo, changed, record),
      'THRESHOLD_NOT_MET',
      'docs',
      "fallback's keys",
    );
    // The same second delegation under docs' own authority: the record stands for both.
    fallback.delegations = {
      keys: { [d.keyid]: d.key },
      roles: [
        { name: 'docs', keyids: [d.keyid], threshold: 1, terminating: false, paths: ['docs/*'] },
      ],
    };
    const same = await repo.publish();
    const report = await verify(repo, same, record);
    expect(recordedNames(report)).toContain('docs');
  });

  it('takes the sha256 and the delegations scan from the source when it has them', async () => {
    const { repo, source } = await fresh();
    const record = new MapRecord();
    await verify(repo, source, record);
    const scans: boolean[] = [];
    const withFacts = (withoutDelegations: boolean): MemorySource =>
      Object.assign(Object.create(source) as MemorySource, {
        knownFacts(bytes: Uint8Array) {
          scans.push(withoutDelegations);
          return { sha256: createHash('sha256').update(bytes).digest('hex'), withoutDelegations };
        },
      });
    expect(recordedNames(await verify(repo, withFacts(true), record))).toEqual(LEAVES);
    // A source that found possible delegations in the bytes: every role is parsed.
    expect(recordedNames(await verify(repo, withFacts(false), record))).toEqual([]);
    expect(scans.length).toBeGreaterThan(0);
    // Facts are not asked for without the record (verify, publish --check).
    const asked = scans.length;
    await verify(repo, withFacts(true));
    expect(scans).toHaveLength(asked);
  });
});
