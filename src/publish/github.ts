import { Octokit } from 'octokit';
import { CeremonyError } from '../metadata/errors.js';
import { explainGitHubError, isPullAlreadyExists } from './github-errors.js';
import { repoFullName, type RepoName } from './github-remote.js';
import type { GitHubSettings } from './github-settings.js';

/** A pull request as publishing needs it. */
export interface PullInfo {
  number: number;
  url: string;
  title: string;
  body: string;
  /** `owner:branch` of the head. */
  head: string;
  base: string;
}

/** An issue comment as publishing needs it. */
export interface CommentInfo {
  id: number;
  body: string;
  author: string | undefined;
}

/** What GitHub says the token may do in a repository. */
export interface RepoAccess {
  fullName: string;
  defaultBranch: string;
  canPush: boolean;
}

/** Options of the client beyond where and as whom. */
export interface GitHubClientOptions extends GitHubSettings {
  /** Seconds in octokit's retry and rate-limit waits are multiplied by this (default 1000 ms). */
  waitUnitMs?: number;
  /**
   * Space writes as GitHub asks integrators to (octokit's throttling queues; default true).
   * Rate-limit answers are retried either way only when this is true.
   */
  paceWrites?: boolean;
  /** Where retry and rate-limit notices go (default: nowhere). */
  log?: (line: string) => void;
}

/** The fields of a pull request octokit returns that publishing reads. */
interface RawPull {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
  head: { label: string };
  base: { ref: string };
}

function toPull(p: RawPull): PullInfo {
  return {
    number: p.number,
    url: p.html_url,
    title: p.title,
    body: p.body ?? '',
    head: p.head.label,
    base: p.base.ref,
  };
}

/** GitHub REST client for ceremony pull requests (octokit, with retries and rate limits). */
export class GitHubClient {
  private readonly octokit: Octokit;
  readonly baseUrl: string;

  constructor(options: GitHubClientOptions) {
    this.baseUrl = options.baseUrl;
    const unit = options.waitUnitMs ?? 1000;
    const log = options.log ?? (() => undefined);
    const onLimit =
      (kind: string) =>
      (after: number, opts: { method: string; url: string }, _o: unknown, count: number) => {
        log(`GitHub ${kind} on ${opts.method} ${opts.url}; retrying in ${after}s`);
        return count < 2 && after <= 120;
      };
    this.octokit = new Octokit({
      auth: options.token,
      baseUrl: options.baseUrl,
      userAgent: 'tuf-ceremony',
      retry: { retryAfterBaseValue: unit, retries: 3 },
      throttle:
        options.paceWrites === false
          ? { enabled: false }
          : {
              retryAfterBaseValue: unit,
              onRateLimit: onLimit('rate limit'),
              onSecondaryRateLimit: onLimit('secondary rate limit'),
            },
      log: { debug: () => undefined, info: () => undefined, warn: log, error: log },
    });
  }

