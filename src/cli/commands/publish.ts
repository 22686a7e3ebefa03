import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { CeremonyError, isCeremonyError } from '../../metadata/errors.js';
import {
  ceremonyBranch,
  commitCeremonyStep,
  GitHubClient,
  githubSettingsFromEnv,
  publishCeremony,
  resolveGitHubRepo,
  statusViewFrom,
  Git,
  type CeremonyStatusView,
  type GitHubSettings,
  type PublishResult,
} from '../../publish/index.js';
import { boolFlag, EXIT, stringFlag, type Command, type CommandContext } from '../command.js';
import { DIR_OPTION, ceremonyDir, loadCeremony, statusOf } from '../ceremony-context.js';
import { checkBase, publishCheck } from '../publish-check.js';

const USAGE =
  'tuf-ceremony publish [--dir DIR] [--remote NAME] [--repo OWNER/NAME] [--base BRANCH] ' +
  '[--holder NAME] [--no-push] [--no-pr] [--json] | publish --check [--base REF]';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Commits the ceremony's uncommitted files: the holder's signatures, or the staged drafts. */
async function commitPending(
  git: Git,
  dir: string,
  view: CeremonyStatusView,
  holder: string | undefined,
): Promise<string | undefined> {
  const logs = `ceremony-logs/${view.ceremonyId}`;
  const candidates =
    holder === undefined
      ? ['staged', `${logs}/coordinator.jsonl`]
      : [`staged/signatures/${holder}.json`, `${logs}/${holder}.jsonl`];
  const paths: string[] = [];
  for (const p of candidates) if (await exists(join(dir, p))) paths.push(p);
  if (holder !== undefined && !paths.includes(`staged/signatures/${holder}.json`)) {
    throw new CeremonyError('USAGE', `staged/signatures/${holder}.json: ${holder} has not signed`);
  }
  await git.add(paths);
  if (!(await git.hasStagedChanges())) return undefined;
  const roles = view.roles;
  return commitCeremonyStep(
    git,
    holder === undefined
      ? { kind: 'stage', ceremonyId: view.ceremonyId, roles }
      : { kind: 'sign', ceremonyId: view.ceremonyId, holder, roles },
    paths,
  );
}

/** Puts the working tree on the ceremony branch, creating it from HEAD when it is new. */
async function onBranch(git: Git, branch: string): Promise<void> {
  const current = await git.exec(['symbolic-ref', '--quiet', '--short', 'HEAD']);
  if (current.code === 0 && current.stdout.trim() === branch) return;
  if (await git.branchExists(branch)) await git.switchBranch(branch);
  else await git.createBranch(branch);
}

function settingsOrUsage(env: CommandContext['env']): GitHubSettings {
  try {
    return githubSettingsFromEnv(env);
  } catch (err) {
    if (isCeremonyError(err)) throw new CeremonyError('USAGE', err.message);
    throw err;
  }
}

function report(ctx: CommandContext, branch: string, remote: string, result: PublishResult): void {
  if (!result.pushed) {
    ctx.out(`committed on ${branch}; nothing pushed (--no-push)`);
    return;
  }
  ctx.out(`pushed ${branch} to ${remote}`);
  const pull = result.pull;
  if (pull === undefined) return;
  const what = pull.created ? 'opened' : pull.updated ? 'updated' : 'unchanged';
  ctx.out(`pull request #${pull.number} ${what}: ${pull.url}`);
  ctx.out(
    result.commentsPosted.length === 0
      ? 'comments posted: none'
      : `comments posted: ${result.commentsPosted.join(', ')}`,
  );
}

/** `tuf-ceremony publish`: commits, pushes and opens or updates the ceremony pull request. */
export const publishCommand: Command = {
  name: 'publish',
  summary:
    'commit the ceremony step, push its branch and open or update its pull request; --check for CI',
  usage: USAGE,
  options: {
    ...DIR_OPTION,
    remote: { type: 'string' },
    repo: { type: 'string' },
    base: { type: 'string' },
    holder: { type: 'string' },
    'no-push': { type: 'boolean' },
    'no-pr': { type: 'boolean' },
    check: { type: 'boolean' },
    json: { type: 'boolean' },
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
    const settings = pr ? settingsOrUsage(ctx.env) : undefined;
    const loaded = await loadCeremony(dir);
    const view = statusViewFrom(statusOf(loaded));
    const branch = ceremonyBranch(view.ceremonyId);
    const github =
      settings === undefined ? undefined : new GitHubClient({ ...settings, log: ctx.err });
    const repo =
      github === undefined
        ? undefined
        : await resolveGitHubRepo(git, remote, stringFlag(args, 'repo'));
    let base = stringFlag(args, 'base');
    if (base === undefined && github !== undefined && repo !== undefined) {
      base = (await github.repository(repo)).defaultBranch;
    }
    await onBranch(git, branch);
    const commit = await commitPending(git, dir, view, holder);
    const json = boolFlag(args, 'json');
    if (commit !== undefined && !json) ctx.out(`committed ${commit.slice(0, 12)} on ${branch}`);
    const result = await publishCeremony({
      git,
      github,
      remote,
      branch,
      base: base ?? 'main',
      repo,
      push,
      pr,
      status: view,
      holderJustSigned: holder,
    });
    if (json) ctx.out(JSON.stringify({ branch, commit, ...result }, null, 2));
    else report(ctx, branch, remote, result);
    return EXIT.ok;
  },
};
