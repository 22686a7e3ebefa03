import { CeremonyError } from '../metadata/errors.js';

/** What was being attempted, for the one-line explanation. */
export interface GitHubErrorContext {
  /** e.g. "open the pull request". */
  action: string;
  /** `owner/name`, when known. */
  repo?: string;
  /** API base URL in use. */
  baseUrl: string;
}

interface ErrorShape {
  status?: unknown;
  message?: unknown;
  response?: { data?: unknown; headers?: Record<string, unknown> };
}

function githubMessage(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as { message?: unknown; errors?: unknown };
  const details = Array.isArray(d.errors)
    ? d.errors
        .map((e: unknown) => {
          if (typeof e !== 'object' || e === null) return undefined;
          const x = e as { message?: unknown; field?: unknown; code?: unknown };
          if (typeof x.message === 'string') return x.message;
          if (typeof x.field === 'string' && typeof x.code === 'string') {
            return `${x.field} ${x.code}`;
          }
          return undefined;
        })
        .filter((m): m is string => m !== undefined)
    : [];
  if (details.length > 0) return details.join('; ');
  return typeof d.message === 'string' ? d.message : undefined;
}

/** True for GitHub's 422 answer to creating a pull request that already exists. */
export function isPullAlreadyExists(err: unknown): boolean {
  const e = err as ErrorShape | null;
  if (e?.status !== 422) return false;
  return /pull request already exists/i.test(githubMessage(e.response?.data) ?? '');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/**
 * Turns an octokit failure into one line saying what went wrong and what to do: 401 (token),
 * 403 (rights or rate limit), 404 (repository), 422 (GitHub refused the change), network.
 * Never includes the token (octokit does not put it in messages; URLs are shown without it).
 */
export function explainGitHubError(err: unknown, ctx: GitHubErrorContext): CeremonyError {
  if (err instanceof CeremonyError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorShape;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const said = githubMessage(e.response?.data) ?? (typeof e.message === 'string' ? e.message : '');
  const repo = ctx.repo ?? 'the repository';
  const cause = { cause: err };
  const fail = (text: string) => new CeremonyError('PUBLISH', oneLine(text), cause);
  if (status === undefined || e.response === undefined) {
    return fail(
      `cannot reach the GitHub API at ${ctx.baseUrl} to ${ctx.action}: ${said || 'no response'}`,
    );
  }
  switch (status) {
    case 401:
      return fail(
        `GitHub rejected the token (401 ${said || 'Bad credentials'}): set GITHUB_TOKEN or GH_TOKEN to a valid token for ${ctx.baseUrl}`,
      );
    case 403: {
      const remaining = e.response.headers?.['x-ratelimit-remaining'];
      if (remaining === '0' || /rate limit/i.test(said)) {
        return fail(
          `GitHub rate limit exhausted while trying to ${ctx.action} (403 ${said}); try again later`,
        );
      }
      return fail(
        `GitHub refused to ${ctx.action} in ${repo} (403 ${said}): the token needs write access to pull requests and contents, or push to a fork`,
      );
    }
    case 404:
      return fail(
        `${repo} was not found at ${ctx.baseUrl} (404): check --repo or the remote URL, and that the token can see the repository`,
      );
    case 422:
      return fail(`GitHub did not accept the request to ${ctx.action} in ${repo} (422 ${said})`);
    default:
      return fail(`GitHub failed to ${ctx.action} in ${repo} (${status} ${said})`);
  }
}