  private async call<T>(
    action: string,
    repo: RepoName | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const ctx = { action, baseUrl: this.baseUrl, ...(repo ? { repo: repoFullName(repo) } : {}) };
      throw explainGitHubError(err, ctx);
    }
  }

  /** The login of the token's user (GET /user); checks the token before anything else. */
  async authenticatedUser(): Promise<string> {
    const res = await this.call('check the token', undefined, () =>
      this.octokit.rest.users.getAuthenticated(),
    );
    return res.data.login;
  }

  /** The repository and whether the token's user may push to it (GET /repos/{owner}/{repo}). */
  async repository(repo: RepoName): Promise<RepoAccess> {
    const res = await this.call('read the repository', repo, () =>
      this.octokit.rest.repos.get({ owner: repo.owner, repo: repo.repo }),
    );
    return {
      fullName: res.data.full_name,
      defaultBranch: res.data.default_branch,
      canPush: res.data.permissions?.push === true,
    };
  }

  /** The open pull request from `head` (`owner:branch`) into `base`, if there is one. */
  async findOpenPull(repo: RepoName, head: string, base: string): Promise<PullInfo | undefined> {
    const res = await this.call('look for the pull request', repo, () =>
      this.octokit.rest.pulls.list({
        owner: repo.owner,
        repo: repo.repo,
        state: 'open',
        head,
        base,
      }),
    );
    const found = res.data.find((p) => p.head.label === head && p.base.ref === base);
    return found === undefined ? undefined : toPull(found);
  }

  /** Reads one pull request. */
  async getPull(repo: RepoName, number: number): Promise<PullInfo> {
    const res = await this.call(`read pull request #${number}`, repo, () =>
      this.octokit.rest.pulls.get({ owner: repo.owner, repo: repo.repo, pull_number: number }),
    );
    return toPull(res.data);
  }

  /**
   * Opens a pull request from `head` (`branch`, or `forkOwner:branch` from a fork) into `base`.
   * When GitHub answers 422 "A pull request already exists", finds that one and updates its
   * title and body instead. Returns the pull request and whether it was created.
   */
  async createPull(
    repo: RepoName,
    pr: { head: string; base: string; title: string; body: string },
  ): Promise<{ pull: PullInfo; created: boolean }> {
    try {
      const res = await this.octokit.rest.pulls.create({
        owner: repo.owner,
        repo: repo.repo,
        head: pr.head,
        base: pr.base,
        title: pr.title,
        body: pr.body,
        maintainer_can_modify: true,
      });
      return { pull: toPull(res.data), created: true };
    } catch (err) {
      if (!isPullAlreadyExists(err)) {
        throw explainGitHubError(err, {
          action: 'open the pull request',
          repo: repoFullName(repo),
          baseUrl: this.baseUrl,
        });
      }
    }
    const label = pr.head.includes(':') ? pr.head : `${repo.owner}:${pr.head}`;
    const existing = await this.findOpenPull(repo, label, pr.base);
    if (existing === undefined) {
      throw new CeremonyError(
        'PUBLISH',
        `GitHub says a pull request from ${label} into ${pr.base} exists in ${repoFullName(repo)}, but none is open`,
      );
    }
    const pull = await this.updatePull(repo, existing.number, { title: pr.title, body: pr.body });
    return { pull, created: false };
  }

  /** Rewrites a pull request's title and/or body. */
  async updatePull(
    repo: RepoName,
    number: number,
    change: { title?: string; body?: string },
  ): Promise<PullInfo> {
    const res = await this.call(`update pull request #${number}`, repo, () =>
      this.octokit.rest.pulls.update({
        owner: repo.owner,
        repo: repo.repo,
        pull_number: number,
        ...change,
      }),
    );
    return toPull(res.data);
  }

  /** Posts a comment on a pull request. */
  async postComment(repo: RepoName, number: number, body: string): Promise<CommentInfo> {
    const res = await this.call(`comment on pull request #${number}`, repo, () =>
      this.octokit.rest.issues.createComment({
        owner: repo.owner,
        repo: repo.repo,
        issue_number: number,
        body,
      }),
    );
    return { id: res.data.id, body: res.data.body ?? '', author: res.data.user?.login };
  }

  /** Every comment of a pull request (all pages). */
  async listComments(repo: RepoName, number: number): Promise<CommentInfo[]> {
    const all = await this.call(`read the comments of pull request #${number}`, repo, () =>
      this.octokit.paginate(this.octokit.rest.issues.listComments, {
        owner: repo.owner,
        repo: repo.repo,
        issue_number: number,
        per_page: 100,
      }),
    );
    return all.map((c) => ({ id: c.id, body: c.body ?? '', author: c.user?.login }));
  }

  /**
   * Posts each comment whose marker no comment carries yet, in order, reading the comments once;
   * returns the markers posted.
   */
  async postCommentsOnce(
    repo: RepoName,
    number: number,
    comments: readonly { marker: string; body: string }[],
  ): Promise<string[]> {
    if (comments.length === 0) return [];
    const existing = await this.listComments(repo, number);
    const posted: string[] = [];
    for (const c of comments) {
      if (existing.some((e) => e.body.includes(c.marker)) || posted.includes(c.marker)) continue;
      await this.postComment(repo, number, c.body);
      posted.push(c.marker);
    }
    return posted;
  }

  /** Posts `body` unless a comment already carries `marker`; true when it posted. */
  async postCommentOnce(
    repo: RepoName,
    number: number,
    marker: string,
    body: string,
  ): Promise<boolean> {
    const comments = await this.listComments(repo, number);
    if (comments.some((c) => c.body.includes(marker))) return false;
    await this.postComment(repo, number, body);
    return true;
  }
}
