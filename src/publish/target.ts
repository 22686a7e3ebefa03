import { CeremonyError } from '../metadata/errors.js';
import type { Git } from './git.js';
import { parseRemoteUrl, parseRepoName, type RepoName } from './github-remote.js';

/**
 * The GitHub repository to open the pull request in: `--repo OWNER/NAME` when given, else the
 * one the remote's URL names. One-line errors for a malformed flag or an unrecognized URL.
 */
export async function resolveGitHubRepo(
  git: Git,
  remote: string,
  repoFlag?: string,
): Promise<RepoName> {
  if (repoFlag !== undefined) {
    const named = parseRepoName(repoFlag);
    if (named === undefined) {
      throw new CeremonyError('USAGE', `--repo "${repoFlag}" is not OWNER/NAME`);
    }
    return named;
  }
  const url = await git.remoteUrl(remote);
  const parsed = parseRemoteUrl(url);
  if (parsed === undefined) {
    throw new CeremonyError(
      'PUBLISH',
      `cannot tell the GitHub repository from remote "${remote}"; pass --repo OWNER/NAME or --no-pr`,
    );
  }
  return { owner: parsed.owner, repo: parsed.repo };
}
