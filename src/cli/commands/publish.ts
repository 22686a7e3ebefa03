import { CeremonyError } from '../../metadata/errors.js';
import {
  ceremonyBranch,
  commitFirstBase,
  GitHubClient,
  publishCeremony,
  resolveGitHubRepo,
  statusViewFrom,
  Git,
  type RepoName,
} from '../../publish/index.js';
import {
  boolFlag,
  EXIT,
  stringFlag,
  type Command,
  type CommandContext,
  JSON_OPTION,
} from '../command.js';
import { stagedTrustOperations } from '../trust-review.js';
import { DIR_OPTION, ceremonyDir, loadCeremony, statusOf } from '../ceremony-context.js';
import { checkBase, publishCheck } from '../publish-check.js';
import { commitFinalized, finalizedStatus } from '../publish-finalized.js';
import { publishThroughFork } from '../publish-fork.js';
import { commitPending, report, settingsOrUsage } from '../publish-steps.js';

const USAGE =
  'tuf-ceremony publish [--dir DIR] [--remote NAME] [--repo OWNER/NAME] [--base BRANCH] ' +
  '[--holder NAME [--fork REMOTE]] [--no-push] [--no-pr] [--json] | publish --check [--base REF]';

/** Puts the working tree on the ceremony branch, creating it from HEAD when it is new. */
async function onBranch(git: Git, branch: string): Promise<void> {
  const current = await git.exec(['symbolic-ref', '--quiet', '--short', 'HEAD']);
  if (current.code === 0 && current.stdout.trim() === branch) return;
  if (await git.branchExists(branch)) await git.switchBranch(branch);
  else await git.createBranch(branch);
}

/**
 * Makes sure the pull request's base exists before the ceremony branch is made. A repository
 * with no commit yet gets its first commit on `base` (plan, keys, workflow; never staged/),
 * pushed unless --no-push; a base missing on the remote is a one-line error saying what to push.
 * Returns the first commit when one was made.
 */
async function ensureBase(
  ctx: CommandContext,
  git: Git,
  o: { remote: string; base: string; ceremonyId: string; push: boolean; pr: boolean },
  quiet: boolean,
): Promise<string | undefined> {
  const say = (line: string): void => {
    if (!quiet) ctx.out(line);
  };
  if (!(await git.headIsUnborn())) {
    if (o.pr && !(await git.remoteHasBranch(o.remote, o.base))) {
      throw new CeremonyError(
        'PUBLISH',
        `${o.remote} has no branch ${o.base} for the pull request to go into: push it first (git push ${o.remote} ${o.base}), or pass --base BRANCH`,
      );
    }
    return undefined;
  }
  if (o.push && (await git.remoteHasBranch(o.remote, o.base))) {
    throw new CeremonyError(
      'PUBLISH',
      `this repository has no commit yet but ${o.remote} already has ${o.base}: fetch it and work on top (git fetch ${o.remote} ${o.base} && git switch ${o.base}), then publish again`,
    );
  }
  const first = await commitFirstBase(git, o.base, o.ceremonyId);
  say(`committed ${first.slice(0, 12)} on ${o.base}: the plan and enrolled keys (first commit)`);
  if (o.push) {
    await git.push(o.remote, o.base, { setUpstream: true });
    say(`pushed ${o.base} to ${o.remote}`);
  }
  return first;
}

