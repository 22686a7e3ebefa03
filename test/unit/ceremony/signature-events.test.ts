import { describe, expect, it } from 'vitest';
import { unrecordedSignatures } from '../../../src/ceremony/signature-events.js';
import type { TranscriptEvent } from '../../../src/ceremony/transcript.js';

function added(holder: string, role: string, keyid: string, sha: string): TranscriptEvent {
  return {
    seq: 1,
    time: '2026-01-01T00:00:00.000Z',
    actor: holder,
    type: 'signature.added',
    data: { holder, role, keyid, signed_sha256: sha },
    prev: '0'.repeat(64),
  };
}

describe('unrecordedSignatures', () => {
  it('lists stored signatures without their signature.added event', () => {
    const sig = (keyid: string, sha: string) => ({
      keyid,
      sig: 'ab',
      signed_sha256: sha,
      signed_at: 'x',
    });
    const holders = [
      { holder: 'alice', signatures: { root: [sig('k1', 's1')], targets: [sig('k1', 's2')] } },
      { holder: 'bob', signatures: { root: [sig('k2', 's1')] } },
    ];
    const events = [added('alice', 'root', 'k1', 's1'), added('bob', 'root', 'k2', 'other')];
    expect(unrecordedSignatures(holders, events)).toEqual([
      { holder: 'alice', role: 'targets', keyid: 'k1', signed_sha256: 's2' },
      { holder: 'bob', role: 'root', keyid: 'k2', signed_sha256: 's1' },
    ]);
    expect(
      unrecordedSignatures(holders.slice(0, 1), [...events, added('alice', 'targets', 'k1', 's2')]),
    ).toEqual([]);
  });
});
