import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isCeremonyError } from '../../../src/metadata/errors.js';
import {
  ceremonyBranch,
  commitCeremonyStep,
  holderBranch,
} from '../../../src/publish/ceremony-git.js';
import { Git } from '../../../src/publish/git.js';
import { GitHubClient } from '../../../src/publish/github.js';
import { parseRemoteUrl } from '../../../src/publish/github-remote.js';
import { publishCeremony } from '../../../src/publish/publish.js';
import { classifyPullScope } from '../../../src/publish/pr-scope.js';
import { startGitHubEmulator, type GitHubEmulator } from '../../helpers/github-emulator/index.js';
import { CEREMONY_ID, signAs, stageRootDraft, statusOf } from './ceremony-repo.js';

const REPO = { owner: 'acme', repo: 'trust-root' };
const BRANCH = ceremonyBranch(CEREMONY_ID);
const ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

let tmp: string;
let gh: GitHubEmulator;
const bare: Record<string, string> = {};

function git(dir: string, name?: string): Git {
  const config: Record<string, string> = {
    'commit.gpgsign': 'false',
    'init.defaultBranch': 'main',
  };
  if (name !== undefined) {
    config['user.name'] = `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
    config['user.email'] = `${name}@example.org`;
  }
  return new Git(dir, { env: ENV, config });
}

async function clone(url: string, name: string): Promise<Git> {
  await git(tmp).run(['clone', '--quiet', url, join(tmp, name)]);
  return git(join(tmp, name), name);
}

function client(token: string): GitHubClient {
  return new GitHubClient({ token, baseUrl: gh.url, waitUnitMs: 1, paceWrites: false });
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tuf-ceremony-publish-'));
  for (const name of ['origin', 'carol-fork']) {
    bare[name] = join(tmp, `${name}.git`);
    await git(tmp).run(['init', '--quiet', '--bare', '--initial-branch=main', bare[name]]);
  }
  gh = await startGitHubEmulator({
    tokens: {
      'tok-coordinator': { login: 'acme-bot', access: 'write' },
      'tok-alice': { login: 'alice', access: 'write' },
      'tok-bob': { login: 'bob', access: 'write' },
      'tok-carol': { login: 'carol', access: 'write' },
    },
    repos: [
      { owner: 'acme', name: 'trust-root', writers: ['acme-bot', 'alice', 'bob'] },
      { owner: 'carol', name: 'trust-root' },
    ],
    // Branches exist on GitHub exactly when they exist in the bare repositories.
    resolveBranch: async (owner, _repo, ref) => {
      const dir = owner === 'carol' ? bare['carol-fork'] : bare.origin;
      const found = await git(dir ?? tmp).exec([
        'rev-parse',
        '--verify',
        '--quiet',
        `refs/heads/${ref}`,
      ]);
      return found.code === 0 ? found.stdout.trim() : undefined;
    },
  });
});
afterAll(async () => {
  await gh.close();
  await rm(tmp, { recursive: true, force: true });
});
afterEach(() => {
  expect(gh.violations).toEqual([]);
});

describe('a ceremony published through git and a pull request', () => {
  let coord: Git;
  let alice: Git;
  let bob: Git;

  it('stages on a ceremony branch and opens the pull request', async () => {
    coord = await clone(bare.origin ?? '', 'coordinator');
    await writeFile(join(coord.cwd, 'ceremony.yaml'), 'version: 1\n');
    await coord.run(['switch', '--quiet', '--create', 'main']);
    await commitCeremonyStep(coord, { kind: 'stage', ceremonyId: 'init', roles: [] }, [
      'ceremony.yaml',
    ]);
    await coord.push('origin', 'main');
    await coord.createBranch(BRANCH);
    await stageRootDraft(coord.cwd);
    const status = await statusOf(coord.cwd);
    await commitCeremonyStep(
      coord,
      { kind: 'stage', ceremonyId: CEREMONY_ID, roles: status.roles },
      ['staged'],
    );
    expect(await coord.isClean()).toBe(true);

    const result = await publishCeremony({
      git: coord,
      github: client('tok-coordinator'),
      remote: 'origin',
      branch: BRANCH,
      base: 'main',
      repo: REPO,
      push: true,
      pr: true,
      status,
    });
    expect(result).toMatchObject({
      pushed: true,
      pull: { number: 1, created: true },
      commentsPosted: [],
    });
    const pr = gh.pulls('acme/trust-root')[0];
    expect(pr?.title).toBe('TUF ceremony: root v2');
    expect(pr?.body).toContain(
      '| `root` | 2 | 2027-11-23T00:00:00Z | 0/2 ⏳ (—) | alice, bob, carol | — |',
    );
    expect(pr?.body).toContain(status.roles[0]?.sha256);
    expect(pr?.head.sha).toBe(await coord.revParse('HEAD'));
  });

  it('lets two holders sign in parallel clones; the second push merges without conflicts', async () => {
    alice = await clone(bare.origin ?? '', 'alice');
    bob = await clone(bare.origin ?? '', 'bob');
    for (const [holder, g] of [
      ['alice', alice],
      ['bob', bob],
    ] as const) {
      await g.switchBranch(BRANCH);
      const paths = await signAs(g.cwd, holder);
      const roles = (await statusOf(g.cwd)).roles;
      await commitCeremonyStep(g, { kind: 'sign', ceremonyId: CEREMONY_ID, holder, roles }, paths);
    }
    const landed = await publishCeremony({
      git: alice,
      github: client('tok-alice'),
      remote: 'origin',
      branch: BRANCH,
      base: 'main',
      repo: REPO,
      push: true,
      pr: true,
      status: await statusOf(alice.cwd),
      holderJustSigned: 'alice',
    });
    expect(landed.pull).toMatchObject({ number: 1, created: false, updated: true });
    expect(landed.commentsPosted).toHaveLength(1);
    expect(gh.pulls('acme/trust-root')[0]?.body).toContain('1/2 ⏳ (alice) | bob, carol |');

    // Bob's branch is behind: the push is refused in one line, then a fetch and merge fixes it.
    const refused = await bob.push('origin', BRANCH).then(
      () => 'pushed',
      (err: unknown) => (isCeremonyError(err, 'PUBLISH') ? err.message : String(err)),
    );
    expect(refused).toMatch(/^git push .* failed: failed to push some refs to '.*origin\.git'/);
    expect(refused).not.toContain('\n');
    await bob.fetch('origin');
    await bob.merge(`origin/${BRANCH}`);
    expect(await readdir(join(bob.cwd, 'staged', 'signatures'))).toEqual([
      'alice.json',
      'bob.json',
    ]);
    expect(await readdir(join(bob.cwd, 'ceremony-logs', CEREMONY_ID))).toEqual([
      'alice.jsonl',
      'bob.jsonl',
    ]);

    const status = await statusOf(bob.cwd);
    expect(status.ready).toBe(true);
    expect(status.roles[0]?.validSigners.sort()).toEqual(['alice', 'bob']);
    const done = await publishCeremony({
      git: bob,
      github: client('tok-bob'),
      remote: 'origin',
      branch: BRANCH,
      base: 'main',
      repo: REPO,
      push: true,
      pr: true,
      status,
      holderJustSigned: 'bob',
    });
    expect(done.commentsPosted).toHaveLength(2);
    const pr = gh.pulls('acme/trust-root')[0];
    expect(pr?.body).toContain('**Every threshold is met: ready to finalize.**');
    expect(pr?.head.sha).toBe(await bob.revParse('HEAD'));
    const comments = gh
      .comments('acme/trust-root', 1)
      .map((c) => `${c.user}: ${c.body.split('\n')[1] ?? ''}`);
    expect(comments).toEqual([
      'alice: ✍️ **alice** signed root v2.',
      'bob: ✍️ **bob** signed root v2.',
      'bob: ✅ Every threshold is met for root v2.',
    ]);
  });

  it('is idempotent: publishing again changes nothing on GitHub', async () => {
    const before = gh.exchanges.length;
    const again = await publishCeremony({
      git: bob,
      github: client('tok-bob'),
      remote: 'origin',
      branch: BRANCH,
      base: 'main',
      repo: REPO,
      push: true,
      pr: true,
      status: await statusOf(bob.cwd),
      holderJustSigned: 'bob',
    });
    expect(again).toMatchObject({ pull: { created: false, updated: false }, commentsPosted: [] });
    const writes = gh.exchanges.slice(before).filter((e) => !e.method.startsWith('GET'));
    expect(writes).toEqual([]);
    expect(gh.comments('acme/trust-root', 1)).toHaveLength(3);
  });

  it('records sign-offs and clear messages in the history', async () => {
    await coord.fetch('origin');
    const log = await coord.run([
      'log',
      '--format=%an|%s|%(trailers:key=Signed-off-by,valueonly,separator=;)',
      `origin/${BRANCH}`,
    ]);
    const lines = log.trim().split('\n');
    expect(lines).toContain(
      'Bob|ceremony 2026-11-23-root-v2: bob signs root v2|Bob <bob@example.org>',
    );
    expect(lines).toContain(
      'Alice|ceremony 2026-11-23-root-v2: alice signs root v2|Alice <alice@example.org>',
    );
    expect(lines).toContain(
      'Coordinator|ceremony 2026-11-23-root-v2: stage root v2|Coordinator <coordinator@example.org>',
    );
    const merge = await coord.run(['log', '-1', '--format=%P', `origin/${BRANCH}`]);
    expect(merge.trim().split(' ')).toHaveLength(2);
  });

  it('lets a holder without push rights sign through a fork and a pull request into the ceremony branch', async () => {
    const carol = await clone(bare.origin ?? '', 'carol');
    await carol.run(['remote', 'add', 'fork', bare['carol-fork'] ?? '']);
    await carol.switchBranch(BRANCH);
    const mine = holderBranch(CEREMONY_ID, 'carol');
    await carol.createBranch(mine);
    const paths = await signAs(carol.cwd, 'carol');
    const status = await statusOf(carol.cwd);
    await commitCeremonyStep(
      carol,
      { kind: 'sign', ceremonyId: CEREMONY_ID, holder: 'carol', roles: status.roles },
      paths,
    );
    expect(classifyPullScope(await carol.changedPaths(`origin/${BRANCH}`, 'HEAD'))).toEqual({
      kind: 'signature',
      holder: 'carol',
    });
    const github = client('tok-carol');
    expect((await github.repository(REPO)).canPush).toBe(false);
    const result = await publishCeremony({
      git: carol,
      github,
      remote: 'fork',
      branch: mine,
      base: BRANCH,
      repo: REPO,
      headOwner: 'carol',
      push: true,
      pr: true,
      status,
      holderJustSigned: 'carol',
    });
    expect(result.pull).toMatchObject({
      number: 2,
      created: true,
      head: `carol:${mine}`,
      base: BRANCH,
    });
    expect(status.roles[0]?.validSigners.sort()).toEqual(['alice', 'bob', 'carol']);
    expect(gh.comments('acme/trust-root', 2)).toHaveLength(2);

    // What GitHub's merge button does: the fork's branch merges into the ceremony branch cleanly.
    await coord.run(['remote', 'add', 'carol', bare['carol-fork'] ?? '']);
    await coord.fetch('carol');
    await coord.switchBranch(BRANCH);
    await coord.merge(`origin/${BRANCH}`, { ffOnly: true });
    await coord.merge(`carol/${mine}`);
    const merged = await statusOf(coord.cwd);
    expect(merged.roles[0]?.validSigners.sort()).toEqual(['alice', 'bob', 'carol']);
    expect(merged.ready).toBe(true);

    // Publishing the merged ceremony branch says on its pull request that carol's signatures landed.
    const landed = await publishCeremony({
      git: coord,
      github: client('tok-coordinator'),
      remote: 'origin',
      branch: BRANCH,
      base: 'main',
      repo: REPO,
      push: true,
      pr: true,
      status: merged,
    });
    expect(landed.commentsPosted).toEqual([
      expect.stringMatching(/^<!-- tuf-ceremony:signed:carol:[0-9a-f]{16} -->$/),
    ]);
    expect(gh.pulls('acme/trust-root')[0]?.body).toContain('3/2 ✅ (alice, bob, carol)');
  });

  it('--no-push touches neither the remote nor GitHub; --no-pr pushes to any git remote only', async () => {
    const plain = join(tmp, 'plain.git');
    await git(tmp).run(['init', '--quiet', '--bare', plain]);
    await coord.run(['remote', 'add', 'plain', plain]);
    const before = gh.exchanges.length;
    const status = await statusOf(coord.cwd);
    const dry = await publishCeremony({
      git: coord,
      remote: 'plain',
      branch: BRANCH,
      base: 'main',
      push: false,
      pr: true,
      status,
    });
    expect(dry).toEqual({ pushed: false, commentsPosted: [] });
    expect(
      (await git(plain).exec(['rev-parse', '--verify', '--quiet', `refs/heads/${BRANCH}`])).code,
    ).not.toBe(0);
    const pushed = await publishCeremony({
      git: coord,
      remote: 'plain',
      branch: BRANCH,
      base: 'main',
      push: true,
      pr: false,
      status,
    });
    expect(pushed).toEqual({ pushed: true, commentsPosted: [] });
    expect(await git(plain).revParse(BRANCH)).toBe(await coord.revParse('HEAD'));
    expect(gh.exchanges.length).toBe(before);
    expect(parseRemoteUrl(await coord.remoteUrl('plain'))).toBeUndefined();
  });

  it('checks the token and the repository before pushing', async () => {
    const target = join(tmp, 'untouched.git');
    await git(tmp).run(['init', '--quiet', '--bare', target]);
    await coord.run(['remote', 'add', 'untouched', target]);
    const status = await statusOf(coord.cwd);
    const base = {
      git: coord,
      remote: 'untouched',
      branch: BRANCH,
      base: 'main',
      push: true,
      pr: true,
      status,
    };
    const notFound = await publishCeremony({
      ...base,
      github: client('tok-alice'),
      repo: { owner: 'acme', repo: 'gone' },
    }).catch((e: unknown) => (e as Error).message);
    expect(notFound).toMatch(/^acme\/gone was not found at http:\/\/127\.0\.0\.1:\d+ \(404\)/);
    const badToken = await publishCeremony({
      ...base,
      github: client('tok-expired'),
      repo: REPO,
    }).catch((e: unknown) => (e as Error).message);
    expect(badToken).toMatch(/^GitHub rejected the token \(401 Bad credentials\)/);
    const noRepo = await publishCeremony({ ...base, github: client('tok-alice') }).catch(
      (e: unknown) => (e as Error).message,
    );
    expect(noRepo).toMatch(/needs a GitHub token and a repository \(--repo\), or pass --no-pr$/);
    expect(await git(target).run(['for-each-ref'])).toBe('');
  });

  it('refuses a conflicting merge in one line and leaves the tree as it was', async () => {
    const dave = await clone(bare.origin ?? '', 'dave');
    await dave.switchBranch(BRANCH);
    await coord.createBranch('conflict-a');
    await writeFile(join(coord.cwd, 'staged', 'root.json'), '{"edited": "a"}\n');
    await coord.add(['staged/root.json']);
    await coord.commit('edit a');
    await coord.push('origin', 'conflict-a');
    await dave.createBranch('conflict-b');
    await writeFile(join(dave.cwd, 'staged', 'root.json'), '{"edited": "b"}\n');
    await dave.add(['staged/root.json']);
    const head = await dave.commit('edit b');
    await dave.fetch('origin');
    const refused = await dave
      .merge('origin/conflict-a')
      .catch((e: unknown) => (e as Error).message);
    expect(refused).toMatch(/^git merge origin\/conflict-a failed: .*conflict/i);
    expect(refused).not.toContain('\n');
    expect(await dave.isClean()).toBe(true);
    expect(await dave.revParse('HEAD')).toBe(head);
    await coord.switchBranch(BRANCH);
  });

  it('reports git failures in one line', async () => {
    const missing = await coord.remoteUrl('nope').catch((e: unknown) => (e as Error).message);
    expect(missing).toMatch(/no git remote named "nope"; add it \(git remote add nope URL\)/);
    const nothing = await coord.commit('empty').catch((e: unknown) => (e as Error).message);
    expect(nothing).toMatch(/nothing staged to commit$/);
    const bad = await coord.createBranch('bad..name').catch((e: unknown) => (e as Error).message);
    expect(bad).toBe('"bad..name" is not a valid git branch name');
    const push = await coord
      .push('no-such-remote', BRANCH)
      .catch((e: unknown) => (e as Error).message);
    expect(push).toMatch(/^git push .* failed: .*no-such-remote/);
  });
});
