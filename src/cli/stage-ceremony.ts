import { planNextVersions, type PlannedRole } from '../ceremony/next-versions.js';
import { publishedVersion } from '../ceremony/published.js';
import type { StagedCeremony, StagedDraft } from '../ceremony/staging.js';
import { CeremonyError } from '../metadata/errors.js';
import { formatExpiry, parseTime } from '../metadata/time.js';
import { toDraft, writeStaging } from '../repo/staging-store.js';
import { readDelegatedTargetInputs, readTargetInputs } from '../repo/target-inputs.js';
import type { LoadedCeremony } from './ceremony-context.js';
import { openCeremonyId, recordEvent, recordEvents } from './transcript.js';
import { ceremonyInputs, inputsBeforePlanning, recordPlanning } from './planning-record.js';

// Staging: the drafts planning gives from the plan, the active enrolled keys, the target inputs
// and the published repository. `stage` runs it; `refresh` runs it for offline roles that are
// due; `publish --check` re-runs the planning to prove the staged drafts follow from the
// committed plan and keys.

/** The time a ceremony plans at: a staged ceremony's own start, so re-stages are stable. */
export function planningTime(loaded: LoadedCeremony, now: number): number {
  return loaded.staging
    ? parseTime(loaded.staging.ceremony.created, loaded.paths.stagedCeremony)
    : now;
}

/** The next versions the ceremony's files call for at `at` (roles in `force` re-signed anyway). */
export async function planFromCeremony(
  loaded: LoadedCeremony,
  at: number,
  force: readonly string[],
): Promise<PlannedRole[]> {
  const topLevelTargets = await readTargetInputs(loaded.paths.root);
  const delegatedTargets = await readDelegatedTargetInputs(
    loaded.paths.root,
    loaded.plan.delegations.map((d) => d.name),
  );
  return planNextVersions({
    plan: loaded.plan,
    keys: loaded.keys,
    published: loaded.published,
    now: at,
    force,
    ...(topLevelTargets ? { topLevelTargets } : {}),
    ...(delegatedTargets.size > 0 ? { delegatedTargets } : {}),
  });
}

/** What staging did. */
export type StageOutcome =
  | { kind: 'nothing' }
  | { kind: 'unchanged'; id: string }
  | {
      kind: 'staged';
      id: string;
      restaged: boolean;
      planned: PlannedRole[];
      drafts: StagedDraft[];
    };

/**
 * Plans and writes staged/ with the ceremony's transcript events. An existing ceremony whose
 * drafts would change is only re-staged with `restage` (its old signatures stop counting).
 */
export async function stageCeremony(
  loaded: LoadedCeremony,
  now: number,
  options: {
    force: readonly string[];
    restage: boolean;
    /** This machine's planning records (see planning-record.ts). */
    recordsDir: string;
    onDraft?: (total: number) => void;
  },
): Promise<StageOutcome> {
  const at = planningTime(loaded, now);
  // Digested before planning reads the inputs (see plan-drift.ts).
  const inputs = await inputsBeforePlanning(loaded);
  const planned = await planFromCeremony(loaded, at, options.force);
  if (planned.length === 0) return { kind: 'nothing' };
  const drafts = planned.map((p) => toDraft(p.role, { signed: p.signed, signatures: [] }));
  const record = (created: string): Promise<void> =>
    recordPlanning(
      options.recordsDir,
      loaded,
      ceremonyInputs(
        inputs,
        created,
        drafts.map((d) => d.role),
      ),
      new Map(drafts.map((d) => [d.role, d.sha256])),
    );
  const previous = loaded.staging;
  if (previous) {
    const same =
      drafts.length === previous.drafts.size &&
      drafts.every((d) => previous.drafts.get(d.role)?.sha256 === d.sha256);
    if (same) {
      await record(previous.ceremony.created);
      return { kind: 'unchanged', id: previous.ceremony.id };
    }
    if (!options.restage) {
      throw new CeremonyError(
        'STATE_INVALID',
        `ceremony ${previous.ceremony.id} is in progress and the drafts would change; run stage --restage (signatures over the old drafts will no longer count)`,
      );
    }
  }
  const id = previous?.ceremony.id ?? (await openCeremonyId(loaded.paths, at));
  const base: Record<string, number> = {};
  for (const role of ['root', 'targets', 'snapshot', 'timestamp', ...planned.map((p) => p.role)])
    base[role] = publishedVersion(loaded.published, role);
  const ceremony: StagedCeremony = {
    id,
    created: previous?.ceremony.created ?? formatExpiry(at),
    roles: planned.map((p) => p.role),
    base,
    drafts: Object.fromEntries(drafts.map((d) => [d.role, d.sha256])),
  };
  await writeStaging(loaded.paths, ceremony, drafts, options.onDraft);
  await record(ceremony.created);
  if (!previous) {
    await recordEvent(loaded.paths, 'coordinator', now, 'ceremony.started', id, {
      ceremony_id: id,
      roles: planned.map((p) => `${p.role} v${p.signed.version}`),
    });
  }
  await recordEvents(
    loaded.paths,
    'coordinator',
    now,
    id,
    drafts.map((d) => ({
      type: previous ? 'role.restaged' : 'role.staged',
      data: { role: d.role, version: d.metadata.signed.version, sha256: d.sha256 },
    })),
  );
  return { kind: 'staged', id, restaged: previous !== undefined, planned, drafts };
}
