import { CeremonyError } from '../metadata/errors.js';
import {
  finalizedComment,
  signatureLandedComment,
  thresholdsMetComment,
  type MarkedComment,
} from './comments.js';
import type { Git } from './git.js';
import type { GitHubClient, PullInfo } from './github.js';
import type { RepoName } from './github-remote.js';
import { renderHolderPrBody, renderHolderPrTitle, renderPrBody, renderPrTitle } from './pr-body.js';
import type { CeremonyStatusView } from './status-view.js';

/** Everything `publishCeremony` needs; the CLI builds it from flags, env and the ceremony state. */
export interface PublishRequest {
  git: Git;
  /** Absent with --no-pr. */
  github?: GitHubClient | undefined;
  /** Git remote to push to (a fork's remote for holders without push rights). */
  remote: string;
  /** Branch to push (the ceremony branch, or a holder's branch). */
  branch: string;
  /** Branch the pull request goes into (the default branch, or the ceremony branch for forks). */
  base: string;
  /** Repository the pull request is opened in. */
  repo?: RepoName | undefined;
  /** Owner of the pushed branch when it is not `repo.owner` (a fork). */
  headOwner?: string | undefined;
  /** False for --no-push: nothing leaves the machine (no push, no GitHub writes). */
  push: boolean;
  /** False for --no-pr: push only, any git host. */
  pr: boolean;
  status: CeremonyStatusView;
  /** Holder whose signatures this publish carries (posts a "signature landed" comment once). */
  holderJustSigned?: string | undefined;
  /**
   * Set when the pull request carries only this holder's signatures into the ceremony branch
   * (the fork flow): its title and body say so, and only that holder's comment is posted there.
   */
  holderPull?: string | undefined;
}

/** What publishing did. */
export interface PublishResult {
  pushed: boolean;
  pull?: PullInfo & { created: boolean; updated: boolean };
  /** Markers of the comments posted by this run. */
  commentsPosted: string[];
}

/**
 * Pushes the branch, opens or updates its pull request (title and status body), and posts the
 * "signature landed" and "every threshold met" comments once each.
 */
export async function publishCeremony(req: PublishRequest): Promise<PublishResult> {
  const result: PublishResult = { pushed: false, commentsPosted: [] };
  if (!req.push) return result;
  if (!req.pr) {
    await req.git.push(req.remote, req.branch, { setUpstream: true });
    result.pushed = true;
    return result;
  }
  if (req.github === undefined || req.repo === undefined) {
    throw new CeremonyError(
      'PUBLISH',
      'opening a pull request needs a GitHub token and a repository (--repo), or pass --no-pr',
    );
  }
  const { github, repo } = req;
  // Fail before pushing when the token or the repository is wrong (401/404 in one line).
  await github.authenticatedUser();
  await github.repository(repo);
  await req.git.push(req.remote, req.branch, { setUpstream: true });
  result.pushed = true;
  const head = `${req.headOwner ?? repo.owner}:${req.branch}`;
  const holderPull = req.holderPull;
  const title =
    holderPull === undefined
      ? renderPrTitle(req.status)
      : renderHolderPrTitle(req.status, holderPull);
  const bodyFor = (previous?: string): string =>
    holderPull === undefined
      ? renderPrBody(req.status, previous)
      : renderHolderPrBody(req.status, holderPull, req.base, previous);
  const existing = await github.findOpenPull(repo, head, req.base);
  let pull: PullInfo;
  let created = false;
  let updated = false;
  if (existing === undefined) {
    const opened = await github.createPull(repo, {
      head: req.headOwner === undefined ? req.branch : head,
      base: req.base,
      title,
      body: bodyFor(),
    });
    ({ pull, created } = opened);
    updated = !created;
  } else {
    const body = bodyFor(existing.body);
    if (body !== existing.body || title !== existing.title) {
      pull = await github.updatePull(repo, existing.number, { title, body });
      updated = true;
    } else {
      pull = existing;
    }
  }
  result.pull = { ...pull, created, updated };
  result.commentsPosted = await github.postCommentsOnce(repo, pull.number, commentsFor(req));
  return result;
}

/**
 * The comments a pull request gets, each posted once: "signature landed" for the holder this
 * publish carries and, on the ceremony's own pull request (not a fork's or a holder's), for
 * every holder whose valid signatures are on the branch (signatures merged from a holder's pull
 * request land there too); then "every threshold met" when it is.
 */
function commentsFor(req: PublishRequest): MarkedComment[] {
  const holders: string[] = [];
  if (req.holderJustSigned !== undefined) holders.push(req.holderJustSigned);
  if (req.holderPull === undefined && req.headOwner === undefined) {
    const signed = new Set(
      req.status.roles.flatMap((r) => [...r.validSigners, ...(r.rootOld?.validSigners ?? [])]),
    );
    for (const h of [...signed].sort()) if (!holders.includes(h)) holders.push(h);
  }
  const comments = holders.map((h) => signatureLandedComment(req.status, h));
  if (req.status.finalized) comments.push(finalizedComment(req.status));
  else if (req.status.ready) comments.push(thresholdsMetComment(req.status));
  return comments;
}
