import type { Plan } from '../../ceremony/plan.js';
import { succinctRolesOf } from '../../ceremony/target-routing.js';
import { allBinNames } from '../../metadata/delegation.js';
import { CeremonyError } from '../../metadata/errors.js';
import { boolFlag, stringList, type Command, JSON_OPTION } from '../command.js';
import { DIR_OPTION, ceremonyDir, loadCeremony } from '../ceremony-context.js';
import { repairSignatureEvents } from '../transcript-repair.js';
import { stageCeremony } from '../stage-ceremony.js';

/**
 * Checks `--role` names: root, targets, a delegation of the plan or one of its hash bins.
 * Snapshot and timestamp are signed online (finalize, refresh); anything else is a usage error.
 */
export function checkForcedRoles(plan: Plan, roles: readonly string[]): string[] {
  const known = ['root', 'targets', ...plan.delegations.map((d) => d.name)];
  const bins = new Set(
    plan.delegations.flatMap((d) => {
      const succinct = succinctRolesOf(d);
      return succinct ? allBinNames(succinct) : [];
    }),
  );
  for (const role of roles) {
    if (role === 'snapshot' || role === 'timestamp')
      throw new CeremonyError(
        'USAGE',
        `--role ${role}: ${role} is signed online at finalize; use tuf-ceremony refresh ${role}`,
      );
    if (!known.includes(role) && !bins.has(role))
      throw new CeremonyError(
        'USAGE',
        `--role ${role}: ${plan.file} has no such role (roles: ${known.join(', ')}${bins.size > 0 ? ', or a hash bin' : ''})`,
      );
  }
  return [...roles];
}

/** `tuf-ceremony stage`: computes the next versions that need signing into staged/. */
export const stageCommand: Command = {
  name: 'stage',
  examples: ['tuf-ceremony stage', 'tuf-ceremony stage --role targets --json'],
  summary: 'compute the next version of every role that needs one, unsigned, into staged/',
  usage: 'tuf-ceremony stage [--dir DIR] [--role ROLE]... [--restage] [--json]',
  options: {
    ...DIR_OPTION,
    role: {
      type: 'string',
      multiple: true,
      valueName: 'ROLE',
      description:
        'give this role a new version even when nothing requires one (root, targets, a delegation or bin)',
    },
    restage: {
      type: 'boolean',
      description: 'recompute a staged ceremony from the current plan and inputs',
    },
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    await repairSignatureEvents(ctx, loaded);
    const outcome = await stageCeremony(loaded, ctx.now(), {
      force: checkForcedRoles(loaded.plan, stringList(args, 'role')),
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
