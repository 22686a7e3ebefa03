import { describe, expect, it } from 'vitest';
import { CeremonyError } from '../../../src/metadata/errors.js';
import { explainGitHubError, isPullAlreadyExists } from '../../../src/publish/github-errors.js';
import { githubSettingsFromEnv } from '../../../src/publish/github-settings.js';

const ctx = {
  action: 'open the pull request',
  repo: 'acme/root',
  baseUrl: 'https://api.github.com',
};

function httpError(status: number, data: unknown, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`HttpError ${status}`), { status, response: { data, headers } });
}

describe('explainGitHubError', () => {
  it.each([
    [401, { message: 'Bad credentials' }, {}, /^GitHub rejected the token \(401 Bad credentials\)/],
    [
      403,
      { message: 'Resource not accessible by integration' },
      {},
      /^GitHub refused to open the pull request in acme\/root \(403 Resource not accessible by integration\): the token needs write access/,
    ],
    [
      403,
      { message: 'API rate limit exceeded' },
      { 'x-ratelimit-remaining': '0' },
      /^GitHub rate limit exhausted/,
    ],
    [
      404,
      { message: 'Not Found' },
      {},
      /^acme\/root was not found at https:\/\/api\.github\.com \(404\)/,
    ],
    [
      422,
      {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: 'A pull request already exists for acme:b.',
          },
        ],
      },
      {},
      /^GitHub did not accept the request to open the pull request in acme\/root \(422 A pull request already exists for acme:b\.\)$/,
    ],
    [
      500,
      { message: 'boom' },
      {},
      /^GitHub failed to open the pull request in acme\/root \(500 boom\)$/,
    ],
  ])('%i', (status, data, headers, expected) => {
    const e = explainGitHubError(httpError(status, data, headers), ctx);
    expect(e).toBeInstanceOf(CeremonyError);
    expect(e.code).toBe('PUBLISH');
    expect(e.message).toMatch(expected);
    expect(e.message).not.toContain('\n');
  });

  it('explains a network failure', () => {
    const e = explainGitHubError(Object.assign(new Error('fetch failed'), { status: 500 }), ctx);
    expect(e.message).toBe(
      'cannot reach the GitHub API at https://api.github.com to open the pull request: fetch failed',
    );
  });

  it('recognizes only the "already exists" 422', () => {
    const exists = httpError(422, {
      message: 'Validation Failed',
      errors: [{ code: 'custom', message: 'A pull request already exists for a:b.' }],
    });
    expect(isPullAlreadyExists(exists)).toBe(true);
    expect(
      isPullAlreadyExists(
        httpError(422, {
          message: 'Validation Failed',
          errors: [{ field: 'head', code: 'invalid' }],
        }),
      ),
    ).toBe(false);
    expect(isPullAlreadyExists(httpError(404, { message: 'A pull request already exists' }))).toBe(
      false,
    );
  });
});

describe('githubSettingsFromEnv', () => {
  it('prefers GITHUB_TOKEN, falls back to GH_TOKEN, and honours GITHUB_API_URL', () => {
    expect(githubSettingsFromEnv({ GITHUB_TOKEN: 'a', GH_TOKEN: 'b' })).toEqual({
      token: 'a',
      baseUrl: 'https://api.github.com',
    });
    expect(
      githubSettingsFromEnv({ GH_TOKEN: 'b', GITHUB_API_URL: 'https://ghe.corp/api/v3/' }),
    ).toEqual({ token: 'b', baseUrl: 'https://ghe.corp/api/v3' });
  });

  it('fails in one line without a token or with a bad URL', () => {
    expect(() => githubSettingsFromEnv({ GITHUB_TOKEN: ' ' })).toThrow(
      /^no GitHub token: set GITHUB_TOKEN or GH_TOKEN, or pass --no-pr/,
    );
    expect(() => githubSettingsFromEnv({ GH_TOKEN: 'x', GITHUB_API_URL: 'ftp://x' })).toThrow(
      /must be an http\(s\) URL/,
    );
  });
});
