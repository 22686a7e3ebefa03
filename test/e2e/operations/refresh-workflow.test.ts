import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { CLI } from '../../helpers/cli.js';
import { bareRepo, headOf } from '../../helpers/bare-remote.js';
import { git } from '../../helpers/git.js';
import { TOOL_VERSION } from '../../../src/publish/tool-version.js';
import { startGitHubEmulator } from '../../helpers/github-emulator/index.js';

// The scheduled refresh workflow that `init --refresh-workflow` writes, run step by step the way
// a GitHub Actions runner would: checkout is a clone of a bare remote, `npx --yes tuf-ceremony@X.Y.Z`
// runs the built CLI, secrets arrive as environment variables. The workflow re-signs the
// timestamp when due, verifies, pushes; its expiry job fails while an offline role is due.

interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Workflow {
  on: { schedule: { cron: string }[] };
  jobs: Record<string, { steps: Step[] }>;
}

const HOUR = 3_600_000;

function runStep(
  step: Step,
  cwd: string,
  env: Record<string, string>,
  secrets: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const stepEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(step.env ?? {})) {
    stepEnv[name] = value.replace(/\$\{\{ secrets\.([A-Z_]+) \}\}/g, (_, s: string) => {
      const secret = secrets[s];
      if (secret === undefined) throw new Error(`the workflow reads an unknown secret ${s}`);
      return secret;
    });
  }
  return new Promise((resolve, reject) => {
    // GitHub's default shell for `run:` steps.
    const child = spawn(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run ?? ''],
      {
        cwd,
        env: { ...process.env, ...env, ...stepEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, out });
    });
  });
}

let checkouts = 0;

/** What actions/checkout gives each job: a fresh clone of the remote's main branch. */
async function checkout(remote: string): Promise<string> {
  const dir = join(remote, '..', `runner-${++checkouts}`);
  await git(join(remote, '..'), ['clone', '-q', '-b', 'main', remote, dir]);
  return dir;
}

async function runJob(
  workflow: Workflow,
  job: string,
  remote: string,
  env: Record<string, string>,
  secrets: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const cwd = await checkout(remote);
  let out = '';
  for (const step of workflow.jobs[job]?.steps ?? []) {
    if (step.run === undefined) continue; // `uses:` steps: checkout and Node are in place
    const result = await runStep(step, cwd, env, secrets);
    out += result.out;
    if (result.code !== 0) return { code: result.code, out };
  }
  return { code: 0, out };
}

