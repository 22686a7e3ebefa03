/** Where `tuf-ceremony init --github` writes the pull-request check workflow. */
export const CHECK_WORKFLOW_PATH = '.github/workflows/tuf-ceremony-check.yml';

/** Options of the generated workflow. */
export interface CheckWorkflowOptions {
  /** npm package spec to run (default `tuf-ceremony`); pin a version for reproducible CI. */
  packageSpec?: string;
  /** Node.js major version for the runner (default 22). */
  nodeVersion?: number;
}

const SPEC = /^(@[a-z0-9._-]+\/)?[a-z0-9._-]+(@[A-Za-z0-9._^~<>=*-]+)?$/;

/** The package spec and Node.js version of a workflow, checked. */
export function workflowTool(options: CheckWorkflowOptions): { pkg: string; node: number } {
  const pkg = options.packageSpec ?? 'tuf-ceremony';
  const node = options.nodeVersion ?? 22;
  if (!SPEC.test(pkg)) throw new Error(`invalid npm package spec ${pkg}`);
  if (!Number.isInteger(node) || node < 22)
    throw new Error(`invalid Node.js version ${node} (22 or later)`);
  return { pkg, node };
}

/** The steps that put Node.js on a runner (after checkout), indented for a job's `steps:`. */
export function setupNodeSteps(node: number): string[] {
  return [
    '      - uses: actions/setup-node@v4',
    '        with:',
    `          node-version: ${node}`,
  ];
}

/**
 * The GitHub Actions workflow that runs `tuf-ceremony publish --check` on every pull request:
 * read-only token, no secrets, full history (the check compares the PR with its base).
 */
export function renderCheckWorkflow(options: CheckWorkflowOptions = {}): string {
  const { pkg, node } = workflowTool(options);
  return [
    '# Written by tuf-ceremony init --github: checks every pull request of this trust root.',
    'name: tuf-ceremony check',
    '',
    'on:',
    '  pull_request:',
    '',
    'permissions:',
    '  contents: read',
    '',
    'jobs:',
    '  check:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '        with:',
    '          fetch-depth: 0',
    '          persist-credentials: false',
    ...setupNodeSteps(node),
    `      - run: npx --yes ${pkg} publish --check`,
    '',
  ].join('\n');
}
