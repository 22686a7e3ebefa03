import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../../src/ceremony/plan-yaml.js';
import { renderPlanTemplate } from '../../../src/ceremony/plan-template.js';
import {
  GENESIS_PREV,
  checkAnchoredHeads,
  checkChain,
  eventHash,
  eventLine,
  mergeEvents,
  nextEvent,
  type NewEvent,
  type TranscriptEvent,
} from '../../../src/ceremony/transcript.js';
import { renderSummary } from '../../../src/ceremony/transcript-summary.js';
import { sha256Hex } from '../../../src/metadata/bytes.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const SHA = 'a'.repeat(64);

function chain(actor: string, inputs: Omit<NewEvent, 'actor'>[]): TranscriptEvent[] {
  const out: TranscriptEvent[] = [];
  for (const input of inputs) out.push(nextEvent(out.at(-1), { ...input, actor }));
  return out;
}

function text(events: readonly TranscriptEvent[]): string {
  return events.map((e) => `${eventLine(e)}\n`).join('');
}

const coordinator = chain('coordinator', [
  { type: 'ceremony.started', time: T0, data: { ceremony_id: '2026-11-23-root-v1' } },
  { type: 'role.staged', time: T0 + 1000, data: { role: 'root', version: 1, sha256: SHA } },
  { type: 'role.staged', time: T0 + 2000, data: { role: 'targets', version: 1, sha256: SHA } },
  { type: 'ceremony.finalized', time: T0 + 9000, data: { files: { '1.root.json': SHA } } },
]);

describe('transcript chain', () => {
  it('chains events by the sha256 of their RFC 8785 canonical JSON', () => {
    expect(coordinator[0]).toMatchObject({ seq: 1, prev: GENESIS_PREV, actor: 'coordinator' });
    expect(coordinator[0]?.time).toBe('2026-11-23T09:00:00.000Z');
    expect(coordinator[1]?.prev).toBe(sha256Hex(eventLine(coordinator[0] as TranscriptEvent)));
    expect(eventLine(coordinator[1] as TranscriptEvent)).toBe(
      `{"actor":"coordinator","data":{"role":"root","sha256":"${SHA}","version":1},"prev":"${coordinator[1]?.prev ?? ''}","seq":2,"time":"2026-11-23T09:00:01.000Z","type":"role.staged"}`,
    );
    expect(checkChain(text(coordinator), 'coordinator.jsonl', 'coordinator')).toEqual({
      events: coordinator,
      problems: [],
    });
  });

  it('finds a tampered line at the next line', () => {
    const lines = text(coordinator).split('\n');
    lines[1] = (lines[1] ?? '').replace('"version":1', '"version":9');
    const { problems } = checkChain(lines.join('\n'), 'c.jsonl', 'coordinator');
    expect(problems).toEqual(['c.jsonl:3: prev hash does not match line 2']);
  });

  it('finds a deleted line, a deleted first line and an inserted line', () => {
    const lines = text(coordinator).split('\n');
    const deleted = [lines[0], lines[2], lines[3], ''].join('\n');
    expect(checkChain(deleted, 'c.jsonl', 'coordinator').problems).toEqual([
      'c.jsonl:2: seq 3, expected 2 (a line is missing or added)',
      'c.jsonl:2: prev hash does not match line 1',
    ]);
    const first = lines.slice(1).join('\n');
    expect(checkChain(first, 'c.jsonl', 'coordinator').problems).toEqual([
      'c.jsonl:1: seq 2, expected 1 (a line is missing or added)',
      "c.jsonl:1: the first event's prev is not 64 zeros (earlier lines were removed)",
    ]);
    const inserted = [lines[0], lines[0], ...lines.slice(1)].join('\n');
    expect(checkChain(inserted, 'c.jsonl', 'coordinator').problems[0]).toMatch(
      /^c.jsonl:2: seq 1, expected 2/,
    );
  });

  it('reports unparseable lines, wrong actors, odd shapes and a cut-short file', () => {
    const lines = text(coordinator).split('\n');
    const broken = [lines[0], '{not json', lines[2], ''].join('\n');
    const problems = checkChain(broken, 'c.jsonl', 'coordinator').problems;
    expect(problems).toContain('c.jsonl:2: not valid JSON');
    expect(checkChain(text(coordinator), 'alice.jsonl', 'alice').problems[0]).toMatch(
      /^alice.jsonl:1: actor is "coordinator", but the file belongs to alice/,
    );
    expect(checkChain('{"seq":1}\n', 'c.jsonl').problems[0]).toMatch(/^c.jsonl:1: fields are seq/);
    expect(checkChain(text(coordinator).slice(0, -5), 'c.jsonl').problems[0]).toBe(
      'c.jsonl: the last line is cut short (no newline)',
    );
    const spaced = text(coordinator).replace('{"actor"', '{ "actor"');
    expect(checkChain(spaced, 'c.jsonl').problems).toContain(
      'c.jsonl:1: not in canonical JSON form',
    );
  });

  it('detects any single-character change anywhere but the last line (property)', () => {
    const original = text(coordinator);
    const lastStart = original.lastIndexOf('\n', original.length - 2) + 1;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: lastStart - 2 }),
        fc.constantFrom('0', 'x', '"', ' '),
        (i, ch) => {
          if (original[i] === ch) return;
          const changed = original.slice(0, i) + ch + original.slice(i + 1);
          expect(checkChain(changed, 'c.jsonl', 'coordinator').problems.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses secrets, paths in key references, and bad actor names', () => {
    const base = { actor: 'alice', time: T0 };
    expect(() =>
      nextEvent(undefined, { ...base, type: 'key.enrolled', data: { passphrase: 'x' } }),
    ).toThrow(/would put a secret in the transcript/);
    expect(() =>
      nextEvent(undefined, {
        ...base,
        type: 'key.enrolled',
        data: { key_ref: 'file:/home/alice/a.key' },
      }),
    ).toThrow(/key_ref must be a scheme only/);
    expect(() =>
      nextEvent(undefined, {
        ...base,
        type: 'key.enrolled',
        data: { key_ref_scheme: 'pkcs11:token=a' },
      }),
    ).toThrow(/key_ref_scheme must be a scheme only/);
    expect(() =>
      nextEvent(undefined, {
        ...base,
        type: 'key.enrolled',
        data: { x: ['pkcs11:token=a;object=b?pin-value=1234'] },
      }),
    ).toThrow(/data.x\[0\] looks like a secret/);
    expect(() =>
      nextEvent(undefined, { ...base, actor: '../x', type: 'key.enrolled', data: {} }),
    ).toThrow(/not a valid name/);
    expect(() => nextEvent(coordinator[0], { ...base, type: 'key.enrolled', data: {} })).toThrow(
      /cannot take events of alice/,
    );
  });

  it('checks heads anchored by ceremony.finalized', () => {
    const alice = chain('alice', [
      { type: 'signature.added', time: T0 + 3000, data: { role: 'root' } },
      { type: 'signature.added', time: T0 + 4000, data: { role: 'targets' } },
    ]);
    const last = alice.at(-1) as TranscriptEvent;
    const fin = chain('coordinator', [
      {
        type: 'ceremony.finalized',
        time: T0 + 9000,
        data: { transcript_heads: { alice: { seq: 2, sha256: eventHash(last) } } },
      },
    ]);
    const fileOf = (a: string): string => `${a}.jsonl`;
    expect(
      checkAnchoredHeads(
        new Map([
          ['coordinator', fin],
          ['alice', alice],
        ]),
        fileOf,
      ),
    ).toEqual([]);
    expect(
      checkAnchoredHeads(
        new Map([
          ['coordinator', fin],
          ['alice', alice.slice(0, 1)],
        ]),
        fileOf,
      ),
    ).toEqual([
      'alice.jsonl: event 2 is missing (its hash is anchored by event 1 of coordinator.jsonl)',
    ]);
    expect(
      mergeEvents(
        new Map([
          ['alice', alice],
          ['coordinator', coordinator],
        ]),
      ).map((e) => e.type),
    ).toEqual([
      'ceremony.started',
      'role.staged',
      'role.staged',
      'signature.added',
      'signature.added',
      'ceremony.finalized',
    ]);
  });
});

