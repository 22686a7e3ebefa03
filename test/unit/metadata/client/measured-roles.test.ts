import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  verifyRepository,
  type VerifiedRoles,
  type VerifyReport,
} from '../../../../src/metadata/client/index.js';
import type { MeasuredMetadata } from '../../../../src/metadata/client/source.js';
import { CeremonyError } from '../../../../src/metadata/errors.js';
import { MapRecord } from './map-record.js';
import { MemorySource } from './memory-source.js';
import { NOW, TestRepo } from './test-repo.js';

// finalize's source can vouch for a published file's length and sha256 without reading it (this
// machine hashed it and its file status has not changed since): with the record of verified
// roles, such a role is not fetched, while snapshot's length and hashes (5.6.2), version (5.6.4)
// and the expiry at now (5.6.5) are still checked. Anything that does not match is fetched.

/** Roles of the synthetic repository without delegations. */
const LEAVES = ['docs', 'fallback', 'bin-0', 'bin-1', 'bin-2', 'bin-3'];

/** A memory repository that vouches for the files in `measured` as they were then. */
class MeasuringSource extends MemorySource {
  readonly measured = new Map<string, Omit<MeasuredMetadata, 'bytes'>>();
  readonly asked: string[] = [];
  readonly lazyReads: string[] = [];

  /** Measures every file now (as finalize's record does after a full read). */
  measureAll(): void {
    for (const [name, bytes] of this.files) {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      this.measured.set(name, { length: bytes.length, sha256, withoutDelegations: true });
    }
  }

  measuredMetadata(name: string): MeasuredMetadata | undefined {
    this.asked.push(name);
    const found = this.measured.get(decodeURIComponent(name));
    if (found === undefined) return undefined;
    return {
      ...found,
      bytes: () => {
        this.lazyReads.push(name);
        const bytes = this.files.get(decodeURIComponent(name));
        if (bytes === undefined) throw new CeremonyError('FILE_MISSING', `${name} is gone`);
        return bytes;
      },
    };
  }
}

async function measuring(): Promise<{ repo: TestRepo; source: MeasuringSource }> {
  const repo = await new TestRepo().init();
  const published = await repo.publish();
  return { repo, source: new MeasuringSource(published.files) };
}

function verify(repo: TestRepo, source: MemorySource, record?: VerifiedRoles, targets?: string[]) {
  return verifyRepository({
    trustedRoot: repo.trustedRoot(),
    source,
    now: NOW,
    targets: targets ?? [],
    ...(record ? { verifiedRoles: record } : {}),
  });
}

function recordedNames(report: VerifyReport): string[] {
  return report.roles.filter((r) => r.recorded === true).map((r) => r.name);
}

const leafFiles = LEAVES.map((n) => `1.${n}.json`);

describe('verifyRepository with files the source measured before', () => {
  it('takes measured, recorded roles without fetching them; target searches read them', async () => {
    const { repo, source } = await measuring();
    const record = new MapRecord();
    await verify(repo, source, record);
    source.measureAll();
    source.requests.length = 0;
    const report = await verify(repo, source, record, ['bin/x.txt']);
    expect(recordedNames(report)).toEqual(LEAVES);
    expect(source.requests.filter((r) => leafFiles.includes(r))).toEqual([]);
    // The target search reads the one bin it needs, through the measured file's reader.
    expect(report.targets.map((t) => t.role)).toEqual([expect.stringMatching(/^bin-[0-3]$/)]);
    expect(source.lazyReads).toEqual([`1.${report.targets[0]?.role ?? ''}.json`]);
  });

  it('is never asked without the record (verify, publish --check)', async () => {
    const { repo, source } = await measuring();
    source.measureAll();
    const report = await verify(repo, source);
    expect(recordedNames(report)).toEqual([]);
    expect(source.asked).toEqual([]);
  });

  it('fetches a measured role the record does not hold, or that may hold delegations', async () => {
    const { repo, source } = await measuring();
    source.measureAll();
    const none = await verify(repo, source, new MapRecord());
    expect(recordedNames(none)).toEqual([]);
    const record = new MapRecord();
    await verify(repo, source, record);
    for (const [name, m] of source.measured)
      source.measured.set(name, { ...m, withoutDelegations: false });
    source.requests.length = 0;
    const report = await verify(repo, source, record);
    // Taken on the record after a full fetch (the path before measurements existed).
    expect(recordedNames(report)).toEqual(LEAVES);
    expect(source.requests.filter((r) => leafFiles.includes(r)).sort()).toEqual(
      [...leafFiles].sort(),
    );
  });

  it('fetches a role whose measurement is not what snapshot lists, and refuses bad bytes', async () => {
    const { repo, source } = await measuring();
    const record = new MapRecord();
    await verify(repo, source, record);
    source.measureAll();
    // A measurement of other bytes (one byte longer, or another sha256) is not used.
    const m = source.measured.get('1.bin-1.json');
    if (m === undefined) throw new Error('no bin-1');
    source.measured.set('1.bin-1.json', { ...m, length: m.length + 1 });
    source.measured.set('1.bin-2.json', { ...m, sha256: 'ab'.repeat(32) });
    source.requests.length = 0;
    const report = await verify(repo, source, record);
    expect(recordedNames(report)).toEqual(LEAVES);
    expect(source.requests.filter((r) => leafFiles.includes(r)).sort()).toEqual([
      '1.bin-1.json',
      '1.bin-2.json',
    ]);
    // The fetched bytes are checked as always: a changed file fails spec 5.6.2.
    source.edit('1.bin-1.json', (b) => {
      const copy = new Uint8Array(b);
      copy[copy.length - 2] = 0x20;
      return copy;
    });
    const err = await verify(repo, source, record).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as CeremonyError).code).toBe('HASH_MISMATCH');
    expect((err as Error).message).toMatch(/^bin-1 \(1\.bin-1\.json\): .*\(spec 5\.6\.2/);
  });

  it('still checks the recorded version and expiry of a measured role', async () => {
    const { repo, source } = await measuring();
    const record = new MapRecord();
    await verify(repo, source, record);
    source.measureAll();
    for (const [key, role] of record.entries) record.add(key, { ...role, version: 7 });
    const err = await verify(repo, source, record).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as CeremonyError).code).toBe('VERSION_MISMATCH');
    expect((err as Error).message).toContain('5.6.4');
  });
});
