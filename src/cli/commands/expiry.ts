import { roleExpiries } from '../../ceremony/expiry.js';
import { parseDuration } from '../../metadata/time.js';
import { loadPublishedRepo } from '../../repo/published-loader.js';
import { boolFlag, EXIT, stringFlag, type Command, JSON_OPTION } from '../command.js';
import { DIR_OPTION, ceremonyDir, loadCeremony } from '../ceremony-context.js';
import { escapeTerminal } from '../../metadata/terminal-text.js';

function human(ms: number): string {
  const abs = Math.abs(ms);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  const text =
    days > 0 ? `${days}d ${hours}h` : `${hours}h ${Math.floor((abs % 3_600_000) / 60_000)}m`;
  return ms < 0 ? `expired ${text} ago` : `${text} left`;
}

/** `tuf-ceremony expiry`: every role's expiry; exit 0 fine, 3 inside a signing window, 4 expired. */
export const expiryCommand: Command = {
  name: 'expiry',
  examples: ['tuf-ceremony expiry', 'tuf-ceremony expiry --within 30d --json'],
  exitCodes: {
    0: 'every published role is fine',
    3: 'a role is inside its signing window (or within --within)',
    4: 'a published role has expired',
  },
  summary:
    "every published role's expiry and signing window (exit 0 fine, 3 inside a window, 4 expired)",
  usage: 'tuf-ceremony expiry [--dir DIR] [--within DURATION] [--json]',
  options: {
    ...DIR_OPTION,
    within: {
      type: 'string',
      valueName: 'DURATION',
      description: 'also report roles expiring within this time (30d, 12h) as attention needed',
    },
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    const published = await loadPublishedRepo(loaded.paths.repository);
    const within = stringFlag(args, 'within');
    const now = ctx.now();
    const rows = roleExpiries(
      loaded.plan,
      published,
      now,
      within === undefined ? 0 : parseDuration(within, '--within'),
    );
    const code = rows.some((r) => r.state === 'expired')
      ? EXIT.expired
      : rows.some((r) => r.state === 'window')
        ? EXIT.attention
        : EXIT.ok;
    if (boolFlag(args, 'json')) {
      ctx.out(
        JSON.stringify(
          {
            at: new Date(now).toISOString(),
            status: code === EXIT.ok ? 'ok' : code === EXIT.attention ? 'window' : 'expired',
            roles: rows,
          },
          null,
          2,
        ),
      );
      return code;
    }
    if (rows.length === 0) ctx.out('nothing is published yet');
    for (const r of rows) {
      const what =
        r.state === 'ok'
          ? 'ok'
          : r.state === 'window'
            ? `INSIDE SIGNING WINDOW (opened ${r.windowOpens})`
            : 'EXPIRED';
      ctx.out(
        escapeTerminal(
          `${r.role.padEnd(12)} v${String(r.version).padEnd(5)} expires ${r.expires} (${human(r.remainingMs)})  ${what}${r.online && r.state !== 'ok' ? ': run tuf-ceremony refresh' : ''}`,
        ),
      );
    }
    return code;
  },
};
