import { checkoutStep, setupToolSteps } from './workflow.js';
import { workflowTool, type WorkflowToolOptions } from './workflow-tool.js';

/** Where `tuf-ceremony init --refresh-workflow` writes the scheduled refresh workflow. */
export const REFRESH_WORKFLOW_PATH = '.github/workflows/tuf-ceremony-refresh.yml';

/** Repository secrets the refresh workflow reads. */
export const REFRESH_SECRETS = {
  /** The online key file exactly as `key add` wrote it (encrypted with the passphrase). */
  key: 'TUF_CEREMONY_ONLINE_KEY',
  /** The online key file's passphrase. */
  passphrase: 'TUF_CEREMONY_ONLINE_PASSPHRASE',
} as const;

/** Options of the refresh workflow. */
export interface RefreshWorkflowOptions extends WorkflowToolOptions {
  /** When it runs (GitHub Actions cron, UTC); default every 6 hours at minute 17. */
  cron?: string;
}

const BOT_NAME = 'tuf-ceremony refresh';
const BOT_EMAIL = 'tuf-ceremony@users.noreply.github.com';
const CRON = /^[0-9*/,-]+( [0-9*/,-]+){4}$/;

/**
 * The GitHub Actions workflow that keeps the online roles alive: on a schedule (and on demand) it
 * re-signs timestamp and snapshot when they are due with the online key from the repository's
 * secrets (decrypted in memory; the encrypted file lives in the runner's temp dir for the step
 * only), verifies the result as a client, and pushes it. Offline roles that are due get a staged
 * ceremony on its own branch and pull request (unless one is open already), and a last job
 * fails, and so notifies, while an offline role is inside its signing window or expired.
 */
export function renderRefreshWorkflow(options: RefreshWorkflowOptions = {}): string {
  const { install, tool, node } = workflowTool(options);
  const cron = options.cron ?? '17 */6 * * *';
  if (!CRON.test(cron)) throw new Error(`invalid cron schedule ${cron}`);
  const setup = setupToolSteps(node, install);
  return [
    '# Written by tuf-ceremony init --refresh-workflow: re-signs the online roles on a schedule.',
    `# Repository secrets: ${REFRESH_SECRETS.key} (the online key file as \`key add\` wrote it,`,
    `# encrypted) and ${REFRESH_SECRETS.passphrase} (its passphrase). The job pushes to the`,
    '# branch it runs on: allow the workflow token to push there.',
    'name: tuf-ceremony refresh',
    '',
    'on:',
    '  schedule:',
    `    - cron: '${cron}'`,
    '  workflow_dispatch:',
    '',
    'permissions: {}',
    '',
    'concurrency:',
    '  group: tuf-ceremony-refresh',
    '  cancel-in-progress: false',
    '',
    'jobs:',
    '  refresh:',
    '    runs-on: ubuntu-latest',
    '    permissions:',
    '      contents: write',
    '    steps:',
    ...checkoutStep(),
    ...setup,
    '      - name: Re-sign timestamp and snapshot when due',
    '        env:',
    `          ONLINE_KEY: \${{ secrets.${REFRESH_SECRETS.key} }}`,
    `          ${REFRESH_SECRETS.passphrase}: \${{ secrets.${REFRESH_SECRETS.passphrase} }}`,
    '        run: |',
    '          key="$RUNNER_TEMP/tuf-ceremony-online.key"',
    `          trap 'rm -f "$key"' EXIT`,
    `          (umask 077 && printf '%s\\n' "$ONLINE_KEY" > "$key")`,
    `          ${tool} refresh --no-stage --key-ref "file:$key" --passphrase-env ${REFRESH_SECRETS.passphrase}`,
    '      - name: Verify as a client',
    `        run: ${tool} verify --root repository/1.root.json repository`,
    '      - name: Publish',
    '        run: |',
    '          git add repository ceremony-logs',
    '          if git diff --cached --quiet; then echo "nothing to publish"; exit 0; fi',
    `          git -c user.name='${BOT_NAME}' -c user.email='${BOT_EMAIL}' commit -q -m 'refresh online roles'`,
    '          git push',
    '  ceremony:',
    '    needs: refresh',
    '    runs-on: ubuntu-latest',
    '    permissions:',
    '      contents: write',
    '      pull-requests: write',
    '    steps:',
    ...checkoutStep(['ref: ${{ github.ref }}']),
    ...setup,
    '      - name: Open a ceremony pull request when offline roles are due',
    '        env:',
    '          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}',
    `          GIT_AUTHOR_NAME: ${BOT_NAME}`,
    `          GIT_AUTHOR_EMAIL: ${BOT_EMAIL}`,
    `          GIT_COMMITTER_NAME: ${BOT_NAME}`,
    `          GIT_COMMITTER_EMAIL: ${BOT_EMAIL}`,
    '        run: |',
    `          if [ -n "$(git ls-remote --heads origin 'ceremony/*')" ]; then echo "a ceremony is in progress"; exit 0; fi`,
    `          ${tool} stage`,
    '          if [ ! -d staged ]; then exit 0; fi',
    `          ${tool} publish --repo "$GITHUB_REPOSITORY"`,
    '  expiry:',
    '    needs: [refresh, ceremony]',
    '    runs-on: ubuntu-latest',
    '    permissions:',
    '      contents: read',
    '    steps:',
    ...checkoutStep(['ref: ${{ github.ref }}', 'persist-credentials: false']),
    ...setup,
    '      - name: Offline roles inside their signing window fail this job',
    `        run: ${tool} expiry`,
    '',
  ].join('\n');
}
