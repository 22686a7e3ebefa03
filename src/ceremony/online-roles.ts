import { CeremonyError } from '../metadata/errors.js';
import {
  updateSnapshotMeta,
  updateTimestampMeta,
  type SerializedRole,
} from '../metadata/build-meta.js';
import { newSnapshot, newTimestamp } from '../metadata/build-roles.js';
import { signRole } from '../metadata/signed-file.js';
import type { Signer } from '../metadata/signer.js';
import { formatExpiry } from '../metadata/time.js';
import type { SnapshotSigned, TimestampSigned } from '../metadata/model.js';
import type { Plan } from './plan.js';
import type { PublishedRepo } from './published.js';

/** Newly signed snapshot (when made) and timestamp. */
export interface OnlineRelease {
  snapshot?: SerializedRole;
  timestamp: SerializedRole;
}

/** What to sign with the online keys. */
export interface OnlineRolesInput {
  plan: Plan;
  published: PublishedRepo;
  /** Targets-type roles newly serialized by this release (their meta goes into snapshot). */
  changed: readonly SerializedRole[];
  now: number;
  /** Make a new snapshot (always when `changed` is not empty). */
  snapshot: boolean;
  snapshotSigners: readonly Signer[];
  timestampSigners: readonly Signer[];
}

/**
 * Signs the next snapshot (meta from the exact serialized bytes of each changed role, other
 * entries kept: spec 5.5.5, a snapshot never drops a role) and the next timestamp (spec 5.4:
 * version strictly increasing; meta of the snapshot with length and hashes).
 */
export async function signOnlineRoles(input: OnlineRolesInput): Promise<OnlineRelease> {
  const { plan, published, now } = input;
  let snapshotRole: SerializedRole | undefined;
  if (input.snapshot || input.changed.length > 0) {
    const previous = published.snapshot?.metadata.signed;
    const base: SnapshotSigned = previous
      ? {
          ...previous,
          version: previous.version + 1,
          expires: formatExpiry(now + plan.roles.snapshot.expiresMs),
        }
      : newSnapshot({ expires: now + plan.roles.snapshot.expiresMs });
    const next = updateSnapshotMeta(base, input.changed);
    snapshotRole = await signRole('snapshot', next, input.snapshotSigners);
  }
  const pointTo = snapshotRole ?? currentSnapshot(published);
  const previousTimestamp = published.timestamp?.metadata.signed;
  const base: TimestampSigned = previousTimestamp
    ? {
        ...previousTimestamp,
        version: previousTimestamp.version + 1,
        expires: formatExpiry(now + plan.roles.timestamp.expiresMs),
      }
    : newTimestamp({ expires: now + plan.roles.timestamp.expiresMs });
  const timestamp = updateTimestampMeta(base, pointTo);
  const timestampRole = await signRole('timestamp', timestamp, input.timestampSigners);
  return snapshotRole
    ? { snapshot: snapshotRole, timestamp: timestampRole }
    : { timestamp: timestampRole };
}

function currentSnapshot(published: PublishedRepo): SerializedRole {
  const snapshot = published.snapshot;
  if (!snapshot)
    throw new CeremonyError('STATE_INVALID', 'no published snapshot to point the timestamp at');
  return { name: 'snapshot', version: snapshot.metadata.signed.version, file: snapshot.file };
}
