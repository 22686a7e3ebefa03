import { CeremonyError } from '../metadata/errors.js';
import {
  ceremonyBranch,
  forkOwner,
  GitHubClient,
  holderBranch,
  onHolderBranch,
  publishCeremony,
  resolveGitHubRepo,
  type CeremonyStatusView,
  type Git,
} from '../publish/index.js';
import type { CommandContext } from './command.js';
import { commitPending, report, settingsOrUsage } from './publish-steps.js';

/** What `publish --holder NAME --fork REMOTE` works from. */
export interface ForkPublish {
  git: Git;
  dir: string;
  view: CeremonyStatusView;
  holder: string;
  /** Git remote of the holder's fork (pushed to). */
  fork: string;
  /** Git remote of the upstream repository (the pull request goes there). */
  remote: string;
  repoFlag: string | undefined;
  push: boolean;
  pr: boolean;
  json: boolean;
}

/**
 * The fork flow, for a holder without push rights: commits the holder's signatures on
 * `ceremony/<id>--<holder>` (from the ceremony branch checked out), pushes it to the fork and
 * opens or updates a pull request into the upstream ceremony branch with head `OWNER:branch`.
 */
export async function publishThroughFork(ctx: CommandContext, f: ForkPublish): Promise<void> {
  const { git, view, holder } = f;
  const into = ceremonyBranch(view.ceremonyId);
  const branch = holderBranch(view.ceremonyId, holder);
  await git.remoteUrl(f.fork);
  const settings = f.pr ? settingsOrUsage(ctx.env) : undefined;
  const github =
    settings === undefined ? undefined : new GitHubClient({ ...settings, log: ctx.err });
  const repo =
    github === undefined ? undefined : await resolveGitHubRepo(git, f.remote, f.repoFlag);
  if (f.pr && !(await git.remoteHasBranch(f.remote, into))) {
    throw new CeremonyError(
      'PUBLISH',
      `${f.remote} has no branch ${into} for the pull request to go into: the coordinator publishes the ceremony first (or pass --remote NAME for the upstream remote)`,
    );
  }
  await onHolderBranch(git, into, branch);
  const commit = await commitPending(git, f.dir, view, holder);
  if (commit !== undefined && !f.json) ctx.out(`committed ${commit.slice(0, 12)} on ${branch}`);
  const headOwner = github === undefined ? undefined : await forkOwner(git, f.fork, github);
  const result = await publishCeremony({
    git,
    github,
    remote: f.fork,
    branch,
    base: into,
    repo,
    headOwner,
    push: f.push,
    pr: f.pr,
    status: view,
    holderJustSigned: holder,
    holderPull: holder,
  });
  if (f.json)
    ctx.out(JSON.stringify({ branch, base: into, commit, headOwner, ...result }, null, 2));
  else report(ctx, branch, f.fork, result);
}
