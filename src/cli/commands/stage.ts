import { boolFlag, stringList, type Command } from '../command.js';
import { DIR_OPTION, ceremonyDir, loadCeremony } from '../ceremony-context.js';
import { stageCeremony } from '../stage-ceremony.js';
import { stageChecks } from '../stage-checks.js';
import { recordEvent } from '../transcript.js';
import { stagedTrustOperations } from '../trust-review.js';

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
    const { warnings, hasTrustMaterial } = await stageChecks(loaded, ctx.now());
    for (const w of warnings) ctx.err(`warning: ${w}`);
    const outcome = await stageCeremony(loaded, ctx.now(), {
      force: stringList(args, 'role'),
      restage: boolFlag(args, 'restage'),
    });
    if (outcome.kind === 'nothing') {
      ctx.out('nothing to stage: every role is current (use --role ROLE to re-sign one anyway)');
      return 0;
    }
    if (outcome.kind === 'unchanged') {
      ctx.out(`ceremony ${outcome.id} is already staged with these drafts; nothing changed`);
      return 0;
    }
    const { id, planned, drafts } = outcome;
    // The trust-material operations are recorded with the warnings for the transcript summary.
    const operations = hasTrustMaterial
      ? await stagedTrustOperations(await loadCeremony(loaded.paths.root))
      : undefined;
    const changes = (operations ?? []).map((op) => op.text);
    if (warnings.length > 0 || changes.length > 0) {
      await recordEvent(loaded.paths, 'coordinator', ctx.now(), 'sigstore.checked', id, {
        changes,
        warnings,
      });
    }
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
    ctx.out(`staged ceremony ${id}:`);
    for (const [i, p] of planned.entries()) {
      ctx.out(
        `  ${p.role} v${p.signed.version} (expires ${p.signed.expires}): ${p.reasons.join('; ')}`,
      );
      ctx.out(`    sha256 of the bytes to sign: ${drafts[i]?.sha256 ?? ''}`);
    }
    ctx.out(
      'who must sign what: tuf-ceremony status; each holder reviews with tuf-ceremony review --holder NAME',
    );
    return 0;
  },
};
