import { describe, expect, it } from 'vitest';
import { roomData } from '../../../src/broadcast/room-data.js';
import type { Plan } from '../../../src/ceremony/plan.js';
import type { AuthorityCheck, CeremonyStatus } from '../../../src/ceremony/status.js';
import { roomLines } from '../../../src/cli/room-text.js';

function check(label: string, signed: string[], missing: string[], threshold = 2): AuthorityCheck {
  return {
    label,
    result: {
      role: 'root',
      threshold,
      signed: signed.map((h) => `key-${h}`),
      missing: missing.map((h) => `key-${h}`),
      invalid: [],
      duplicates: [],
      unknown: [],
      unusable: {},
      verified: signed.length >= threshold,
    },
    signedBy: signed,
    missingHolders: missing,
    holdersCounted: signed.length,
    met: signed.length >= threshold,
  };
}

const SHA = 'ab'.repeat(32);

function status(rootChecks: AuthorityCheck[], staleBob = false): CeremonyStatus {
  const ready = rootChecks.every((c) => c.result.verified);
  return {
    id: '2026-06-01',
    ready,
    roles: [
      {
        role: 'root',
        version: 2,
        expires: '2027-06-01T00:00:00Z',
        sha256: SHA,
        checks: rootChecks,
        stale: staleBob ? [{ holder: 'bob', keyid: 'key-bob', signedSha256: 'cd'.repeat(32) }] : [],
        ready,
      },
    ],
  };
}

const PLAN = {
  name: 'demo-root',
  holders: { alice: { id: 'alice' }, bob: { id: 'bob', name: 'Bob B.' }, carol: { id: 'carol' } },
} as unknown as Plan;

describe('the room in guided mode', () => {
  it('counts old and new root, names who is missing and what comes next', () => {
    const lines = roomLines(
      status([
        check('new root v2', ['alice'], ['bob', 'carol']),
        check('old root v1', ['alice'], ['bob']),
      ]),
      'bob',
    );
    expect(lines).toContain(
      '  root v2: new root v2 1 of 2; missing bob, carol | old root v1 1 of 2; missing bob',
    );
    expect(lines.at(-1)).toBe('Next: bob signs; then still waiting for carol.');
  });

  it('tells a holder who has signed whom the room waits for, and when it is done', () => {
    expect(roomLines(status([check('root v1', ['alice'], ['bob', 'carol'])]), 'alice').at(-1)).toBe(
      'Next: waiting for bob, carol; then the coordinator finalizes.',
    );
    expect(roomLines(status([check('root v1', ['alice', 'bob'], [])]), 'alice').at(-1)).toBe(
      'Next: every threshold is met; the coordinator runs tuf-ceremony finalize.',
    );
  });
});

describe('the broadcast page data', () => {
  it('marks each holder valid, stale or missing per role and draws the hash', () => {
    const room = roomData(
      PLAN,
      [],
      status([check('root v2', ['alice'], ['bob', 'carol'])], true),
      [],
    );
    const marks = Object.fromEntries(room.holders.map((h) => [h.id, h.marks]));
    expect(marks.alice).toEqual([{ role: 'root', mark: 'valid' }]);
    expect(marks.bob).toEqual([{ role: 'root', mark: 'stale' }]);
    expect(marks.carol).toEqual([{ role: 'root', mark: 'missing' }]);
    expect(room.holders.find((h) => h.id === 'bob')?.name).toBe('Bob B.');
    expect(room.roles[0]?.sha256_groups[0]).toBe('abab abab abab abab');
    expect(room.roles[0]?.randomart[0]).toContain('[root v2]');
    expect(room.roles[0]?.counts).toEqual([{ authority: 'root v2', valid: 1, threshold: 2 }]);
  });

  it('lists the latest events first and at most twelve', () => {
    const events = Array.from({ length: 20 }, (_, i) => ({
      seq: i + 1,
      time: `2026-06-01T00:00:${String(i).padStart(2, '0')}.000Z`,
      actor: 'coordinator',
      type: 'role.staged',
      data: { role: 'root', version: 2, sha256: SHA },
      prev: '0'.repeat(64),
    }));
    const room = roomData(PLAN, [], status([check('root v2', [], ['alice'])]), events);
    expect(room.events).toHaveLength(12);
    expect(room.events[0]?.time).toBe('2026-06-01T00:00:19.000Z');
    expect(room.events[0]?.detail).toBe('root v2 sha256 abababababababab…');
  });
});
