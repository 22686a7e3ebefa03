import type { VerificationResult } from '../verify.js';

/** One step of the root chain: root N+1 checked against root N and against itself (spec 5.3). */
export interface RootStep {
  version: number;
  file: string;
  expires: string;
  /** Signatures of the new root counted against the old root's root role (spec 5.3.4). */
  oldRoot: VerificationResult;
  /** Signatures of the new root counted against its own root role (spec 5.3.4). */
  newRoot: VerificationResult;
}

/** A verified role: where it came from, its version, expiry and signatures. */
export interface RoleReport {
  name: string;
  file: string;
  version: number;
  expires: string;
  result: VerificationResult;
  /** The role whose keys authorized this one (root for top-level roles). */
  delegatedBy: string;
  /**
   * True when this machine verified these exact bytes under the same authority before (finalize
   * only, see verified-roles.ts): version and expiry were checked, the signatures not again, and
   * `result.signed` is empty.
   */
  recorded?: true;
}

/** A target file whose length and hashes matched the metadata that lists it (spec 5.7). */
export interface TargetReport {
  path: string;
  file: string;
  length: number;
  hashes: Record<string, string>;
  /** The targets role that lists it. */
  role: string;
}

/** Everything a verification established; the CLI, finalize and publish --check read it. */
export interface VerifyReport {
  /** Reference time of the expiry checks, as YYYY-MM-DDTHH:MM:SSZ. */
  at: string;
  root: {
    version: number;
    expires: string;
    file: string;
    consistentSnapshot: boolean;
    /** The trusted root's own signatures against its own root role. */
    trusted: VerificationResult;
    chain: RootStep[];
  };
  /** root, timestamp, snapshot, targets, then delegated roles (parents before children). */
  roles: RoleReport[];
  targets: TargetReport[];
  warnings: string[];
}
