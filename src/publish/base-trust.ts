import { CeremonyError } from '../metadata/errors.js';
import { DEFAULT_LIMITS } from '../metadata/client/index.js';
import type { ChangedPath, Git } from './git.js';

const VERSIONED_ROOT = /^([1-9][0-9]{0,8})\.root\.json$/;

/** The trust a base branch has published: its root versions and the bytes of the latest. */
export interface BaseTrust {
  /** The base ref, as given. */
  base: string;
  /** `repository/N.root.json` paths published on the base branch. */
  publishedRoots: ReadonlySet<string>;
  /** The newest published root, undefined before the first ceremony is merged. */
  latest?: { version: number; path: string; bytes: Uint8Array };
}

/** Reads the published roots of `base` from git (never from the working tree). */
export async function readBaseTrust(git: Git, base: string): Promise<BaseTrust> {
  const versions = (await git.listFiles(base, 'repository'))
    .map((name) => Number(VERSIONED_ROOT.exec(name)?.[1] ?? Number.NaN))
    .filter((v) => Number.isSafeInteger(v));
  const publishedRoots = new Set(versions.map((v) => `repository/${v}.root.json`));
  if (versions.length === 0) return { base, publishedRoots };
  const version = Math.max(...versions);
  const path = `repository/${version}.root.json`;
  const bytes = await git.readBlob(base, path, DEFAULT_LIMITS.root);
  if (bytes === undefined) throw new CeremonyError('PUBLISH', `${base}:${path}: not a file`);
  return { base, publishedRoots, latest: { version, path, bytes } };
}

/**
 * Refuses a pull request that changes or deletes a root the base branch has published: clients
 * walk `N.root.json` forward from the root they hold (spec 5.3.3), so a published root is
 * history that never changes; a new trust root is only ever added as version N+1.
 */
export function checkPublishedRootsKept(trust: BaseTrust, changes: readonly ChangedPath[]): void {
  const touched = changes.filter((c) => trust.publishedRoots.has(c.path));
  const first = touched[0];
  if (first === undefined) return;
  const verb = first.status === 'D' ? 'deletes' : 'changes';
  throw new CeremonyError(
    'PUBLISH',
    `${first.path}: the pull request ${verb} a root already published on ${trust.base}; published roots never change (spec 5.3.3), a new root is added as the next version`,
  );
}
