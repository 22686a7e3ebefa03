import { CeremonyError } from './errors.js';
import {
  SPEC_VERSION,
  type MetaFile,
  type RoleKeys,
  type RootSigned,
  type SignedCommon,
  type SnapshotSigned,
  type TargetsSigned,
  type TimestampSigned,
  type TopLevelRole,
} from './model.js';
import { formatExpiry } from './time.js';

// Initial `signed` objects of the four top-level roles, version bumps and expiry changes. Every
// builder returns a new object and leaves its input untouched; unknown fields are carried over.

/** Version and expiry of a new role; `expires` is epoch milliseconds (written YYYY-MM-DDTHH:MM:SSZ). */
export interface NewRoleOptions {
  expires: number;
  /** Defaults to 1. */
  version?: number;
}

/** Options of a new root: thresholds are explicit (no silent defaults); keys are added later. */
export interface NewRootOptions extends NewRoleOptions {
  thresholds: Readonly<Record<TopLevelRole, number>>;
  /** Defaults to true. */
  consistentSnapshot?: boolean;
}

/** Throws unless `n` is an integer >= `min` (versions, thresholds, lengths). */
export function checkCount(n: number, min: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < min) {
    throw new CeremonyError('METADATA_INVALID', `${what} must be an integer >= ${min}, found ${n}`);
  }
  return n;
}

function common<T extends string>(type: T, options: NewRoleOptions) {
  return {
    _type: type,
    spec_version: SPEC_VERSION,
    version: checkCount(options.version ?? 1, 1, `${type} version`),
    expires: formatExpiry(options.expires),
  };
}

/** A new root `signed`: the four top-level roles with no keys yet and the given thresholds. */
export function newRoot(options: NewRootOptions): RootSigned {
  const roles: Record<string, RoleKeys> = {};
  for (const role of ['root', 'snapshot', 'targets', 'timestamp'] as const) {
    roles[role] = {
      keyids: [],
      threshold: checkCount(options.thresholds[role], 1, `${role} threshold`),
    };
  }
  return {
    ...common('root', options),
    consistent_snapshot: options.consistentSnapshot ?? true,
    keys: {},
    roles,
  };
}

/** A new targets (or delegated targets) `signed` with no targets and no delegations. */
export function newTargets(options: NewRoleOptions): TargetsSigned {
  return { ...common('targets', options), targets: {} };
}

/** A new snapshot `signed`, optionally with meta already computed (see snapshotMeta). */
export function newSnapshot(
  options: NewRoleOptions & { meta?: Readonly<Record<string, MetaFile>> },
): SnapshotSigned {
  return { ...common('snapshot', options), meta: { ...options.meta } };
}

/** A new timestamp `signed`, optionally with its snapshot.json meta (see timestampMeta). */
export function newTimestamp(
  options: NewRoleOptions & { meta?: Readonly<Record<string, MetaFile>> },
): TimestampSigned {
  return { ...common('timestamp', options), meta: { ...options.meta } };
}

/** The next version of a role (version + 1), optionally with a new expiry (epoch ms). */
export function bumpVersion<T extends SignedCommon>(signed: T, expires?: number): T {
  const next = { ...signed, version: checkCount(signed.version, 1, 'version') + 1 };
  if (expires !== undefined) next.expires = formatExpiry(expires);
  return next;
}

/** The same role with a new expiry (epoch ms), version unchanged. */
export function setExpiry<T extends SignedCommon>(signed: T, expires: number): T {
  return { ...signed, expires: formatExpiry(expires) };
}

/** The same role with an explicit version (e.g. a draft planned for version N). */
export function setVersion<T extends SignedCommon>(signed: T, version: number): T {
  return { ...signed, version: checkCount(version, 1, 'version') };
}