/** `tuf-ceremony publish`: commits, pushes and opens or updates the ceremony pull request. */
export const publishCommand: Command = {
  name: 'publish',
  examples: ['tuf-ceremony publish', 'tuf-ceremony publish --check --base main'],
  summary:
    'commit the ceremony step, push its branch and open or update its pull request; --check for CI',
  usage: USAGE,
  options: {
    ...DIR_OPTION,
    remote: {
      type: 'string',
      valueName: 'REMOTE',
      description: 'the git remote to push to',
      default: 'origin',
    },
    repo: {
      type: 'string',
      valueName: 'OWNER/NAME',
      description: "the GitHub repository of the pull request (default: from the remote's URL)",
    },
    base: {
      type: 'string',
      valueName: 'BRANCH',
      description:
        "the branch the pull request goes into (default: GitHub's default branch, or main)",
    },
    holder: {
      type: 'string',
      valueName: 'NAME',
      description: "publish this holder's signatures (default: the coordinator's step)",
    },
    fork: {
      type: 'string',
      valueName: 'REMOTE',
      description: "push the holder's branch to this fork remote and open the pull request from it",
    },
    'no-push': { type: 'boolean', description: 'only commit; do not push or open a pull request' },
    'no-pr': {
      type: 'boolean',
      description: 'commit and push, but open no pull request (any git host)',
    },
    check: {
      type: 'boolean',
      description: 'check the pull request against --base as CI does (files, drafts, signatures)',
    },
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const dir = ceremonyDir(ctx, args);
    const git = new Git(dir, { env: ctx.env });
    if (boolFlag(args, 'check')) {
      const loaded = await loadCeremony(dir);
      const base = checkBase(stringFlag(args, 'base'), ctx.env);
      const checked = await publishCheck(git, loaded, base, ctx.now());
      if (boolFlag(args, 'json')) ctx.out(JSON.stringify(checked, null, 2));
      else for (const line of [...checked.lines, 'check passed']) ctx.out(line);
      return EXIT.ok;
    }
    const push = !boolFlag(args, 'no-push');
    const pr = push && !boolFlag(args, 'no-pr');
    const remote = stringFlag(args, 'remote') ?? 'origin';
    const holder = stringFlag(args, 'holder');
    const fork = stringFlag(args, 'fork');
    const json = boolFlag(args, 'json');
    if (fork !== undefined && holder === undefined) {
      throw new CeremonyError('USAGE', `--fork needs --holder NAME (usage: ${USAGE})`);
    }
    if (fork !== undefined && stringFlag(args, 'base') !== undefined) {
      throw new CeremonyError(
        'USAGE',
        '--base does not go with --fork: the pull request goes into the ceremony branch',
      );
    }
    const settings = pr ? settingsOrUsage(ctx.env) : undefined;
    const loaded = await loadCeremony(dir);
    // A missing remote is found before anything is committed.
    if (push) await git.remoteUrl(remote);
    // publish commits keys/: a private key written there must never travel with it.
    const [stray] = loaded.strayKeyFiles;
    if (stray !== undefined) {
      throw new CeremonyError(
        'STATE_INVALID',
        `${stray}: not an enrolled key record; move it out of the ceremony repository before publishing (nothing was committed)`,
      );
    }
    // After finalize nothing is staged: the ceremony branch carries the finalized repository.
    const view = loaded.staging
      ? statusViewFrom(statusOf(loaded))
      : await finalizedStatus(git, loaded);
    if (loaded.staging) {
      view.trustChanges = ((await stagedTrustOperations(loaded)) ?? []).map((op) => op.text);
    }
    if (view.finalized && holder !== undefined) {
      throw new CeremonyError(
        'USAGE',
        `ceremony ${view.ceremonyId} is finalized: there is nothing left to sign (publish without --holder)`,
      );
    }
    if (fork !== undefined && holder !== undefined) {
      const repoFlag = stringFlag(args, 'repo');
      const f = { git, dir, view, holder, fork, remote, repoFlag, push, pr, json };
      await publishThroughFork(ctx, f);
      return EXIT.ok;
    }
    const branch = ceremonyBranch(view.ceremonyId);
    const github =
      settings === undefined ? undefined : new GitHubClient({ ...settings, log: ctx.err });
    let repo: RepoName | undefined;
    let base = stringFlag(args, 'base');
    if (github !== undefined) {
      repo = await resolveGitHubRepo(git, remote, stringFlag(args, 'repo'));
      // Checks the token and the repository before anything is committed or pushed.
      await github.authenticatedUser();
      const found = await github.repository(repo);
      base ??= found.defaultBranch;
    }
    base ??= 'main';
    const ceremonyId = view.ceremonyId;
    const firstCommit = await ensureBase(ctx, git, { remote, base, ceremonyId, push, pr }, json);
    await onBranch(git, branch);
    const commit = view.finalized
      ? await commitFinalized(git, dir, view)
      : await commitPending(git, dir, view, holder);
    if (commit !== undefined && !json) ctx.out(`committed ${commit.slice(0, 12)} on ${branch}`);
    const result = await publishCeremony({
      git,
      github,
      remote,
      branch,
      base,
      repo,
      push,
      pr,
      status: view,
      holderJustSigned: holder,
    });
    if (json) ctx.out(JSON.stringify({ branch, base, firstCommit, commit, ...result }, null, 2));
    else report(ctx, branch, remote, result);
    return EXIT.ok;
  },
};