describe('renderSummary', () => {
  it('lists keys with fingerprints, signed hashes by whom and when, and published files', () => {
    const plan = parsePlan(renderPlanTemplate({ name: 'demo' }), 'ceremony.yaml');
    const alice = chain('alice', [
      {
        type: 'key.enrolled',
        time: T0 + 500,
        data: {
          holder: 'alice',
          keyid: 'b'.repeat(64),
          fingerprint: 'ab12:cd34:ef56:7890',
          keytype: 'ed25519',
          key_ref: 'file',
        },
      },
      {
        type: 'signature.added',
        time: T0 + 3000,
        data: {
          holder: 'alice',
          role: 'root',
          keyid: 'b'.repeat(64),
          signed_sha256: SHA,
          counts_for: ['root v1'],
        },
      },
    ]);
    const bob = chain('bob', [
      {
        type: 'key.enrolled',
        time: T0 + 600,
        data: {
          holder: 'bob',
          keyid: 'e'.repeat(64),
          fingerprint: 'ee12:cd34:ef56:7890',
          keytype: 'ecdsa',
          key_ref_scheme: 'pkcs11',
          attestation: { kind: 'yubikey-piv', serial: 123456 },
        },
      },
    ]);
    const md = renderSummary(
      mergeEvents(
        new Map([
          ['coordinator', coordinator],
          ['alice', alice],
          ['bob', bob],
        ]),
      ),
      plan,
      {
        ceremonyId: '2026-11-23-root-v1',
      },
    );
    expect(md).toMatch(/^# Ceremony 2026-11-23-root-v1\n/);
    expect(md).toContain('Trust root: **demo**');
    expect(md).toContain(
      `| alice | \`${'b'.repeat(64)}\` | \`ab12:cd34:ef56:7890\` | ed25519 | file |  | 2026-11-23T09:00:00.500Z |`,
    );
    expect(md).toContain(
      '| bob | `' +
        'e'.repeat(64) +
        '` | `ee12:cd34:ef56:7890` | ecdsa | pkcs11 | yubikey-piv verified, serial 123456 |',
    );
    expect(md).toContain(`| root | 1 | \`${SHA}\` | staged | 2026-11-23T09:00:01.000Z |`);
    expect(md).toContain(
      `| 2026-11-23T09:00:03.000Z | alice | root | \`${'b'.repeat(16)}\` | \`${SHA}\` | root v1 |`,
    );
    expect(md).toContain(`| \`1.root.json\` | \`${SHA}\` |`);
    expect(md).toContain('- Finalized: 2026-11-23T09:00:09.000Z');
  });

  it('escapes table cells and says what is missing', () => {
    const events = chain('coordinator', [
      { type: 'role.staged', time: T0, data: { role: 'a|b\nc', version: 2, sha256: SHA } },
    ]);
    const md = renderSummary(events);
    expect(md).toContain('| a\\|b c | 2 |');
    expect(md).toContain('No keys were enrolled in this ceremony.');
    expect(md).toContain('The ceremony is not finalized.');
  });
});
