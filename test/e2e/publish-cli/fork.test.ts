import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { bareRepo, emulatedGitHubEnv, headOf, pushFirstCommit } from '../../helpers/bare-remote.js';
import { git } from '../../helpers/git.js';
import { expectValid } from '../../helpers/json-schemas.js';
import { startGitHubEmulator, type GitHubEmulator } from '../../helpers/github-emulator/index.js';

const FULL = 'acme/trust-root';
const NOW = '2026-11-23T10:00:00Z';

let tmp: string;
let origin: string;
let carolFork: string;
let carolDir: string;
let gh: GitHubEmulator;
let ceremony: CeremonyFixture;
let branch: string;
let carolBranch: string;

/** Runs the CLI as carol, in her clone, with her token (no push rights upstream). */
function asCarol(args: readonly string[]): ReturnType<CeremonyFixture['run']> {
  return ceremony.run(args, { GITHUB_TOKEN: 'tok-carol' }, carolDir);
}

function comments(number: number, text: string): number {
  return gh.comments(FULL, number).filter((c) => c.body.includes(text)).length;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tuf-ceremony-publish-fork-'));
  origin = await bareRepo(tmp, 'origin');
  carolFork = await bareRepo(tmp, 'carol-fork');
  gh = await startGitHubEmulator({
    tokens: {
      'tok-coordinator': { login: 'acme-bot', access: 'write' },
      'tok-carol': { login: 'carol', access: 'write' },
      'tok-carol-read': { login: 'carol', access: 'read' },
    },
    repos: [
      { owner: 'acme', name: 'trust-root', writers: ['acme-bot'] },
      { owner: 'carol', name: 'trust-root' },
    ],
    // Branches exist on GitHub exactly when they exist in the bare repositories.
    resolveBranch: (owner, _repo, ref) => headOf(owner === 'carol' ? carolFork : origin, ref),
  });
  ceremony = await CeremonyFixture.create(['alice', 'carol'], 2);
  Object.assign(ceremony.env, emulatedGitHubEnv(gh, 'tok-coordinator', NOW));
  for (const holder of ['alice', 'carol', 'online']) await ceremony.addKey(holder);
  await pushFirstCommit(ceremony, origin);
  await ceremony.ok(['stage']);
});
afterAll(async () => {
  await gh.close();
  await rm(tmp, { recursive: true, force: true });
});
afterEach(() => {
  expect(gh.violations).toEqual([]);
});

