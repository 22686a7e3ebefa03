/** Signatures counted against the previous root's keys (spec 5.3.4: old AND new threshold). */
export interface PreviousRootView {
  threshold: number;
  validSigners: string[];
  missing: string[];
  /** Distinct keys counted (a holder may hold several); default: distinct validSigners. */
  validKeys?: number;
}

/** One staged role as publishing shows it. */
export interface RoleStatusView {
  name: string;
  version: number;
  /** Expiry as written in the draft (`YYYY-MM-DDTHH:MM:SSZ`). */
  expires: string;
  threshold: number;
  /** Holders whose signatures verify over the current draft bytes. */
  validSigners: string[];
  /** Distinct keys counted toward the threshold; default: the number of distinct validSigners. */
  validKeys?: number;
  /** Holders who can still sign and have not. */
  missing: string[];
  /** Holders whose signatures are over other bytes than the current draft (not counted). */
  stale: string[];
  /** sha256 (hex) of the canonical bytes to sign. */
  sha256: string;
  /** For root: the count against the previous root's keys and threshold. */
  rootOld?: PreviousRootView;
}

/** A ceremony's state as publishing shows it; the ceremony core adapts its status to this. */
export interface CeremonyStatusView {
  ceremonyId: string;
  roles: RoleStatusView[];
  /** True when every threshold (for root: old and new) is met and finalize may run. */
  ready: boolean;
  /** True once finalize has published the roles into repository/ (merging publishes them). */
  finalized?: boolean;
  /** What the staged targets role does to Sigstore trust material, one operation per line. */
  trustChanges?: readonly string[];
}

/** Whether one role's thresholds are met (for root, both the new and the previous root's). */
export function roleThresholdMet(role: RoleStatusView): boolean {
  const own = countedKeys(role) >= role.threshold;
  const old = role.rootOld === undefined || countedKeys(role.rootOld) >= role.rootOld.threshold;
  return own && old;
}

/** Keys counted toward a threshold: `validKeys` when given, else distinct signing holders. */
export function countedKeys(count: {
  validSigners: readonly string[];
  validKeys?: number;
}): number {
  return count.validKeys ?? new Set(count.validSigners).size;
}

/** `root v2, targets v2`: the roles and versions of a ceremony, as titles and messages name them. */
export function rolesAndVersions(view: {
  roles: readonly Pick<RoleStatusView, 'name' | 'version'>[];
}): string {
  return view.roles.map((r) => `${r.name} v${r.version}`).join(', ');
}
