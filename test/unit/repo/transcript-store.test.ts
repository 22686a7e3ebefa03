import { createPublicKey } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvSecretSource } from '../../../src/cli/secrets.js';
import {
  computeKeyid,
  keyFingerprint,
  keyFromPublicKeyObject,
} from '../../../src/metadata/keys.js';
import { FileKeyResolver } from '../../../src/signing/file-key-resolver.js';
import { writeEncryptedKeyFile } from '../../../src/signing/key-file.js';
import { keyRefScheme } from '../../../src/signing/key-ref.js';
import { generatePrivateKey } from '../../../src/signing/software-signer.js';
import { sha256Hex } from '../../../src/metadata/bytes.js';
import {
  appendEvent,
  ceremonyLogDir,
  holdsFinalized,
  readTranscript,
  transcriptFile,
  verifyTranscript,
  writeSummary,
} from '../../../src/repo/transcript-store.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const SHA = 'c'.repeat(64);
let repo: string;
let logDir: string;

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'transcript-store-'));
  logDir = ceremonyLogDir(repo, '2026-11-23-root-v1');
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

async function smallCeremony(): Promise<void> {
  await appendEvent(logDir, {
    actor: 'coordinator',
    type: 'ceremony.started',
    time: T0,
    data: { ceremony_id: 'x' },
  });
  await appendEvent(logDir, {
    actor: 'coordinator',
    type: 'role.staged',
    time: T0 + 1,
    data: { role: 'root', version: 1, sha256: SHA },
  });
  await appendEvent(logDir, {
    actor: 'alice',
    type: 'signature.added',
    time: T0 + 2,
    data: { holder: 'alice', role: 'root', signed_sha256: SHA },
  });
  await appendEvent(logDir, {
    actor: 'bob',
    type: 'signature.added',
    time: T0 + 3,
    data: { holder: 'bob', role: 'root', signed_sha256: SHA },
  });
  await appendEvent(logDir, {
    actor: 'alice',
    type: 'signature.added',
    time: T0 + 4,
    data: { holder: 'alice', role: 'targets', signed_sha256: SHA },
  });
}

