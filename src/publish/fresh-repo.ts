import { join } from 'node:path';
import { pathExists } from '../repo/path-exists.js';
import { CeremonyError } from '../metadata/errors.js';
import type { Git } from './git.js';
import { REFRESH_WORKFLOW_PATH } from './refresh-workflow.js';
import { CHECK_WORKFLOW_PATH } from './workflow.js';

/** What the first commit of a new ceremony repository holds: everything but the ceremony. */
const FIRST_COMMIT_PATHS = [
  '.gitignore',
  'ceremony.yaml',
  'keys',
  'repository',
  'ceremony-logs',
  CHECK_WORKFLOW_PATH,
  REFRESH_WORKFLOW_PATH,
] as const;

function inFirstCommit(path: string, excluded: string): boolean {
  if (path === excluded) return false;
  return FIRST_COMMIT_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * Makes the first commit of a repository with no commit yet, on branch `base`: the plan, the
 * enrolled keys, `repository/`, `ceremony-logs/` (without the coordinator's transcript of
 * ceremony `ceremonyId`, which the ceremony branch carries) and the workflows; never
 * `staged/`. Refuses when HEAD has a commit, other branches exist, or the index holds other
 * staged files, so nothing the user did not ask for is committed. Returns the commit id.
 */
export async function commitFirstBase(git: Git, base: string, ceremonyId: string): Promise<string> {
  if (!(await git.headIsUnborn())) {
    throw new CeremonyError('PUBLISH', `${git.cwd}: HEAD already has a commit`);
  }
  const branches = await git.run(['for-each-ref', '--format=%(refname:short)', 'refs/heads']);
  if (branches.trim().length > 0) {
    const names = branches.trim().split('\n').join(', ');
    throw new CeremonyError(
      'PUBLISH',
      `${git.cwd}: HEAD has no commit but branches exist (${names}); switch to ${base} (git switch ${base}) and publish again`,
    );
  }
  const transcript = `ceremony-logs/${ceremonyId}/coordinator.jsonl`;
  const others = (await git.stagedPaths()).filter((p) => !inFirstCommit(p, transcript));
  if (others.length > 0) {
    throw new CeremonyError(
      'PUBLISH',
      `${git.cwd}: the index holds staged files outside the ceremony (${others.slice(0, 3).join(', ')}); commit or unstage them first (git restore --staged PATH)`,
    );
  }
  const check = await git.exec(['check-ref-format', '--branch', base]);
  if (check.code !== 0 || base.startsWith('-')) {
    throw new CeremonyError('PUBLISH', `"${base}" is not a valid git branch name`);
  }
  await git.run(['symbolic-ref', 'HEAD', `refs/heads/${base}`]);
  const present: string[] = [];
  for (const p of FIRST_COMMIT_PATHS) if (await pathExists(join(git.cwd, p))) present.push(p);
  await git.add(present);
  await git.exec(['rm', '--cached', '--quiet', '--ignore-unmatch', '--', transcript]);
  if (!(await git.hasStagedChanges())) {
    throw new CeremonyError(
      'PUBLISH',
      `${git.cwd}: nothing to commit on ${base}: ceremony.yaml and keys/ are missing`,
    );
  }
  return git.commit(
    `trust root: plan and enrolled keys\n\nThe base of ceremony ${ceremonyId}: ceremony.yaml, keys/ and the files next to them.`,
    { signoff: true },
  );
}
