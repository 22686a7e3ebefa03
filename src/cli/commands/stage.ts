import { boolFlag, stringList, type Command } from '../command.js';
import { DIR_OPTION, ceremonyDir, loadCeremony } from '../ceremony-context.js';
import { stageCeremony } from '../stage-ceremony.js';
import { inputRoleOf } from '../../ceremony/target-routing.js';
import { count, startProgress, type Progress } from '../progress.js';

/** Staged roles listed one by one; with more, hash bins are counted per delegation. */
const STAGE_DETAIL = 20;

/** `tuf-ceremony stage`: computes the next versions that need signing into staged/. */
export const stageCommand: Command = {
  name: 'stage',
  summary: 'compute the next version of every role that needs one, unsigned, into staged/',
  usage: 'tuf-ceremony stage [--dir DIR] [--role ROLE]... [--restage] [--json]',
  options: {
    ...DIR_OPTION,
    role: { type: 'string', multiple: true },
    restage: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(ctx, args) {
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    const json = args.values.json === true;
    let progress: Progress | undefined;
    const outcome = await stageCeremony(loaded, ctx.now(), {
      force: stringList(args, 'role'),
      restage: boolFlag(args, 'restage'),
      onDraft: (total) => {
        progress ??= startProgress(ctx, 'stage', total, 'drafts', json);
        progress.tick();
      },
    });
    progress?.finish();
    if (outcome.kind === 'nothing') {
      ctx.out('nothing to stage: every role is current (use --role ROLE to re-sign one anyway)');
      return 0;
    }
    if (outcome.kind === 'unchanged') {
      ctx.out(`ceremony ${outcome.id} is already staged with these drafts; nothing changed`);
      return 0;
    }
    const { id, planned, drafts } = outcome;
    if (args.values.json === true) {
      ctx.out(
        JSON.stringify(
          {
            id,
            roles: planned.map((p, i) => ({
              role: p.role,
              version: p.signed.version,
              expires: p.signed.expires,
              reasons: p.reasons,
              sha256: drafts[i]?.sha256,
            })),
          },
          null,
          2,
        ),
      );
      return 0;
    }
    ctx.out(`staged ceremony ${id}: ${count(planned.length)} role(s)`);
    const bins = new Map<string, number>();
    for (const [i, p] of planned.entries()) {
      const input = inputRoleOf(loaded.plan, p.role);
      const delegation = input !== p.role && input !== 'targets' ? input : undefined;
      if (delegation !== undefined && planned.length > STAGE_DETAIL) {
        bins.set(delegation, (bins.get(delegation) ?? 0) + 1);
        continue;
      }
      ctx.out(
        `  ${p.role} v${p.signed.version} (expires ${p.signed.expires}): ${p.reasons.join('; ')}`,
      );
      ctx.out(`    sha256 of the bytes to sign: ${drafts[i]?.sha256 ?? ''}`);
    }
    for (const [delegation, n] of bins)
      ctx.out(
        `  ${count(n)} hash bin(s) of ${delegation} (each bin's version, reasons and sha256: tuf-ceremony review --full)`,
      );
    ctx.out(
      'who must sign what: tuf-ceremony status; each holder reviews with tuf-ceremony review --holder NAME',
    );
    return 0;
  },
};
