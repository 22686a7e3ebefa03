import { serializeRole, type SerializedRole } from '../metadata/build-meta.js';
import { CeremonyError } from '../metadata/errors.js';
import type { Signature } from '../metadata/model.js';
import type { Signer } from '../metadata/signer.js';
import { signOnlineRoles } from './online-roles.js';
import type { Plan } from './plan.js';
import type { PublishedRepo } from './published.js';
import { collectSignatures, type CeremonyStatus } from './status.js';
import type { HolderSignatures, StagedDraft } from './staging.js';

/** Everything a finalize publishes, serialized once (the bytes hashed are the bytes written). */
export interface Release {
  consistentSnapshot: boolean;
  roots: SerializedRole[];
  targets?: SerializedRole;
  delegated: SerializedRole[];
  snapshot?: SerializedRole;
  timestamp: SerializedRole;
}

/** Inputs of a release: the staged ceremony and its status, and the online signers. */
export interface ReleaseInput {
  plan: Plan;
  drafts: ReadonlyMap<string, StagedDraft>;
  holders: readonly HolderSignatures[];
  status: CeremonyStatus;
  published: PublishedRepo;
  now: number;
  snapshotSigners: readonly Signer[];
  timestampSigners: readonly Signer[];
}

/** The signatures of a draft that verified for at least one of its authorities. */
function countedSignatures(
  draft: StagedDraft,
  holders: readonly HolderSignatures[],
  role: CeremonyStatus['roles'][number],
): Signature[] {
  const valid = new Set(role.checks.flatMap((c) => [...c.result.signed, ...c.result.duplicates]));
  const seen = new Set<string>();
  return collectSignatures(draft, holders).signatures.filter((s) => {
    if (!valid.has(s.keyid) || seen.has(s.keyid)) return false;
    seen.add(s.keyid);
    return true;
  });
}

/** Throws THRESHOLD_NOT_MET naming every role and authority still short of signatures. */
export function assertReady(status: CeremonyStatus): void {
  const short = status.roles.filter((r) => !r.ready);
  if (short.length > 0) {
    const detail = short
      .map(
        (r) =>
          `${r.role} v${r.version}: ${r.checks.map((c) => `${c.label} ${c.holdersCounted}/${c.result.threshold} holders`).join(', ')}`,
      )
      .join('; ');
    throw new CeremonyError('THRESHOLD_NOT_MET', `cannot finalize below threshold: ${detail}`);
  }
}

/**
 * Assembles the release of a staged ceremony. Refuses below threshold (spec 5.3.4 for root: old
 * and new; 5.6 and 5.6.7 for targets and delegations), then signs snapshot and timestamp online.
 */
export async function assembleRelease(input: ReleaseInput): Promise<Release> {
  const { status, drafts, holders, published } = input;
  assertReady(status);
  const roots: SerializedRole[] = [];
  const delegated: SerializedRole[] = [];
  let targets: SerializedRole | undefined;
  for (const role of status.roles) {
    const draft = drafts.get(role.role);
    if (!draft) continue;
    const serialized = serializeRole(
      role.role,
      { signed: draft.metadata.signed, signatures: countedSignatures(draft, holders, role) },
      draft.view,
      draft.unsignedFile,
    );
    if (role.role === 'root') roots.push(serialized);
    else if (role.role === 'targets') targets = serialized;
    else delegated.push(serialized);
  }
  const rootDraft = drafts.get('root');
  const root = rootDraft ? rootDraft.metadata.signed : published.root?.metadata.signed;
  if (!root || root._type !== 'root')
    throw new CeremonyError('STATE_INVALID', 'no root to publish under');
  const changed = [...(targets ? [targets] : []), ...delegated];
  const online = await signOnlineRoles({
    plan: input.plan,
    published,
    changed,
    now: input.now,
    snapshot: changed.length > 0 || !published.snapshot,
    snapshotSigners: input.snapshotSigners,
    timestampSigners: input.timestampSigners,
  });
  return {
    consistentSnapshot: root.consistent_snapshot === true,
    roots,
    ...(targets ? { targets } : {}),
    delegated,
    ...(online.snapshot ? { snapshot: online.snapshot } : {}),
    timestamp: online.timestamp,
  };
}
