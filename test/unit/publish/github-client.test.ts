import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isCeremonyError } from '../../../src/metadata/errors.js';
import { GitHubClient } from '../../../src/publish/github.js';
import { startGitHubEmulator, type GitHubEmulator } from '../../helpers/github-emulator/index.js';

const REPO = { owner: 'acme', repo: 'trust-root' };
let gh: GitHubEmulator;

function client(token: string, extra: { paceWrites?: boolean; log?: (l: string) => void } = {}) {
  return new GitHubClient({ token, baseUrl: gh.url, waitUnitMs: 1, paceWrites: false, ...extra });
}

beforeAll(async () => {
  gh = await startGitHubEmulator({
    tokens: {
      'tok-alice': { login: 'alice', access: 'write' },
      'tok-bob': { login: 'bob', access: 'write' },
      'tok-readonly': { login: 'carol', access: 'read' },
    },
    repos: [
      { owner: 'acme', name: 'trust-root', writers: ['alice'] },
      { owner: 'bob', name: 'trust-root' },
    ],
  });
});
afterAll(() => gh.close());
afterEach(() => {
  expect(gh.violations).toEqual([]);
});

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(isCeremonyError(err, 'PUBLISH')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected a failure');
}

describe('GitHubClient against the emulated API', () => {
  it('reads the user and the repository permissions', async () => {
    expect(await client('tok-alice').authenticatedUser()).toBe('alice');
    expect(await client('tok-alice').repository(REPO)).toEqual({
      fullName: 'acme/trust-root',
      defaultBranch: 'main',
      canPush: true,
    });
    expect((await client('tok-bob').repository(REPO)).canPush).toBe(false);
  });

  it('opens a pull request, finds it, and turns a duplicate (422) into an update', async () => {
    const c = client('tok-alice');
    const pr = { head: 'ceremony/x', base: 'main', title: 'T1', body: 'B1' };
    const first = await c.createPull(REPO, pr);
    expect(first.created).toBe(true);
    expect(first.pull).toMatchObject({ number: 1, head: 'acme:ceremony/x', base: 'main' });
    expect(await c.findOpenPull(REPO, 'acme:ceremony/x', 'main')).toMatchObject({ number: 1 });
    expect(await c.findOpenPull(REPO, 'acme:other', 'main')).toBeUndefined();
    const again = await c.createPull(REPO, { ...pr, title: 'T2', body: 'B2' });
    expect(again).toMatchObject({ created: false, pull: { number: 1, title: 'T2', body: 'B2' } });
    expect(gh.exchanges.some((e) => e.operation === 'pulls/create' && e.status === 422)).toBe(true);
    expect(gh.pulls('acme/trust-root')).toHaveLength(1);
    expect((await c.getPull(REPO, 1)).body).toBe('B2');
  });

  it('opens a pull request from a fork (head owner:branch)', async () => {
    const c = client('tok-bob');
    const { pull } = await c.createPull(REPO, {
      head: 'bob:ceremony/x--bob',
      base: 'ceremony/x',
      title: 'bob signs',
      body: 'b',
    });
    expect(pull.head).toBe('bob:ceremony/x--bob');
    expect(pull.base).toBe('ceremony/x');
  });

  it('posts comments once per marker, across pages', async () => {
    const c = client('tok-alice');
    for (let i = 0; i < 3; i++) await c.postComment(REPO, 1, `filler ${i}`);
    expect(await c.postCommentOnce(REPO, 1, '<!-- m1 -->', '<!-- m1 -->\nhello')).toBe(true);
    expect(await c.postCommentOnce(REPO, 1, '<!-- m1 -->', '<!-- m1 -->\nhello')).toBe(false);
    const stored = gh.comments('acme/trust-root', 1);
    for (let i = 0; i < 150; i++) {
      const at = '2026-11-23T10:00:00Z';
      stored.push({
        id: 5000 + i,
        issueNumber: 1,
        body: `old ${i}`,
        user: 'bob',
        createdAt: at,
        updatedAt: at,
      });
    }
    const at = '2026-11-23T10:00:00Z';
    stored.push({
      id: 9999,
      issueNumber: 1,
      body: 'late <!-- m2 -->',
      user: 'bob',
      createdAt: at,
      updatedAt: at,
    });
    const all = await c.listComments(REPO, 1);
    expect(all).toHaveLength(155);
    expect(all.slice(0, 4).map((x) => x.body)).toEqual([
      'filler 0',
      'filler 1',
      'filler 2',
      '<!-- m1 -->\nhello',
    ]);
    expect(all[0]?.author).toBe('alice');
    expect(await c.postCommentOnce(REPO, 1, '<!-- m2 -->', 'again')).toBe(false);
    const pages = gh.exchanges.filter((e) => e.operation === 'issues/list-comments');
    expect(pages.at(-1)?.path).toMatch(/page=2/);
  });

  it('explains 401, 403, 404 and 422 in one line each', async () => {
    const bad = await failure(client('tok-wrong').authenticatedUser());
    expect(bad).toMatch(
      /^GitHub rejected the token \(401 Bad credentials\): set GITHUB_TOKEN or GH_TOKEN/,
    );
    const ro = client('tok-readonly');
    const forbidden = await failure(
      ro.createPull(REPO, { head: 'ceremony/y', base: 'main', title: 't', body: 'b' }),
    );
    expect(forbidden).toMatch(
      /^GitHub refused to open the pull request in acme\/trust-root \(403 Resource not accessible/,
    );
    const missing = await failure(client('tok-alice').repository({ owner: 'acme', repo: 'nope' }));
    expect(missing).toMatch(/^acme\/nope was not found at http:\/\/127\.0\.0\.1:\d+ \(404\)/);
    const invalid = await failure(
      client('tok-alice').createPull(REPO, {
        head: 'mallory:ceremony/x',
        base: 'main',
        title: 't',
        body: 'b',
      }),
    );
    expect(invalid).toMatch(/\(422 head invalid\)$/);
    for (const m of [bad, forbidden, missing, invalid]) {
      expect(m).not.toContain('\n');
      expect(m).not.toContain('tok-');
    }
  });

  it('records requests that depart from the description (so the afterEach check can fail)', async () => {
    const res = await fetch(`${gh.url}/repos/acme/trust-root/pulls?state=opened`, {
      headers: { authorization: 'token tok-alice' },
    });
    expect(res.status).toBe(200);
    const post = await fetch(`${gh.url}/repos/acme/trust-root/issues/1/comments`, {
      method: 'POST',
      headers: { authorization: 'token tok-alice', 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'wrong field' }),
    });
    expect(post.status).toBe(422);
    const found = gh.violations.splice(0);
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/pulls\/list query parameter state: \$: "opened" is not one of/);
    expect(found.slice(1).join('\n')).toMatch(/missing required property "body"/);
    expect(found.slice(1).join('\n')).toMatch(/property "text" is not defined by the schema/);
  });

  it('works under a GitHub Enterprise Server API prefix (GITHUB_API_URL=https://host/api/v3)', async () => {
    const ghes = await startGitHubEmulator({
      tokens: { t: { login: 'alice', access: 'write' } },
      repos: [{ owner: 'acme', name: 'trust-root' }],
      pathPrefix: '/api/v3',
    });
    try {
      expect(ghes.url).toMatch(/\/api\/v3$/);
      const c = new GitHubClient({
        token: 't',
        baseUrl: ghes.url,
        waitUnitMs: 1,
        paceWrites: false,
      });
      expect(await c.authenticatedUser()).toBe('alice');
      const { pull } = await c.createPull(REPO, { head: 'b', base: 'main', title: 't', body: 'x' });
      expect(pull.number).toBe(1);
      expect(ghes.exchanges.map((e) => e.path.split('?')[0])).toEqual([
        '/api/v3/user',
        '/api/v3/repos/acme/trust-root/pulls',
      ]);
      expect(ghes.violations).toEqual([]);
    } finally {
      await ghes.close();
    }
  });

  it('retries a 503 and waits out a primary rate limit', async () => {
    const notes: string[] = [];
    gh.inject({ operation: 'pulls/get', status: 503, body: { message: 'unavailable' } });
    expect((await client('tok-alice').getPull(REPO, 1)).number).toBe(1);
    const reset = String(Math.floor(Date.now() / 1000));
    gh.inject({
      operation: 'repos/get',
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      body: {
        message: 'API rate limit exceeded for user ID 1.',
        documentation_url: 'https://docs.github.com/rest',
      },
    });
    const paced = client('tok-alice', { paceWrites: true, log: (l) => notes.push(l) });
    expect((await paced.repository(REPO)).canPush).toBe(true);
    expect(notes.join('\n')).toMatch(/rate limit on GET/);
    const statuses = gh.exchanges.filter((e) => e.operation === 'repos/get').map((e) => e.status);
    expect(statuses.slice(-2)).toEqual([403, 200]);
  });

  it('explains an exhausted rate limit once retries are spent', async () => {
    const body = {
      message: 'API rate limit exceeded for user ID 1.',
      documentation_url: 'https://docs.github.com/rest',
    };
    gh.inject({
      operation: 'repos/get',
      status: 403,
      headers: { 'x-ratelimit-remaining': '0' },
      body,
      times: 1,
    });
    const msg = await failure(client('tok-alice').repository(REPO));
    expect(msg).toMatch(/^GitHub rate limit exhausted while trying to read the repository/);
  });
});
