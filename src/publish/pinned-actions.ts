/** A GitHub Action referenced by full commit SHA, with the release that commit is. */
export interface PinnedAction {
  name: string;
  sha: string;
  version: string;
}

/**
 * The actions generated workflows use, each by the 40-hex commit of a release: a tag can be
 * moved to other code by whoever controls the action's repository, a commit cannot
 * (GitHub "Security hardening for GitHub Actions": pin actions to a full-length commit SHA).
 */
export const PINNED_ACTIONS = {
  checkout: {
    name: 'actions/checkout',
    sha: '11bd71901bbe5b1630ceea73d27597364c9af683',
    version: 'v4.2.2',
  },
  setupNode: {
    name: 'actions/setup-node',
    sha: '49933ea5288caeca8642d1e84afbd3f7d6820020',
    version: 'v4.4.0',
  },
} as const satisfies Record<string, PinnedAction>;

/** `owner/repo@<sha> # <version>`: the value of a step's `uses:`, with its release as a comment. */
export function usesPinned(action: PinnedAction): string {
  return `${action.name}@${action.sha} # ${action.version}`;
}
