import { join } from 'node:path';
import { CeremonyError } from '../metadata/errors.js';
import { ceremonyCommitMessage, type CeremonyStatusView, type Git } from '../publish/index.js';
import { finalizedView, type FinalizedRole } from '../publish/finalized-view.js';
import { pathExists } from '../repo/path-exists.js';
import { ceremonyLogDir, readTranscript } from '../repo/transcript-store.js';
import type { LoadedCeremony } from './ceremony-context.js';

// `publish` after `finalize`: the staging area is gone, the ceremony branch carries the
// finalized repository. The ceremony is the one the branch names; what it staged comes from its
// transcript, what was published from repository/.

const CEREMONY_BRANCH = /^ceremony\/([A-Za-z0-9._-]+)$/;

/** The id of the ceremony whose branch is checked out, or a one-line error. */
async function checkedOutCeremony(git: Git, loaded: LoadedCeremony): Promise<string> {
  const branch = await git.currentBranch().catch(() => '');
  const id = CEREMONY_BRANCH.exec(branch)?.[1];
  if (id === undefined || id.includes('--')) {
    throw new CeremonyError(
      'STATE_INVALID',
      `${loaded.paths.staged}: no ceremony is staged and ${branch === '' ? 'no branch' : branch} is not a ceremony branch; stage a ceremony, or switch to its branch (ceremony/<id>) to publish its finalize step`,
    );
  }
  return id;
}

/** The roles and versions ceremony `id` staged last, once its transcript says it finalized. */
async function stagedRoles(loaded: LoadedCeremony, id: string): Promise<FinalizedRole[]> {
  const dir = ceremonyLogDir(loaded.paths.root, id);
  const log = (await pathExists(dir)) ? await readTranscript(dir) : undefined;
  const events = log?.events.filter((e) => e.actor === 'coordinator') ?? [];
  if (!events.some((e) => e.type === 'ceremony.finalized')) {
    throw new CeremonyError(
      'STATE_INVALID',
      `${dir}: ceremony ${id} is neither staged nor finalized; nothing to publish`,
    );
  }
  const last = new Map<string, FinalizedRole>();
  for (const e of events) {
    if (e.type !== 'role.staged' && e.type !== 'role.restaged') continue;
    const { role, version, sha256 } = e.data;
    if (typeof role === 'string' && typeof version === 'number' && typeof sha256 === 'string')
      last.set(role, { role, version, sha256 });
  }
  return [...last.values()];
}

/** The pull-request view of the finalized ceremony on the checked-out ceremony branch. */
export async function finalizedStatus(
  git: Git,
  loaded: LoadedCeremony,
): Promise<CeremonyStatusView> {
  const id = await checkedOutCeremony(git, loaded);
  return finalizedView(id, await stagedRoles(loaded, id), loaded.published, loaded.holderOf);
}

/**
 * Commits the finalize step: repository/, the staging area's removal and the ceremony's
 * transcripts and summary. Returns the commit, or undefined when it is committed already.
 */
export async function commitFinalized(
  git: Git,
  dir: string,
  view: CeremonyStatusView,
): Promise<string | undefined> {
  const paths = ['repository', `ceremony-logs/${view.ceremonyId}`];
  // The drafts and signatures committed before are deleted by finalize: stage their removal.
  const tracked = await git.run(['ls-files', '--', 'staged']);
  if (tracked.trim() !== '' || (await pathExists(join(dir, 'staged')))) paths.push('staged');
  await git.add(paths);
  if (!(await git.hasStagedChanges())) return undefined;
  const roles = view.roles.map((r) => ({ name: r.name, version: r.version, sha256: r.sha256 }));
  // Committed as staged above: adding `staged` again would no longer match any path.
  const message = ceremonyCommitMessage({ kind: 'finalize', ceremonyId: view.ceremonyId, roles });
  return git.commit(message, { signoff: true });
}
