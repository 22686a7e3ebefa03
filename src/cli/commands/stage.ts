import { planNextVersions } from '../../ceremony/next-versions.js';
import { publishedVersion } from '../../ceremony/published.js';
import type { StagedCeremony } from '../../ceremony/staging.js';
import { formatExpiry, parseTime } from '../../metadata/time.js';
import { CeremonyError } from '../../metadata/errors.js';
import { toDraft, writeStaging } from '../../repo/staging-store.js';
import { readDelegatedTargetInputs, readTargetInputs } from '../../repo/target-inputs.js';
import { boolFlag, stringList, type Command } from '../command.js';
import { DIR_OPTION, ceremonyDir, loadCeremony } from '../ceremony-context.js';
import { openCeremonyId, recordEvent } from '../transcript.js';

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
    // A re-stage plans at the ceremony's own start time, so roles the change does not touch keep
    // byte-identical drafts and their signatures stay valid.
    const now = loaded.staging
      ? parseTime(loaded.staging.ceremony.created, loaded.paths.stagedCeremony)
      : ctx.now();
    const topLevelTargets = await readTargetInputs(loaded.paths.root);
    const delegatedTargets = await readDelegatedTargetInputs(
      loaded.paths.root,
      loaded.plan.delegations.map((d) => d.name),
    );
    const planned = planNextVersions({
      plan: loaded.plan,
      keys: loaded.keys,
      published: loaded.published,
      now,
      force: stringList(args, 'role'),
      ...(topLevelTargets ? { topLevelTargets } : {}),
      ...(delegatedTargets.size > 0 ? { delegatedTargets } : {}),
    });
    if (planned.length === 0) {
      ctx.out('nothing to stage: every role is current (use --role ROLE to re-sign one anyway)');
      return 0;
    }
    const drafts = planned.map((p) => toDraft(p.role, { signed: p.signed, signatures: [] }));
    const previous = loaded.staging;
    if (previous) {
      const same =
        drafts.length === previous.drafts.size &&
        drafts.every((d) => previous.drafts.get(d.role)?.sha256 === d.sha256);
      if (same) {
        ctx.out(
          `ceremony ${previous.ceremony.id} is already staged with these drafts; nothing changed`,
        );
        return 0;
      }
      if (!boolFlag(args, 'restage')) {
        throw new CeremonyError(
          'STATE_INVALID',
          `ceremony ${previous.ceremony.id} is in progress and the drafts would change; run stage --restage (signatures over the old drafts will no longer count)`,
        );
      }
    }
    const id = previous?.ceremony.id ?? (await openCeremonyId(loaded.paths, now));
    const base: Record<string, number> = {};
    for (const role of ['root', 'targets', 'snapshot', 'timestamp', ...planned.map((p) => p.role)])
      base[role] = publishedVersion(loaded.published, role);
    const ceremony: StagedCeremony = {
      id,
      created: previous?.ceremony.created ?? formatExpiry(now),
      roles: planned.map((p) => p.role),
      base,
      drafts: Object.fromEntries(drafts.map((d) => [d.role, d.sha256])),
    };
    await writeStaging(loaded.paths, ceremony, drafts);
    if (!previous) {
      await recordEvent(loaded.paths, 'coordinator', ctx.now(), 'ceremony.started', id, {
        ceremony_id: id,
        roles: planned.map((p) => `${p.role} v${p.signed.version}`),
      });
    }
    for (const d of drafts) {
      await recordEvent(
        loaded.paths,
        'coordinator',
        ctx.now(),
        previous ? 'role.restaged' : 'role.staged',
        ceremony.id,
        {
          role: d.role,
          version: d.metadata.signed.version,
          sha256: d.sha256,
        },
      );
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