describe('transcript store', () => {
  it('appends one file per actor and verifies intact chains', async () => {
    await smallCeremony();
    expect((await readdir(logDir)).sort()).toEqual([
      'alice.jsonl',
      'bob.jsonl',
      'coordinator.jsonl',
    ]);
    const alice = (await readFile(transcriptFile(logDir, 'alice'), 'utf8')).trim().split('\n');
    expect(alice).toHaveLength(2);
    const log = await readTranscript(logDir);
    expect(log.problems).toEqual([]);
    expect(log.events.map((e) => `${e.actor}:${e.seq}`)).toEqual([
      'coordinator:1',
      'coordinator:2',
      'alice:1',
      'bob:1',
      'alice:2',
    ]);
    const result = await verifyTranscript(repo);
    expect(result.ok).toBe(true);
    expect(result.logs.map((l) => l.dir)).toEqual([logDir]);
    expect((await verifyTranscript(logDir)).ok).toBe(true);
  });

  it('reports a tampered line and a deleted line with file and line', async () => {
    await smallCeremony();
    const coord = transcriptFile(logDir, 'coordinator');
    await appendEvent(logDir, {
      actor: 'coordinator',
      type: 'role.staged',
      time: T0 + 5,
      data: { role: 'targets', version: 1, sha256: SHA },
    });
    const lines = (await readFile(coord, 'utf8')).split('\n');
    lines[1] = (lines[1] ?? '').replace('"version":1', '"version":2');
    await writeFile(coord, lines.join('\n'));
    const alice = transcriptFile(logDir, 'alice');
    const aliceLines = (await readFile(alice, 'utf8')).split('\n');
    await writeFile(alice, [aliceLines[1], ''].join('\n'));
    const result = await verifyTranscript(repo, repo);
    expect(result.ok).toBe(false);
    expect(result.logs[0]?.problems).toEqual([
      'ceremony-logs/2026-11-23-root-v1/alice.jsonl:1: seq 2, expected 1 (a line is missing or added)',
      "ceremony-logs/2026-11-23-root-v1/alice.jsonl:1: the first event's prev is not 64 zeros (earlier lines were removed)",
      'ceremony-logs/2026-11-23-root-v1/coordinator.jsonl:3: prev hash does not match line 2',
    ]);
  });

  it('never extends a broken chain', async () => {
    await smallCeremony();
    const bob = transcriptFile(logDir, 'bob');
    await writeFile(bob, (await readFile(bob, 'utf8')).replace('"root"', '"targets"') + '{oops\n');
    await expect(
      appendEvent(logDir, { actor: 'bob', type: 'signature.added', time: T0 + 9, data: {} }),
    ).rejects.toThrow(/bob.jsonl:2: not valid JSON; not appending to a broken transcript/);
  });

  it('anchors every holder chain in ceremony.finalized, so truncation is found', async () => {
    await smallCeremony();
    const fin = await appendEvent(logDir, {
      actor: 'coordinator',
      type: 'ceremony.finalized',
      time: T0 + 10,
      data: { files: { '1.root.json': SHA } },
    });
    expect(Object.keys(fin.data.transcript_heads ?? {})).toEqual(['alice', 'bob']);
    expect((await verifyTranscript(logDir)).ok).toBe(true);
    const alice = transcriptFile(logDir, 'alice');
    const first = (await readFile(alice, 'utf8')).split('\n')[0] ?? '';
    await writeFile(alice, `${first}\n`);
    const result = await verifyTranscript(logDir, repo);
    expect(result.logs[0]?.problems).toEqual([
      'ceremony-logs/2026-11-23-root-v1/alice.jsonl: event 2 is missing (its hash is anchored by event 3 of ceremony-logs/2026-11-23-root-v1/coordinator.jsonl)',
    ]);
  });

  it("answers whether a chain holds ceremony.finalized as the whole transcript's events do", async () => {
    const answers = async (): Promise<[boolean, boolean]> => [
      await holdsFinalized(logDir),
      (await readTranscript(logDir)).events.some((e) => e.type === 'ceremony.finalized'),
    ];
    await smallCeremony();
    expect(await answers()).toEqual([false, false]);
    // A holder's large file is read only when the smaller ones hold no finalized event.
    await appendEvent(logDir, {
      actor: 'coordinator',
      type: 'ceremony.finalized',
      time: T0 + 10,
      data: {},
    });
    expect(await answers()).toEqual([true, true]);
    // The finalized line tampered with: no chain holds it, in either answer.
    const coord = transcriptFile(logDir, 'coordinator');
    const lines = (await readFile(coord, 'utf8')).split('\n');
    lines[2] = (lines[2] ?? '').replace('"ceremony.finalized"', '"ceremony.finalizeD"');
    await writeFile(coord, lines.join('\n'));
    expect(await answers()).toEqual([false, false]);
    // Spelled through an escape, the line is not in canonical form but still an event of both.
    const escaped = lines.join('\n').replace('"ceremony.finalizeD"', '"ceremony.finalize\\u0064"');
    await writeFile(coord, escaped);
    expect(await answers()).toEqual([true, true]);
    await writeFile(coord, lines.join('\n'));
    // A file whose name is no actor's is skipped by both.
    await writeFile(
      join(logDir, 'not an actor.jsonl'),
      (await readFile(coord, 'utf8')).replace('finalizeD', 'finalized'),
    );
    expect(await answers()).toEqual([false, false]);
  });

  it('writes summary.md, and refuses to summarize a broken transcript', async () => {
    await smallCeremony();
    const path = await writeSummary(logDir);
    expect(path).toBe(join(logDir, 'summary.md'));
    const md = await readFile(path, 'utf8');
    expect(md).toMatch(/^# Ceremony 2026-11-23-root-v1/);
    expect(md).toContain('| coordinator | 2 |');
    await writeFile(transcriptFile(logDir, 'bob'), 'garbage\n');
    await expect(writeSummary(logDir)).rejects.toThrow(
      /bob.jsonl:1: not valid JSON; the transcript is broken/,
    );
  });

  it('finds no transcripts in an empty folder', async () => {
    await mkdir(join(repo, 'ceremony-logs'), { recursive: true });
    await expect(verifyTranscript(repo)).rejects.toThrow(/no ceremony transcripts/);
    await expect(verifyTranscript(join(repo, 'nope'))).rejects.toThrow(/no such folder/);
    expect(() => ceremonyLogDir(repo, '../x')).toThrow(/not a valid folder name/);
  });

  it('keeps the passphrase of an enroll-and-sign flow out of every event', async () => {
    const passphrase = 'Tr0ub4dor&3-never-log-me';
    const keyPath = join(repo, 'secret-keys', 'alice.key');
    const privateKey = generatePrivateKey('ed25519');
    const key = keyFromPublicKeyObject(createPublicKey(privateKey));
    await writeEncryptedKeyFile(keyPath, privateKey, passphrase, { scryptLog2N: 10 });
    const keyRef = `file:${keyPath}`;
    await appendEvent(logDir, {
      actor: 'alice',
      type: 'key.enrolled',
      time: T0,
      data: {
        holder: 'alice',
        keyid: computeKeyid(key),
        fingerprint: keyFingerprint(key),
        key_ref: keyRefScheme(keyRef),
      },
    });
    const signer = await new FileKeyResolver(repo).open(
      keyRef,
      new EnvSecretSource({ ALICE_PASS: passphrase }, 'ALICE_PASS'),
      key,
    );
    const bytes = new TextEncoder().encode('{"signed":1}');
    const sig = await signer.sign(bytes);
    await appendEvent(logDir, {
      actor: 'alice',
      type: 'signature.added',
      time: T0 + 1,
      data: { holder: 'alice', role: 'root', keyid: sig.keyid, signed_sha256: sha256Hex(bytes) },
    });
    await writeSummary(logDir);
    for (const name of await readdir(logDir)) {
      const content = await readFile(join(logDir, name), 'utf8');
      expect(content).not.toContain(passphrase);
      expect(content).not.toContain('secret-keys');
    }
    expect((await verifyTranscript(logDir)).ok).toBe(true);
  });
});
