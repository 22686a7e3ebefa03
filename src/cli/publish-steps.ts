import { access } from 'node:fs/promises';
import { join } from 'node:path';
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

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Commits the ceremony's uncommitted files: the holder's signatures, or the staged drafts. */
export async function commitPending(
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