describe('tuf-ceremony publish --holder NAME --fork REMOTE', () => {
  it('the coordinator opens the ceremony pull request and alice signs on its branch', async () => {
    const staged = await ceremony.ok(['publish', '--repo', FULL, '--json']);
    branch = (JSON.parse(staged.stdout) as { branch: string }).branch;
    expect((await ceremony.sign('alice')).code).toBe(0);
    await ceremony.ok(['publish', '--repo', FULL, '--holder', 'alice']);
    const [main, ...more] = gh.pulls(FULL);
    expect(more).toEqual([]);
    expect(main?.base.ref).toBe('main');
    expect(main?.body).toContain('1/2 ⏳ (alice) | carol |');
  });

  it('refuses --fork without --holder in one line', async () => {
    const result = await ceremony.run(['publish', '--fork', 'fork', '--repo', FULL]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^error: --fork needs --holder NAME/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('carol pushes her signatures to her fork and opens a pull request into the ceremony branch', async () => {
    carolDir = join(tmp, 'carol');
    await git(tmp, ['clone', '--quiet', origin, carolDir]);
    await git(carolDir, ['switch', '--quiet', branch]);
    await git(carolDir, ['remote', 'add', 'fork', carolFork]);
    expect((await ceremony.sign('carol', carolDir)).code).toBe(0);
    const nowhere = await asCarol([
      'publish',
      '--holder',
      'carol',
      '--fork',
      'fork',
      '--repo',
      FULL,
      '--remote',
      'fork',
    ]);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr.trim()).toBe(
      `error: fork has no branch ${branch} for the pull request to go into: the coordinator publishes the ceremony first (or pass --remote NAME for the upstream remote)`,
    );
    expect(await git(carolDir, ['branch', '--show-current'])).toBe(`${branch}\n`);
    const readOnly = await ceremony.run(
      ['publish', '--holder', 'carol', '--fork', 'fork', '--repo', FULL],
      { GITHUB_TOKEN: 'tok-carol-read' },
      carolDir,
    );
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr.trim()).toMatch(
      /^error: GitHub refused to open the pull request in acme\/trust-root \(403 /,
    );
    expect(readOnly.stderr.trim().split('\n')).toHaveLength(1);
    expect(gh.pulls(FULL)).toHaveLength(1);
    const result = await asCarol([
      'publish',
      '--holder',
      'carol',
      '--fork',
      'fork',
      '--repo',
      FULL,
    ]);
    expect(result.code, result.stderr).toBe(0);
    carolBranch = `${branch}--carol`;
    expect(result.stdout).toContain(`pushed ${carolBranch} to fork`);
    expect(result.stdout).toMatch(/pull request #2 opened: http/);

    expect(await headOf(carolFork, carolBranch)).toBe(
      (await git(carolDir, ['rev-parse', 'HEAD'])).trim(),
    );
    expect(await headOf(origin, carolBranch)).toBeUndefined();
    const pull = gh.pulls(FULL)[1];
    expect(`${pull?.head.owner ?? ''}:${pull?.head.ref ?? ''}`).toBe(`carol:${carolBranch}`);
    expect(pull?.base.ref).toBe(branch);
    expect(pull?.user).toBe('carol');
    expect(pull?.title).toBe('TUF ceremony: signatures of carol for root v1, targets v1');
    expect(pull?.body).toContain(`Signatures of **carol** for root v1, targets v1`);
    expect(pull?.body).toContain('2/2 ✅ (alice, carol)');
    expect(comments(2, '**carol** signed')).toBe(1);
    expect(comments(2, '**alice** signed')).toBe(0);
    // The ceremony's own pull request is untouched until the fork's pull request is merged.
    expect(comments(1, '**carol** signed')).toBe(0);
    expect(gh.pulls(FULL)[0]?.body).toContain('1/2 ⏳ (alice) | carol |');

    const log = await git(carolDir, ['log', '-1', '--format=%s%n%b', carolBranch]);
    expect(log).toMatch(/carol signs root v1, targets v1/);
    expect(log).toMatch(/Signed-off-by: Test <t@example\.org>/);
  });

  it('is idempotent for carol, and CI on her pull request sees only her signatures', async () => {
    const before = gh.exchanges.length;
    const again = await asCarol(['publish', '--holder', 'carol', '--fork', 'fork', '--repo', FULL]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/pull request #2 unchanged/);
    expect(again.stdout).toMatch(/comments posted: none/);
    expect(gh.exchanges.slice(before).filter((e) => e.method !== 'GET')).toEqual([]);
    expect(gh.pulls(FULL)).toHaveLength(2);
    const json = await asCarol([
      ...['publish', '--holder', 'carol', '--fork', 'fork', '--repo', FULL, '--json'],
    ]);
    expect(json.code, json.stderr).toBe(0);
    expect(expectValid('publish', json.stdout)).toEqual({
      branch: carolBranch,
      base: branch,
      headOwner: 'carol',
      pushed: true,
      pull: expect.objectContaining({ number: 2, created: false, updated: false }) as object,
      commentsPosted: [],
    });

    const check = await asCarol(['publish', '--check', '--base', `origin/${branch}`]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/scope: signatures of carol/);
  });

  it('after the merge, the coordinator publishes: carol shows as signed, commented once', async () => {
    // What GitHub's merge button does: a merge commit of the fork's branch into the ceremony branch.
    await git(ceremony.dir, ['remote', 'add', 'carol', carolFork]);
    await git(ceremony.dir, ['fetch', '--quiet', 'carol']);
    await git(ceremony.dir, ['merge', '--quiet', '--no-ff', '--no-edit', `carol/${carolBranch}`]);
    expect(await readdir(join(ceremony.dir, 'staged', 'signatures'))).toEqual([
      'alice.json',
      'carol.json',
    ]);
    const result = await ceremony.ok(['publish', '--repo', FULL]);
    expect(result.stdout).toMatch(/pull request #1 updated/);
    expect(await headOf(origin, branch)).toBe(
      (await git(ceremony.dir, ['rev-parse', 'HEAD'])).trim(),
    );
    const main = gh.pulls(FULL)[0];
    expect(main?.body).toContain('**Every threshold is met: ready to finalize.**');
    expect(main?.body).toContain('2/2 ✅ (alice, carol)');
    expect(comments(1, '**carol** signed')).toBe(1);
    expect(comments(1, '**alice** signed')).toBe(1);
    expect(comments(1, 'Every threshold is met')).toBe(1);

    const before = gh.comments(FULL, 1).length;
    const again = await ceremony.ok(['publish', '--repo', FULL]);
    expect(again.stdout).toMatch(/comments posted: none/);
    expect(gh.comments(FULL, 1)).toHaveLength(before);
  });

  it('the merged ceremony passes the pull-request check and finalizes', async () => {
    const check = await ceremony.ok(['publish', '--check', '--base', 'main']);
    expect(check.stdout).toMatch(/check passed/);
    const finalized = await ceremony.finalize();
    expect(finalized.code, finalized.stderr).toBe(0);
    await git(ceremony.dir, ['add', '--all']);
    await git(ceremony.dir, ['commit', '--quiet', '-m', 'finalize']);
    const passed = await ceremony.ok(['publish', '--check', '--base', 'HEAD~1']);
    expect(passed.stdout).toMatch(/scope: finalize/);
    expect(passed.stdout).toMatch(/published repository verifies: root v1/);
  });
});
