import { PINNED_ACTIONS, usesPinned } from './pinned-actions.js';
import { workflowTool, type ToolInstall, type WorkflowToolOptions } from './workflow-tool.js';

/** Where `tuf-ceremony init --github` writes the pull-request check workflow. */
export const CHECK_WORKFLOW_PATH = '.github/workflows/tuf-ceremony-check.yml';

/** Options of the generated workflow. */
export type CheckWorkflowOptions = WorkflowToolOptions;

/** The checkout step (pinned), with extra `with:` lines, indented for a job's `steps:`. */
export function checkoutStep(withLines: readonly string[] = []): string[] {
  return [
    `      - uses: ${usesPinned(PINNED_ACTIONS.checkout)}`,
    ...(withLines.length > 0 ? ['        with:', ...withLines.map((l) => `          ${l}`)] : []),
  ];
}

/**
 * The steps that put Node.js and tuf-ceremony on a runner (after checkout), indented for a job's
 * `steps:`: setup-node by commit, then `npm ci` when the tool comes from the committed lockfile.
 */
export function setupToolSteps(node: number, install: ToolInstall): string[] {
  return [
    `      - uses: ${usesPinned(PINNED_ACTIONS.setupNode)}`,
    '        with:',
    `          node-version: ${node}`,
    ...(install.kind === 'lockfile'
      ? [
          '      - name: Install tuf-ceremony from package-lock.json',
          '        run: npm ci --no-audit --no-fund',
        ]
      : []),
  ];
}

/**
 * The GitHub Actions workflow that runs `tuf-ceremony publish --check` on every pull request:
 * no permission but reading the contents, no secrets, full history (the check compares the PR
 * with its base), the tool pinned to an exact version and every action to a commit.
 */
export function renderCheckWorkflow(options: CheckWorkflowOptions = {}): string {
  const { install, tool, node } = workflowTool(options);
  return [
    '# Written by tuf-ceremony init --github: checks every pull request of this trust root.',
    'name: tuf-ceremony check',
    '',
    'on:',
    '  pull_request:',
    '',
    'permissions: {}',
    '',
    'jobs:',
    '  check:',
    '    runs-on: ubuntu-latest',
    '    permissions:',
    '      contents: read',
    '    steps:',
    ...checkoutStep(['fetch-depth: 0', 'persist-credentials: false']),
    ...setupToolSteps(node, install),
    `      - run: ${tool} publish --check`,
    '',
  ].join('\n');
}
