import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyRepository } from '../../../../src/metadata/client/index.js';
import { CeremonyError } from '../../../../src/metadata/errors.js';
import { MAX_JSON_DEPTH } from '../../../../src/metadata/json-depth.js';
import { MAX_SIGNATURES, parseMetadata } from '../../../../src/metadata/parse.js';
import { unknownSignatures } from '../../../../src/bench/hostile-cases.js';
import type { MemorySource } from './memory-source.js';
import { metaOf, NOW, resign, TestRepo } from './test-repo.js';

// Hostile files a mirror can serve: each must end in a short one-line CeremonyError (or be
// handled in linear time), never a stack overflow, a quadratic loop or an echo of its bytes.

const enc = new TextEncoder();

function failure(run: () => unknown): CeremonyError {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CeremonyError);
  const err = caught as CeremonyError;
  expect(err.message).not.toContain('\n');
  return err;
}

function timestampText(type: string): string {
  return `{"signatures":[],"signed":{"_type":${type},"spec_version":"1.0.31","version":1,"expires":"2031-01-01T00:00:00Z","meta":{}}}`;
}

async function verifyAfter(change: (repo: TestRepo, source: MemorySource) => Promise<void>) {
  const repo = await new TestRepo().init();
  repo.consistent = false;
  await repo.init();
  const source = await repo.publish();
  await change(repo, source);
  return verifyRepository({ trustedRoot: repo.trustedRoot(), source, now: NOW, targets: [] });
}

/** Lists targets.json in snapshot by version only (as Sigstore's snapshot does), re-signed. */
async function listByVersionOnly(repo: TestRepo, source: MemorySource): Promise<void> {
  await resign(source, 'snapshot.json', [repo.snapshotKey], (signed) => {
    metaOf(signed)['targets.json'] = { version: 1 };
  });
  const snapshot = source.files.get('snapshot.json') as Uint8Array;
  await resign(source, 'timestamp.json', [repo.timestampKey], (signed) => {
    metaOf(signed)['snapshot.json'] = {
      version: 1,
      length: snapshot.length,
      hashes: { sha256: createHash('sha256').update(snapshot).digest('hex') },
    };
  });
}

function padSignatures(source: MemorySource, count: number): void {
  const env = source.json('targets.json') as { signatures: { keyid: string; sig: string }[] };
  for (let i = 0; i < count; i++) {
    env.signatures.push({ keyid: i.toString(16), sig: 'abcd' });
  }
  source.files.set('targets.json', enc.encode(JSON.stringify(env)));
}

describe('parsing hostile metadata', () => {
  it('refuses a _type nesting 8,000 arrays (16 KB) with a one-line error, no stack overflow', () => {
    const text = timestampText(`${'['.repeat(8000)}${']'.repeat(8000)}`);
    expect(text.length).toBeLessThan(16_500);
    const err = failure(() => parseMetadata(enc.encode(text), 'timestamp', 'timestamp.json'));
    expect(err.code).toBe('METADATA_INVALID');
    expect(err.message).toBe(
      `timestamp.json: not valid JSON for this tool: nested deeper than ${MAX_JSON_DEPTH} levels`,
    );
  });

  it('accepts nesting up to the limit in an unknown field and refuses one level more', () => {
    const nested = (depth: number) =>
      `{"signatures":[],"signed":{"_type":"targets","spec_version":"1.0.31","version":1,"expires":"2031-01-01T00:00:00Z","targets":{},"x":${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}}}`;
    expect(parseMetadata(enc.encode(nested(MAX_JSON_DEPTH)), 'targets', 't').signed.version).toBe(
      1,
    );
    failure(() => parseMetadata(enc.encode(nested(MAX_JSON_DEPTH + 1)), 'targets', 't'));
  });

  it('quotes a 400 KB _type string capped and escaped, not in full', () => {
    const long = `"${'A'.repeat(400_000)}"`;
    const err = failure(() =>
      parseMetadata(enc.encode(timestampText(long)), 'timestamp', 'timestamp.json'),
    );
    expect(err.message.length).toBeLessThan(200);
    expect(err.message).toContain('(400000 chars)');
    const control = failure(() =>
      parseMetadata(enc.encode(timestampText('"\\u001b[2J\\u202e"')), 'timestamp', 't.json'),
    );
    expect(control.message).toContain('found "\\u001b[2J\\u202e"');
  });

  it('never quotes the bytes of a file that is not JSON', () => {
    for (const text of [
      'root:x:0:0:root:/root:/bin/bash\n',
      'ghp_S3CR3T0123456789',
      '{"a": 1,, "ghp_S3CR3T"}',
    ]) {
      const err = failure(() => parseMetadata(enc.encode(text), 'timestamp', 'timestamp.json'));
      expect(err.message).toMatch(/^timestamp\.json: not valid JSON( at character \d+)?$/);
    }
  });

  it('refuses a listed length of 2^53 (not a safe integer) before any download', () => {
    const text = `{"signatures":[],"signed":{"_type":"snapshot","spec_version":"1.0.31","version":1,"expires":"2031-01-01T00:00:00Z","meta":{"targets.json":{"version":1,"length":9007199254740992}}}}`;
    const err = failure(() => parseMetadata(enc.encode(text), 'snapshot', 'snapshot.json'));
    expect(err.message).toBe(
      'snapshot.json: signed.meta.targets.json.length: must be an integer >= 0',
    );
  });

  it('refuses a keyid that exists only on Object.prototype (toString is not a listed key)', () => {
    const text = `{"signatures":[],"signed":{"_type":"root","spec_version":"1.0.31","version":1,"expires":"2031-01-01T00:00:00Z","keys":{},"roles":{"root":{"keyids":["toString"],"threshold":1},"targets":{"keyids":[],"threshold":1},"snapshot":{"keyids":[],"threshold":1},"timestamp":{"keyids":[],"threshold":1}}}}`;
    const err = failure(() => parseMetadata(enc.encode(text), 'root', 'root.json'));
    expect(err.message).toContain('keyid "toString" is not in signed.keys');
  });
});

