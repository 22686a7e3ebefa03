import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderPlanTemplate } from '../../../src/ceremony/plan-template.js';
import { appendEvent, ceremonyLogDir, transcriptFile } from '../../../src/repo/transcript-store.js';
import { runTool } from '../../helpers/cli.js';

const ID = '2026-11-23-root-v1-targets-v1';
const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const SHA = 'd'.repeat(64);
let repo: string;
let logDir: string;

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'log-e2e-'));
  logDir = ceremonyLogDir(repo, ID);
  await writeFile(join(repo, 'ceremony.yaml'), renderPlanTemplate({ name: 'e2e-root' }));
  const coordinator = (
    type: 'ceremony.started' | 'role.staged' | 'ceremony.finalized',
    t: number,
    data: Record<string, string | number | Record<string, string>>,
  ) => appendEvent(logDir, { actor: 'coordinator', type, time: T0 + t, data });
  await coordinator('ceremony.started', 0, { ceremony_id: ID });
  await coordinator('role.staged', 1000, { role: 'root', version: 1, sha256: SHA });
  await coordinator('role.staged', 2000, { role: 'targets', version: 1, sha256: SHA });
  for (const [i, holder] of ['alice', 'bob'].entries()) {
    await appendEvent(logDir, {
      actor: holder,
      type: 'key.enrolled',
      time: T0 + 100 + i,
      data: {
        holder,
        keyid: `${i}`.repeat(64),
        fingerprint: `${i}${i}ab:cd12:3456:7890`,
        key_ref: 'file',
      },
    });
    await appendEvent(logDir, {
      actor: holder,
      type: 'signature.added',
      time: T0 + 3000 + i,
      data: { holder, role: 'root', keyid: `${i}`.repeat(64), signed_sha256: SHA },
    });
  }
  await coordinator('ceremony.finalized', 9000, { files: { '1.root.json': SHA } });
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('tuf-ceremony log verify', () => {
  it('exits 0 for intact transcripts, from the repository or the ceremony folder', async () => {
    const fromRepo = await runTool(['log', 'verify'], { cwd: repo });
    expect(fromRepo.stderr).toBe('');
    expect(fromRepo.stdout).toBe(`intact: ceremony-logs/${ID} (3 actor file(s), 8 event(s))\n`);
    expect(fromRepo.code).toBe(0);
    const fromFolder = await runTool(['log', 'verify', logDir]);
    expect(fromFolder.code).toBe(0);
  });

  it('exits 1 and names the file and line of a tampered event', async () => {
    const file = transcriptFile(logDir, 'coordinator');
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[1] = (lines[1] ?? '').replace('"role":"root"', '"role":"targets"');
    await writeFile(file, lines.join('\n'));
    const result = await runTool(['log', 'verify', '.'], { cwd: repo });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `ceremony-logs/${ID}/coordinator.jsonl:3: prev hash does not match line 2\n`,
    );
    expect(result.stdout).toBe(`BROKEN: ceremony-logs/${ID} (1 problem(s))\n`);
  });

  it('exits 1 for a deleted line, and for a holder file cut back after finalize', async () => {
    const bob = transcriptFile(logDir, 'bob');
    const first = (await readFile(bob, 'utf8')).split('\n')[0] ?? '';
    await writeFile(bob, `${first}\n`);
    const coord = transcriptFile(logDir, 'coordinator');
    const lines = (await readFile(coord, 'utf8')).split('\n');
    lines.splice(1, 1);
    await writeFile(coord, lines.join('\n'));
    const result = await runTool(['log', 'verify'], { cwd: repo });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `ceremony-logs/${ID}/coordinator.jsonl:2: seq 3, expected 2 (a line is missing or added)`,
    );
    expect(result.stderr).toContain(
      `ceremony-logs/${ID}/bob.jsonl: event 2 is missing (its hash is anchored by event 4 of ceremony-logs/${ID}/coordinator.jsonl)`,
    );
  });

  it('exits 1 with a one-line error when there is no transcript', async () => {
    const empty = join(repo, 'empty');
    await mkdir(empty);
    const result = await runTool(['log', 'verify', empty]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: .*empty: no ceremony transcripts \(\*\.jsonl\) found\n$/,
    );
  });
});

describe('tuf-ceremony log summary', () => {
  it('prints the Markdown summary with the plan, and writes summary.md with --write', async () => {
    const printed = await runTool(['log', 'summary'], { cwd: repo });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(new RegExp(`^# Ceremony ${ID}\n`));
    expect(printed.stdout).toContain('Trust root: **e2e-root**');
    expect(printed.stdout).toContain(
      '| alice | `' + '0'.repeat(64) + '` | `00ab:cd12:3456:7890` |',
    );
    expect(printed.stdout).toContain(`| \`1.root.json\` | \`${SHA}\` |`);
    const written = await runTool(['log', 'summary', '--write', `ceremony-logs/${ID}`], {
      cwd: repo,
    });
    expect(written.stdout).toBe(`wrote ceremony-logs/${ID}/summary.md\n`);
    expect(await readFile(join(logDir, 'summary.md'), 'utf8')).toBe(printed.stdout);
  });

  it('refuses to summarize a broken transcript', async () => {
    await writeFile(transcriptFile(logDir, 'alice'), 'not json\n');
    const result = await runTool(['log', 'summary'], { cwd: repo });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`ceremony-logs/${ID}/alice.jsonl:1: not valid JSON`);
    expect(result.stderr).toMatch(/the transcript is broken; no summary/);
    const unknown = await runTool(['log', 'summary', '--ceremony', 'nope'], { cwd: repo });
    expect(unknown.code).toBe(2);
  });
});