describe('init --refresh-workflow', () => {
  it('writes a workflow whose steps refresh, verify and push the online roles, and alert on due offline roles', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1, ['--refresh-workflow']);
    for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
    await ceremony.ok(['stage']);
    expect((await ceremony.sign('alice')).code).toBe(0);
    const finalizedAt = Date.now();
    expect((await ceremony.finalize()).code).toBe(0);

    const base = join(ceremony.dir, '..');
    const remote = join(base, 'remote.git');
    await bareRepo(base, 'remote');
    await git(ceremony.dir, ['add', '-A']);
    await git(ceremony.dir, ['commit', '-q', '-m', 'first ceremony']);
    await git(ceremony.dir, ['push', '-q', remote, 'HEAD:main']);
    const text = await readFile(
      join(ceremony.dir, '.github', 'workflows', 'tuf-ceremony-refresh.yml'),
      'utf8',
    );
    const workflow = parse(text) as Workflow;
    expect(workflow.on.schedule[0]?.cron).toBe('17 */6 * * *');

    // `npx --yes tuf-ceremony@X.Y.Z ARGS` (the exact version that wrote the workflow): the built CLI.
    const bin = join(base, 'bin');
    await mkdir(bin);
    const npx = join(bin, 'npx');
    await writeFile(
      npx,
      [
        '#!/bin/sh',
        '[ "$1" = "--yes" ] && shift',
        `[ "$1" = "tuf-ceremony@${TOOL_VERSION}" ] || { echo "unexpected: npx $*" >&2; exit 127; }`,
        'shift',
        `exec "${process.execPath}" "${CLI}" "$@"`,
        '',
      ].join('\n'),
    );
    await chmod(npx, 0o755);
    const runnerTemp = await mkdtemp(join(tmpdir(), 'runner-temp-'));
    const onlineKeyFile = (await readdir(ceremony.keysDir)).find((f) => f.startsWith('online-'));
    if (onlineKeyFile === undefined) throw new Error('no online key file');
    const secrets = {
      TUF_CEREMONY_ONLINE_KEY: await readFile(join(ceremony.keysDir, onlineKeyFile), 'utf8'),
      TUF_CEREMONY_ONLINE_PASSPHRASE: 'passphrase of online',
    };
    const at = (ms: number): Record<string, string> => ({
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      RUNNER_TEMP: runnerTemp,
      TUF_CEREMONY_NOW: new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });

    // 20 hours on, the timestamp (1d, window 12h) is due: refreshed, verified, pushed.
    const first = await runJob(workflow, 'refresh', remote, at(finalizedAt + 20 * HOUR), secrets);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toMatch(/refreshed timestamp v2/);
    expect(first.out).not.toContain('passphrase of online');
    expect(await readdir(runnerTemp)).toEqual([]);
    const log = await git(base, ['--git-dir', remote, 'log', '--format=%s', 'main']);
    expect(log.split('\n')[0]).toBe('refresh online roles');
    const published = join(base, 'published');
    await git(base, ['clone', '-q', '-b', 'main', remote, published]);
    const timestamp = JSON.parse(
      await readFile(join(published, 'repository', 'timestamp.json'), 'utf8'),
    ) as { signed: { version: number } };
    expect(timestamp.signed.version).toBe(2);
    await ceremony.ok(
      ['verify', '--root', join(published, 'repository', '1.root.json'), 'repository'],
      published,
      at(finalizedAt + 21 * HOUR),
    );

    // An hour later nothing is due: nothing is pushed.
    const second = await runJob(workflow, 'refresh', remote, at(finalizedAt + 21 * HOUR), secrets);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/nothing to publish/);

    // The expiry job passes while every offline role is current, fails inside targets' window.
    const fine = await runJob(workflow, 'expiry', remote, at(finalizedAt + 21 * HOUR), secrets);
    expect(fine.code, fine.out).toBe(0);
    // 310 days on: the refresh job renews the expired online roles, the expiry job then fails
    // because root and targets (365d, window 60d) are inside their signing window.
    const later = at(finalizedAt + 310 * 24 * HOUR);
    const renewed = await runJob(workflow, 'refresh', remote, later, secrets);
    expect(renewed.code, renewed.out).toBe(0);
    expect(renewed.out).toMatch(/refreshed snapshot v2/);
    expect(renewed.out).toMatch(/inside their signing window: root v1 .*targets v1/);
    expect(renewed.out).toMatch(/holders must re-sign them/);
    // The ceremony job stages root v2 and targets v2 and opens their pull request, once.
    const gh = await startGitHubEmulator({
      tokens: { 'tok-actions': { login: 'github-actions', access: 'write' } },
      repos: [{ owner: 'acme', name: 'trust-root', writers: ['github-actions'] }],
      resolveBranch: (_owner, _repo, ref) => headOf(remote, ref),
    });
    try {
      const ceremonyEnv = {
        ...later,
        GITHUB_API_URL: gh.url,
        GITHUB_REPOSITORY: 'acme/trust-root',
      };
      const opened = await runJob(workflow, 'ceremony', remote, ceremonyEnv, {
        GITHUB_TOKEN: 'tok-actions',
      });
      expect(opened.code, opened.out).toBe(0);
      expect(opened.out).toMatch(
        /staged ceremony \S+: 2 role\(s\)\n {2}root v2 .*\n.*\n {2}targets v2/,
      );
      expect(opened.out).toMatch(/pull request #1 opened/);
      const [pull] = gh.pulls('acme/trust-root');
      expect(pull?.base.ref).toBe('main');
      expect(pull?.head.ref).toMatch(/^ceremony\/\d{4}-\d\d-\d\d/);
      expect(pull?.title).toMatch(/root v2, targets v2/);
      const again = await runJob(workflow, 'ceremony', remote, ceremonyEnv, {
        GITHUB_TOKEN: 'tok-actions',
      });
      expect(again.code, again.out).toBe(0);
      expect(again.out).toMatch(/a ceremony is in progress/);
      expect(gh.pulls('acme/trust-root')).toHaveLength(1);
      expect(gh.violations).toEqual([]);
    } finally {
      await gh.close();
    }
    const due = await runJob(workflow, 'expiry', remote, later, {});
    expect(due.code, due.out).toBe(3);
    expect(due.out).toMatch(/targets/);
  });

  it('refuses --refresh-cron without --refresh-workflow, and a malformed schedule, writing nothing', async () => {
    const base = await mkdtemp(join(tmpdir(), 'refresh-init-'));
    const ceremony = await CeremonyFixture.create(['alice'], 1);
    for (const [flags, message] of [
      [['--refresh-cron', '0 * * * *'], /--refresh-cron only applies with --refresh-workflow/],
      [
        ['--refresh-workflow', '--refresh-cron', 'hourly'],
        /--refresh-cron "hourly": must be five cron fields/,
      ],
    ] as const) {
      const result = await ceremony.run(['init', join(base, 'x'), ...flags], {}, base);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(await readdir(base)).toEqual([]);
    }
  });
});
