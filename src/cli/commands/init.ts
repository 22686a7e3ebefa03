import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parsePlan } from '../../ceremony/plan-yaml.js';
import { renderPlanTemplate } from '../../ceremony/plan-template.js';
import { CeremonyError } from '../../metadata/errors.js';
import { writeFileAtomic } from '../../repo/atomic-write.js';
import { ceremonyPaths } from '../../repo/ceremony-paths.js';
import { Git } from '../../publish/git.js';
import { CHECK_WORKFLOW_PATH, renderCheckWorkflow } from '../../publish/workflow.js';
import {
  REFRESH_SECRETS,
  REFRESH_WORKFLOW_PATH,
  renderRefreshWorkflow,
} from '../../publish/refresh-workflow.js';
import {
  boolFlag,
  EXIT,
  JSON_OPTION,
  stringFlag,
  type Command,
  type ParsedArgs,
} from '../command.js';
import { existingCeremonyParts } from '../../repo/existing-ceremony.js';
import { toolInstallFor } from '../../publish/tool-install.js';
import { writeCeremonyGitignore } from '../../repo/gitignore.js';
import type { ToolInstall } from '../../publish/workflow-tool.js';

function parseHolders(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
}

function refreshWorkflowText(args: ParsedArgs, install: ToolInstall): string | undefined {
  const cron = stringFlag(args, 'refresh-cron');
  if (!boolFlag(args, 'refresh-workflow')) {
    if (cron !== undefined)
      throw new CeremonyError('USAGE', '--refresh-cron only applies with --refresh-workflow');
    return undefined;
  }
  try {
    return renderRefreshWorkflow(cron === undefined ? { install } : { install, cron });
  } catch {
    throw new CeremonyError(
      'USAGE',
      `--refresh-cron "${cron ?? ''}": must be five cron fields, e.g. "17 */6 * * *"`,
    );
  }
}

/** `tuf-ceremony init [DIR]`: creates a trust-root repository with a plan to edit. */
export const initCommand: Command = {
  name: 'init',
  examples: [
    'tuf-ceremony init my-root --holders alice,bob,carol --threshold 2',
    'tuf-ceremony init --github --refresh-workflow',
  ],
  summary: 'create a trust-root repository: ceremony.yaml, repository/, ceremony-logs/, keys/, git',
  usage:
    'tuf-ceremony init [DIR] [--name NAME] [--holders a,b,c] [--threshold N] [--online-holder NAME] [--github] [--refresh-workflow [--refresh-cron CRON]] [--json]',
  positionals: true,
  options: {
    name: {
      type: 'string',
      valueName: 'NAME',
      description: 'name of the trust root in ceremony.yaml (default: the directory name)',
    },
    holders: {
      type: 'string',
      valueName: 'a,b,c',
      description: 'comma-separated holder names for root and targets (default: alice,bob,carol)',
    },
    threshold: {
      type: 'string',
      valueName: 'N',
      description: 'signatures needed for root and targets (default: a majority of the holders)',
    },
    'online-holder': {
      type: 'string',
      valueName: 'NAME',
      description: 'name of the automation identity that signs snapshot and timestamp',
      default: 'online',
    },
    github: {
      type: 'boolean',
      description: 'also write .github/workflows/tuf-ceremony-check.yml (the pull-request check)',
    },
    'refresh-workflow': {
      type: 'boolean',
      description: 'also write .github/workflows/tuf-ceremony-refresh.yml (scheduled refresh)',
    },
    ...JSON_OPTION,
    'refresh-cron': {
      type: 'string',
      valueName: 'CRON',
      description: 'schedule of the refresh workflow (default: every 6 hours, 17 */6 * * *)',
    },
  },
  async run(ctx, args) {
    if (args.positionals.length > 1)
      throw new CeremonyError('USAGE', `init takes one directory (usage: ${initCommand.usage})`);
    const dir = resolve(ctx.cwd, args.positionals[0] ?? '.');
    const paths = ceremonyPaths(dir);
    // Never adopt another trust root's files: its metadata would pass for this one's.
    const existing = await existingCeremonyParts(paths);
    if (existing.length > 0)
      throw new CeremonyError(
        'STATE_INVALID',
        `${dir}: already holds ${existing.join(', ')} of a trust root; init starts a new one only where none is (README, LICENSE, .git and other files are fine); nothing was changed`,
      );
    const thresholdText = stringFlag(args, 'threshold');
    const threshold = thresholdText === undefined ? undefined : Number(thresholdText);
    if (threshold !== undefined && (!Number.isSafeInteger(threshold) || threshold < 1)) {
      throw new CeremonyError(
        'USAGE',
        `--threshold ${thresholdText ?? ''}: must be a whole number >= 1`,
      );
    }
    const holders = parseHolders(stringFlag(args, 'holders'));
    const online = stringFlag(args, 'online-holder');
    const text = renderPlanTemplate({
      name: stringFlag(args, 'name') ?? basename(dir),
      ...(holders ? { holders } : {}),
      ...(threshold !== undefined ? { threshold } : {}),
      ...(online !== undefined ? { onlineHolder: online } : {}),
    });
    parsePlan(text, paths.plan);
    const install = await toolInstallFor(dir);
    const refreshWorkflow = refreshWorkflowText(args, install);
    for (const d of [paths.repository, paths.logs, paths.keys]) await mkdir(d, { recursive: true });
    await writeFileAtomic(join(paths.repository, '.gitkeep'), '');
    await writeFileAtomic(join(paths.logs, '.gitkeep'), '');
    await writeFileAtomic(paths.plan, text);
    await writeCeremonyGitignore(dir);
    const lines: string[] = [];
    const workflows: string[] = [];
    if (boolFlag(args, 'github')) {
      await writeFileAtomic(join(dir, CHECK_WORKFLOW_PATH), renderCheckWorkflow({ install }));
      workflows.push(CHECK_WORKFLOW_PATH);
      lines.push(`wrote the pull-request check workflow ${CHECK_WORKFLOW_PATH}`);
    }
    if (refreshWorkflow !== undefined) {
      await writeFileAtomic(join(dir, REFRESH_WORKFLOW_PATH), refreshWorkflow);
      workflows.push(REFRESH_WORKFLOW_PATH);
      lines.push(
        `wrote the scheduled refresh workflow ${REFRESH_WORKFLOW_PATH} (secrets ${REFRESH_SECRETS.key} and ${REFRESH_SECRETS.passphrase})`,
      );
    }
    const git = new Git(dir);
    const inside = await git.exec(['rev-parse', '--is-inside-work-tree']);
    if (inside.code !== 0) await git.run(['init', '-q']);
    if (boolFlag(args, 'json')) {
      ctx.out(JSON.stringify({ dir, plan: paths.plan, workflows }, null, 2));
      return EXIT.ok;
    }
    for (const line of lines) ctx.out(line);
    ctx.out(`created a trust-root repository in ${dir}`);
    ctx.out(`  edit ${paths.plan} (holders, thresholds, expiry), then enroll keys:`);
    ctx.out('  tuf-ceremony key add --holder NAME --generate ed25519');
    return 0;
  },
};
