import { join } from 'node:path';
import { pathExists } from '../repo/path-exists.js';
import { CeremonyError, isCeremonyError } from '../metadata/errors.js';
import {
  commitCeremonyStep,
  githubSettingsFromEnv,
  type CeremonyStatusView,
  type Git,
  type GitHubSettings,
  type PublishResult,
} from '../publish/index.js';
import type { CommandContext } from './command.js';

/** Files `stage` reads besides the published repository. */
const STAGE_INPUTS = [
  'ceremony.yaml',
  'keys',
  'targets',
  'targets-custom.json',
  'delegated-targets',
] as const;

/**
 * Commits the ceremony's uncommitted files: the holder's signatures, or the staged drafts with
 * their inputs and the ceremony's transcripts.
 */
export async function commitPending(
  git: Git,
  dir: string,
  view: CeremonyStatusView,
  holder: string | undefined,
): Promise<string | undefined> {
  const logs = `ceremony-logs/${view.ceremonyId}`;
  // The coordinator's step carries what the drafts were computed from (plan, enrolled keys,
  // target inputs) so reviewers see it beside them; a holder's step only their own files.
  const candidates =
    holder === undefined
      ? [...STAGE_INPUTS, 'staged', logs]
      : [`staged/signatures/${holder}.json`, `${logs}/${holder}.jsonl`];
  const paths: string[] = [];
  for (const p of candidates) if (await pathExists(join(dir, p))) paths.push(p);
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

/** The GitHub settings from the environment; a missing token is a usage error. */
export function settingsOrUsage(env: CommandContext['env']): GitHubSettings {
  try {
    return githubSettingsFromEnv(env);
  } catch (err) {
    if (isCeremonyError(err)) throw new CeremonyError('USAGE', err.message);
    throw err;
  }
}

/** Prints what publishing did, one fact a line. */
export function report(
  ctx: CommandContext,
  branch: string,
  remote: string,
  result: PublishResult,
): void {
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
