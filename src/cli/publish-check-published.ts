import { DEFAULT_LIMITS, verifyRepository } from '../metadata/client/index.js';
import { CeremonyError } from '../metadata/errors.js';
import type { BaseTrust } from '../publish/base-trust.js';
import type { ChangedPath, Git } from '../publish/git.js';
import { GitTreeSource } from '../publish/git-tree-source.js';

const TARGETS_FOLDER = 'repository/targets/';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Verifies the published metadata a pull request would merge (read from its commit, not the
 * working tree) with the client workflow, starting from the latest root the base branch has
 * published: new roots must carry a threshold of the old and the new root keys (spec 5.3.4),
 * and every other role must verify from the root reached. Before any root is published on the
 * base, the pull request's 1.root.json is trusted on first use, as a client bootstrapping from it
 * would, and the line says so.
 */
export async function checkPublishedFromBase(
  git: Git,
  trust: BaseTrust,
  changes: readonly ChangedPath[],
  now: number,
): Promise<string> {
  // The check judges the commit a pull request would merge; a checkout that differs from it
  // would make the verdict speak of files nobody can review.
  const dirty = await git.run(['status', '--porcelain=v1', '--', 'repository']);
  if (dirty.trim() !== '') {
    throw new CeremonyError(
      'PUBLISH',
      'repository/: the working tree differs from HEAD; publish --check judges commits (commit or discard the changes)',
    );
  }
  const source = new GitTreeSource(git, 'HEAD', 'repository');
  let anchor = trust.latest;
  let anchorText = `${trust.base}'s root v${anchor?.version ?? 0}`;
  if (anchor === undefined) {
    const bytes = await source.fetchMetadata('1.root.json', DEFAULT_LIMITS.root);
    if (bytes === undefined) {
      throw new CeremonyError(
        'PUBLISH',
        `repository/1.root.json: missing; ${trust.base} has no published root and the pull request adds none`,
      );
    }
    anchor = { version: 1, path: 'repository/1.root.json', bytes };
    anchorText = `repository/1.root.json (trusted on first use: ${trust.base} has no published root)`;
  }
  // Target files the pull request adds or changes must each be a listed target's file with its
  // listed length and hashes, and none it removes may still be listed (spec 5.7.3).
  const targetFiles = changes.filter((c) => c.path.startsWith(TARGETS_FOLDER));
  const named = (kept: boolean): string[] =>
    targetFiles
      .filter((c) => (c.status !== 'D') === kept)
      .map((c) => c.path.slice(TARGETS_FOLDER.length));
  const report = await verifyRepository({
    trustedRoot: anchor.bytes,
    trustedRootName: `${trust.base}:${anchor.path}`,
    source,
    now,
    targetFiles: named(true),
    removedTargetFiles: named(false),
  });
  // repository/root.json is what new clients bootstrap from: it must be the root just verified.
  if (changes.some((c) => c.path === 'repository/root.json' && c.status !== 'D')) {
    const copy = await source.fetchMetadata('root.json', DEFAULT_LIMITS.root);
    const latest = await source.fetchMetadata(
      `${report.root.version}.root.json`,
      DEFAULT_LIMITS.root,
    );
    if (copy === undefined || latest === undefined || !sameBytes(copy, latest)) {
      throw new CeremonyError(
        'PUBLISH',
        `repository/root.json: is not repository/${report.root.version}.root.json, the root that verifies from ${anchorText}`,
      );
    }
  }
  const checkedFiles =
    targetFiles.length > 0
      ? `; ${targetFiles.length} changed target file(s) match their listing`
      : '';
  return `published repository verifies: root v${report.root.version} at ${report.at}, from ${anchorText}${checkedFiles}`;
}
