import { boolFlag, EXIT, type Command, JSON_OPTION } from '../command.js';
import { planRecordsDir } from '../../repo/plan-record.js';
import { DIR_OPTION, ceremonyDir, loadCeremony, statusOf } from '../ceremony-context.js';
import { planDrift } from '../plan-drift.js';
import { renderStatus, statusJson } from '../status-text.js';

/** `tuf-ceremony status`: per role, valid signatures vs threshold and who is missing. */
export const statusCommand: Command = {
  name: 'status',
  examples: ['tuf-ceremony status', 'tuf-ceremony status --json'],
  exitCodes: {
    1: 'a threshold of holders is not met yet, the drafts no longer follow the plan, or the staged files are invalid',
  },
  summary:
    'show each staged role, the holders who signed vs its threshold, who is missing, and plan drift (exit 0 when ready)',
  usage: 'tuf-ceremony status [--dir DIR] [--json]',
  options: { ...DIR_OPTION, ...JSON_OPTION },
  reusesSignatureChecks: true,
  async run(ctx, args) {
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    const status = statusOf(loaded);
    // Holders sign only what the plan says: drafts that no longer follow it are not ready.
    const drift = await planDrift(loaded, planRecordsDir(ctx.env));
    if (boolFlag(args, 'json')) ctx.out(JSON.stringify(statusJson(status, drift), null, 2));
    else for (const line of renderStatus(status, drift)) ctx.out(line);
    return status.ready && drift.length === 0 ? EXIT.ok : EXIT.failed;
  },
};
