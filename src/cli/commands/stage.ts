import type { Plan } from '../../ceremony/plan.js';
import { planRecordsDir } from '../../repo/plan-record.js';
import { binRecordsDir } from '../../repo/bin-record.js';
import { toolCacheDir } from '../../repo/tool-cache.js';
import { succinctRolesOf } from '../../ceremony/target-routing.js';
import { allBinNames } from '../../metadata/delegation.js';
import { CeremonyError } from '../../metadata/errors.js';
import { boolFlag, stringList, type Command, JSON_OPTION } from '../command.js';
import { DIR_OPTION, ceremonyDir, loadCeremony } from '../ceremony-context.js';
import { repairSignatureEvents } from '../transcript-repair.js';
import { stageCeremony } from '../stage-ceremony.js';
import { stageChecks } from '../stage-checks.js';
import { recordEvent } from '../transcript.js';
import { stagedTrustOperations } from '../trust-review.js';
import { inputRoleOf } from '../../ceremony/target-routing.js';
import { count, startProgress, type Progress } from '../progress.js';

/** Staged roles listed one by one; with more, hash bins are counted per delegation. */
const STAGE_DETAIL = 20;

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
    // Trust material clients would reject stops staging before anything is written.
    const { warnings, hasTrustMaterial } = await stageChecks(loaded, ctx.now());
    for (const w of warnings) ctx.err(`warning: ${w}`);
    await repairSignatureEvents(ctx, loaded);
    const json = args.values.json === true;
    let progress: Progress | undefined;
    const outcome = await stageCeremony(loaded, ctx.now(), {
      force: checkForcedRoles(loaded.plan, stringList(args, 'role')),
      restage: boolFlag(args, 'restage'),
      recordsDir: planRecordsDir(ctx.env),
      binRecordsDir: binRecordsDir(ctx.env),
      cacheDir: toolCacheDir(ctx.env),
      onDraft: (total) => {
        progress ??= startProgress(ctx, 'stage', total, 'drafts', json);
        progress.tick();
      },
    });
    progress?.finish();
    if (outcome.kind !== 'staged' && json) {
      // Nothing new staged: no ceremony (nothing to do) or the one already staged, unchanged.
      const id = outcome.kind === 'unchanged' ? outcome.id : null;
      ctx.out(JSON.stringify({ id, staged: false, roles: [] }, null, 2));
      return 0;
    }
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
            staged: true,
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
