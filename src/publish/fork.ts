import { CeremonyError } from '../metadata/errors.js';
import type { Git } from './git.js';
import type { GitHubClient } from './github.js';
import { parseRemoteUrl } from './github-remote.js';

/**
 * The owner whose fork holds the pushed branch (the `OWNER` of a pull request head
 * `OWNER:branch`): the owner the fork remote's URL names, else the token's user (GET /user).
 */
export async function forkOwner(
  git: Git,
  forkRemote: string,
  github: GitHubClient,
): Promise<string> {
  const parsed = parseRemoteUrl(await git.remoteUrl(forkRemote));
  if (parsed !== undefined) return parsed.owner;
  return github.authenticatedUser();
}

/**
 * Puts the working tree on the holder's branch, keeping uncommitted changes (the holder's new
 * signatures): stays on it; or creates it (or moves it forward, when it has nothing the ceremony
 * branch lacks) at the ceremony branch checked out. Anything else is a one-line error saying
 * which branch to switch to.
 */
export async function onHolderBranch(git: Git, ceremony: string, holder: string): Promise<void> {
  const head = await git.exec(['symbolic-ref', '--quiet', '--short', 'HEAD']);
  const current = head.code === 0 ? head.stdout.trim() : undefined;
  if (current === holder) return;
  if (current !== ceremony) {
    throw new CeremonyError(
      'PUBLISH',
      `${git.cwd}: on ${current ?? 'a detached HEAD'}, not the ceremony branch ${ceremony}: switch to it first (git switch ${ceremony})`,
    );
  }
  if (await git.branchExists(holder)) {
    const merged = await git.exec(['merge-base', '--is-ancestor', `refs/heads/${holder}`, 'HEAD']);
    if (merged.code !== 0) {
      throw new CeremonyError(
        'PUBLISH',
        `${holder} has commits that ${ceremony} lacks: switch to it and merge ${ceremony} (git switch ${holder} && git merge ${ceremony}), then publish again`,
      );
    }
    await git.run(['switch', '--quiet', '--force-create', holder]);
    return;
  }
  await git.createBranch(holder);
}