describe('signatures padded by a mirror', () => {
  it(`refuses 300,000 padded signatures (more than ${MAX_SIGNATURES}) in under 2 s`, async () => {
    let elapsed = 0;
    const outcome = await verifyAfter(async (repo, source) => {
      await listByVersionOnly(repo, source);
      padSignatures(source, 300_000);
      elapsed = -performance.now();
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    elapsed += performance.now();
    expect(outcome).toBeInstanceOf(CeremonyError);
    expect((outcome as CeremonyError).message).toContain(
      `signatures: 300001 entries, more than the limit of ${MAX_SIGNATURES} (a mirror can pad`,
    );
    expect(elapsed).toBeLessThan(2000);
  });

  it('still trusts a file padded up to the limit (unknown keyids are ignored, spec 5.6.3)', async () => {
    const report = await verifyAfter(async (repo, source) => {
      await listByVersionOnly(repo, source);
      padSignatures(source, MAX_SIGNATURES - 1);
    });
    const targets = report.roles.find((r) => r.name === 'targets');
    expect(targets?.result.verified).toBe(true);
    expect(targets?.result.unknown).toHaveLength(MAX_SIGNATURES - 1);
  });

  it('handles 100,000 unknown signatures in linear time below the parser (sets, not scans)', () => {
    const start = performance.now();
    expect(unknownSignatures(100_000)).toBe(100_000);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe('the pre-scan of signatures', () => {
  const envelope = (sigs: string) =>
    enc.encode(
      `{"signed":{"_type":"timestamp","spec_version":"1.0.31","version":1,"expires":"2031-01-01T00:00:00Z","meta":{"snapshot.json":{"version":1}}},"signatures":${sigs}}`,
    );
  const entries = (n: number) =>
    `[${Array.from({ length: n }, (_, i) => `{"keyid":"${i}","sig":"[,]"}`).join(' , ')}]`;

  it('counts entries the way JSON.parse sees them (commas in strings and objects do not count)', () => {
    expect(
      parseMetadata(envelope(entries(MAX_SIGNATURES)), 'timestamp', 't').signatures,
    ).toHaveLength(MAX_SIGNATURES);
    expect(parseMetadata(envelope('[ ]'), 'timestamp', 't').signatures).toHaveLength(0);
    const err = failure(() =>
      parseMetadata(envelope(entries(MAX_SIGNATURES + 1)), 'timestamp', 't'),
    );
    expect(err.message).toContain(`t: signatures: ${MAX_SIGNATURES + 1} entries`);
  });

  it('refuses non-object entries beyond the cap too', () => {
    const err = failure(() =>
      parseMetadata(envelope(`[${'1,'.repeat(MAX_SIGNATURES)}1]`), 'timestamp', 't'),
    );
    expect(err.message).toContain(`${MAX_SIGNATURES + 1} entries`);
  });
});
