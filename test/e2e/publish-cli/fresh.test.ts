import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { bareRepo as makeBareRepo, emulatedGitHubEnv, headOf } from '../../helpers/bare-remote.js';
import { git } from '../../helpers/git.js';
import { startGitHubEmulator, type GitHubEmulator } from '../../helpers/github-emulator/index.js';

const FULL = 'acme/fresh-root';

let tmp: string;
let origin: string;
let gh: GitHubEmulator;
let ceremony: CeremonyFixture;

async function refs(bare: string): Promise<string[]> {
  const out = await git(bare, ['for-each-ref', '--format=%(refname:short)', 'refs/heads']);
  return out.split('\n').filter((l) => l.length > 0);
}

function bareRepo(name: string): Promise<string> {
  return makeBareRepo(tmp, name);
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tuf-ceremony-publish-fresh-'));
  origin = await bareRepo('origin');
  gh = await startGitHubEmulator({
    tokens: { 'tok-coordinator': { login: 'acme-bot', access: 'write' } },
    repos: [{ owner: 'acme', name: 'fresh-root', writers: ['acme-bot'] }],
    resolveBranch: (_owner, _repo, ref) => headOf(origin, ref),
  });
  // `init` makes the git repository: no commit at all when publish first runs.
  ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
  Object.assign(ceremony.env, emulatedGitHubEnv(gh, 'tok-coordinator', '2026-11-23T10:00:00Z'));
  for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
  await ceremony.ok(['stage']);
});
afterAll(async () => {
  await gh.close();
  await rm(tmp, { recursive: true, force: true });
});
afterEach(() => {
  expect(gh.violations).toEqual([]);
});

describe('tuf-ceremony publish in a repository with no commit yet', () => {
  it('refuses in one line, committing nothing, when the remote already has the base branch', async () => {
    const taken = await bareRepo('taken');
    const other = join(tmp, 'other');
    await git(tmp, ['init', '--quiet', other]);
    await writeFile(join(other, 'README.md'), 'elsewhere\n');
    await git(other, ['add', 'README.md']);
    await git(other, ['commit', '--quiet', '-m', 'elsewhere']);
    await git(other, ['push', '--quiet', taken, 'HEAD:refs/heads/main']);
    await git(ceremony.dir, ['remote', 'add', 'taken', taken]);
    const result = await ceremony.run(['publish', '--remote', 'taken', '--repo', FULL]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^error: this repository has no commit yet but taken already has main: fetch it .*git fetch taken main/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(await git(ceremony.dir, ['for-each-ref', 'refs/heads'])).toBe('');
    expect(gh.pulls(FULL)).toEqual([]);
  });

  it('checks the token and the repository before committing anything (401 and 404 in one line)', async () => {
    await git(ceremony.dir, ['remote', 'add', 'origin', origin]);
    const badToken = await ceremony.run(['publish', '--repo', FULL], { GITHUB_TOKEN: 'expired' });
    expect(badToken.code).toBe(1);
    expect(badToken.stderr.trim()).toMatch(
      /^error: GitHub rejected the token \(401 Bad credentials\)/,
    );
    expect(badToken.stderr.trim().split('\n')).toHaveLength(1);
    const missing = await ceremony.run(['publish', '--repo', 'acme/gone']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^error: acme\/gone was not found at http:\S+ \(404\)/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(await git(ceremony.dir, ['for-each-ref', 'refs/heads'])).toBe('');
    expect(await refs(origin)).toEqual([]);
  });

  it('makes the first commit on the base branch, pushes it, then opens the ceremony pull request', async () => {
    const result = await ceremony.ok(['publish', '--repo', FULL, '--json']);
    const out = JSON.parse(result.stdout) as {
      branch: string;
      base: string;
      firstCommit: string;
      pushed: boolean;
    };
    expect(out.base).toBe('main');
    expect(out.pushed).toBe(true);
    expect(await headOf(origin, 'main')).toBe(out.firstCommit);
    const onMain = (await git(origin, ['ls-tree', '-r', '--name-only', 'main'])).split('\n');
    expect(onMain).toContain('ceremony.yaml');
    expect(onMain.filter((p) => p.startsWith('keys/'))).toHaveLength(3);
    expect(onMain.filter((p) => p.startsWith('staged/'))).toEqual([]);
    expect(onMain.filter((p) => p.endsWith('/coordinator.jsonl'))).toEqual([]);
    const parent = await git(origin, ['rev-parse', `${out.branch}^`]);
    expect(parent.trim()).toBe(out.firstCommit);
    const changed = (await git(origin, ['diff', '--name-only', 'main', out.branch]))
      .split('\n')
      .filter((p) => p.length > 0);
    expect(changed.every((p) => p.startsWith('staged/') || p.endsWith('/coordinator.jsonl'))).toBe(
      true,
    );
    const [pull, ...more] = gh.pulls(FULL);
    expect(more).toEqual([]);
    expect(pull?.base.ref).toBe('main');
    expect(pull?.head.ref).toBe(out.branch);
    expect(await git(ceremony.dir, ['status', '--porcelain'])).toBe('');
  });

  it('gives the pull-request check a base it accepts', async () => {
    const check = await ceremony.ok(['publish', '--check', '--base', 'main']);
    expect(check.stdout).toMatch(/scope: stage/);
    expect(check.stdout).toMatch(/check passed/);
  });

  it('refuses in one line, pushing nothing, when the remote lacks the base branch', async () => {
    const empty = await bareRepo('empty');
    await git(ceremony.dir, ['remote', 'add', 'empty', empty]);
    const result = await ceremony.run(['publish', '--remote', 'empty', '--repo', FULL]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'error: empty has no branch main for the pull request to go into: push it first (git push empty main), or pass --base BRANCH',
    );
    expect(await refs(empty)).toEqual([]);
  });
});
