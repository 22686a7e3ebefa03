import { planNextVersions, type PlannedRole } from '../ceremony/next-versions.js';
import { publishedVersion } from '../ceremony/published.js';
import type { StagedCeremony, StagedDraft } from '../ceremony/staging.js';
import { CeremonyError } from '../metadata/errors.js';
import { formatExpiry, parseTime } from '../metadata/time.js';
import { toDraft, writeStaging } from '../repo/staging-store.js';
import { readDelegatedTargetInputs, readTargetInputs } from '../repo/target-inputs.js';
import { succinctRolesOf } from '../ceremony/target-routing.js';
import type { SuccinctRoles } from '../metadata/model.js';
import type { BinRecord } from '../repo/bin-record.js';
import {
  binByBinDelegations,
  planFileSha256,
  readBinInputs,
  stagedBinFacts,
  delegationFreeRead,
  type DelegationBins,
} from './bin-inputs.js';
import { readBinRecord, writeBinRecord } from '../repo/bin-record.js';
import { recordDelegationFree } from '../repo/delegation-free.js';
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
  return (await planWithBins(loaded, at, force, undefined)).planned;
}

/**
 * Planning, with the bins delegations whose listing is kept per bin read bin by bin (bins that
 * `record`, this machine's facts, knows unchanged are not read at all).
 */
export async function planWithBins(
  loaded: LoadedCeremony,
  at: number,
  force: readonly string[],
  record: BinRecord | undefined,
  hashed?: ReadonlyMap<string, string>,
): Promise<{ planned: PlannedRole[]; bins: Map<string, DelegationBins> }> {
  const root = loaded.paths.root;
  const topLevelTargets = await readTargetInputs(root);
  const succinct = new Map<string, SuccinctRoles>();
  for (const d of loaded.plan.delegations) {
    const s = succinctRolesOf(d);
    if (s) succinct.set(d.name, s);
  }
  // Bins delegations read bin by bin are skipped by the whole-listing reader.
  const chosen = await binByBinDelegations(loaded);
  const delegatedTargets = await readDelegatedTargetInputs(
    root,
    loaded.plan.delegations.map((d) => d.name),
    { succinct, binByBin: new Set(chosen.keys()) },
  );
  const others =
    chosen.size === 0
      ? []
      : [
          ...Object.keys(topLevelTargets ?? {}),
          ...[...delegatedTargets.values()].flatMap((inputs) => Object.keys(inputs)),
        ];
  const checked = await readBinInputs(loaded, chosen, record, others, hashed);
  const planned = planNextVersions({
    plan: loaded.plan,
    keys: loaded.keys,
    published: loaded.published,
    now: at,
    force,
    ...(topLevelTargets ? { topLevelTargets } : {}),
    ...(delegatedTargets.size > 0 ? { delegatedTargets } : {}),
    ...(checked.size > 0
      ? { binInputs: new Map([...checked].map(([name, b]) => [name, b.inputs])) }
      : {}),
  });
  return { planned, bins: checked };
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
    /** This machine's records of bins (bin-record.ts). */
    binRecordsDir: string;
    /** The tool's cache folder (delegation-free.ts). */
    cacheDir: string;
    onDraft?: (total: number) => void;
  },
): Promise<StageOutcome> {
  const at = planningTime(loaded, now);
  // Digested before planning reads the inputs (see plan-drift.ts).
  const hashed = new Map<string, string>();
  const inputs = await inputsBeforePlanning(loaded, options.recordsDir, (file, sha256) =>
    hashed.set(file, sha256),
  );
  const planSha = await planFileSha256(loaded);
  const known = await readBinRecord(options.binRecordsDir, loaded.paths.root);
  const { planned, bins } = await planWithBins(
    loaded,
    at,
    options.force,
    known.plan === planSha ? known : undefined,
    hashed,
  );
  const drafts = planned.map((p) => toDraft(p.role, { signed: p.signed, signatures: [] }));
  // Written only with what is staged (or nothing to stage): finalize turns a staged draft's fact
  // into its published file's.
  const recordBins = async (): Promise<void> => {
    if (bins.size === 0) return;
    const facts = stagedBinFacts(loaded, bins, planned, drafts, known, planSha);
    await writeBinRecord(options.binRecordsDir, loaded.paths.root, facts);
    await recordDelegationFree(options.cacheDir, delegationFreeRead(loaded, bins));
  };
  if (planned.length === 0) {
    await recordBins();
    return { kind: 'nothing' };
  }
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
      await recordBins();
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
  await recordBins();
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
