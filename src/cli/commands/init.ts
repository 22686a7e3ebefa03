import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parsePlan } from '../../ceremony/plan.js';
import { renderPlanTemplate } from '../../ceremony/plan-template.js';
import { CeremonyError } from '../../metadata/errors.js';
import { writeFileAtomic } from '../../repo/atomic-write.js';
import { ceremonyPaths } from '../../repo/ceremony-paths.js';
import { Git } from '../../publish/git.js';
import { CHECK_WORKFLOW_PATH, renderCheckWorkflow } from '../../publish/workflow.js';
import { boolFlag, stringFlag, type Command } from '../command.js';
import { pathExists } from '../../repo/path-exists.js';

function parseHolders(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
}

/** `tuf-ceremony init [DIR]`: creates a trust-root repository with a plan to edit. */
export const initCommand: Command = {
  name: 'init',
  summary: 'create a trust-root repository: ceremony.yaml, repository/, ceremony-logs/, keys/, git',
  usage:
    'tuf-ceremony init [DIR] [--name NAME] [--holders a,b,c] [--threshold N] [--online-holder NAME] [--github]',
  positionals: true,
  options: {
    name: { type: 'string' },
    holders: { type: 'string' },
    threshold: { type: 'string' },
    'online-holder': { type: 'string' },
    github: { type: 'boolean' },
  },
  async run(ctx, args) {
    if (args.positionals.length > 1)
      throw new CeremonyError('USAGE', `init takes one directory (usage: ${initCommand.usage})`);
    const dir = resolve(ctx.cwd, args.positionals[0] ?? '.');
    const paths = ceremonyPaths(dir);
    if (await pathExists(paths.plan))
      throw new CeremonyError(
        'STATE_INVALID',
        `${paths.plan}: already exists; nothing was changed`,
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
    for (const d of [paths.repository, paths.logs, paths.keys]) await mkdir(d, { recursive: true });
    await writeFileAtomic(join(paths.repository, '.gitkeep'), '');
    await writeFileAtomic(join(paths.logs, '.gitkeep'), '');
    await writeFileAtomic(paths.plan, text);
    if (boolFlag(args, 'github')) {
      await writeFileAtomic(join(dir, CHECK_WORKFLOW_PATH), renderCheckWorkflow());
      ctx.out(`wrote the pull-request check workflow ${CHECK_WORKFLOW_PATH}`);
    }
    const git = new Git(dir);
    const inside = await git.exec(['rev-parse', '--is-inside-work-tree']);
    if (inside.code !== 0) await git.run(['init', '-q']);
    ctx.out(`created a trust-root repository in ${dir}`);
    ctx.out(`  edit ${paths.plan} (holders, thresholds, expiry), then enroll keys:`);
    ctx.out('  tuf-ceremony key add --holder NAME --generate ed25519');
    return 0;
  },
};
