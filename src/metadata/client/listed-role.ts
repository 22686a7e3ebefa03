import { digestHex } from '../bytes.js';
import type { Key, MetaFile, RoleKeys, SnapshotSigned } from '../model.js';
import { noSignaturesChecked, verifyRoleSignatures } from '../verify.js';
import { withoutDelegations } from '../without-delegations.js';
import {
  checkExpiry,
  checkLengthAndHashes,
  checkMeasured,
  checkThreshold,
  checkVersion,
  fail,
  fetchMetadataFile,
  metadataLimit,
} from './checks.js';
import { knownRole, parseRole, type ParsedRole } from './parse-role.js';
import type { RoleReport } from './report.js';
import type { MeasuredMetadata, MetadataSource } from './source.js';
import { verifiedRoleKey, type RecordedRole, type VerifiedRoles } from './verified-roles.js';

/** What is needed to load a targets role that snapshot lists (targets or a delegated role). */
export interface ListedRoleRequest {
  name: string;
  snapshot: SnapshotSigned;
  snapshotFile: string;
  consistentSnapshot: boolean;
  /** Keys and threshold of the role that delegates this one (root for targets). */
  keys: Readonly<Record<string, Key>>;
  roleKeys: RoleKeys;
  delegatedBy: string;
  now: number;
  /** Download limit when snapshot lists no length, and the cap on any metadata file. */
  sizeLimit: { fallback: number; cap: number };
  /** Roles this machine verified before (finalize only; see verified-roles.ts). */
  verified?: VerifiedRolesUse;
}

/** The record of verified roles as one verification uses it. */
export interface VerifiedRolesUse {
  roles: VerifiedRoles;
  /** authorityDigest, remembered for this verification. */
  authority: (keys: Readonly<Record<string, Key>>, roleKeys: RoleKeys) => string;
}

/** A targets role as the workflow loaded it: parsed, or taken on the record of verified roles. */
export type LoadedTargets =
  | { parsed: ParsedRole<'targets'>; recorded?: undefined }
  | { parsed?: undefined; recorded: { bytes: () => Uint8Array; file: string; sha256: string } };

/** File name of a targets role: `N.<role>.json` with consistent snapshots (spec 5.6.1). */
export function roleFileName(name: string, version: number, consistent: boolean): string {
  const encoded = encodeURIComponent(name);
  return consistent ? `${version}.${encoded}.json` : `${encoded}.json`;
}

/** Spec 5.6.1-5.6.5 (and 5.6.7.2 for delegated roles): fetch and verify one targets role. */
export async function loadListedRole(
  source: MetadataSource,
  req: ListedRoleRequest,
): Promise<{ loaded: LoadedTargets; report: RoleReport }> {
  const { name, snapshot, snapshotFile } = req;
  const listedBy = `snapshot v${snapshot.version}`;
  const meta = snapshot.meta[`${name}.json`];
  if (meta === undefined) {
    fail(
      'FILE_MISSING',
      name,
      snapshotFile,
      `${listedBy} does not list ${name}.json`,
      '5.6.1: snapshot lists every targets role',
    );
  }
  const file = roleFileName(name, meta.version, req.consistentSnapshot);
  const maxLength = metadataLimit(meta.length, req.sizeLimit, name, file);
  const measured = takenAsMeasured(source, req, { file, maxLength, meta, listedBy });
  if (measured !== undefined) return measured;
  const bytes = await fetchMetadataFile(source, name, file, maxLength);
  // Facts the source established as it read these bytes, used with the record only (finalize).
  const facts = req.verified === undefined ? undefined : source.knownFacts?.(bytes);
  const sha256 =
    req.verified === undefined ? undefined : (facts?.sha256 ?? digestHex('sha256', bytes));
  const noDelegations = (): boolean => facts?.withoutDelegations ?? withoutDelegations(bytes);
  // spec 5.6.2: length and hashes as snapshot lists them, checked before parsing.
  const rule = '5.6.2: match the snapshot listing';
  checkLengthAndHashes(bytes, meta, name, file, rule, listedBy, sha256);
  const known = knownRole(source, bytes, 'targets', file);
  const key =
    req.verified && sha256 !== undefined
      ? verifiedRoleKey(name, sha256, req.verified.authority(req.keys, req.roleKeys))
      : undefined;
  const recorded =
    known === undefined && key !== undefined ? req.verified?.roles.get(key) : undefined;
  // Only a role without delegations is taken on the record: the walk needs a delegator parsed.
  if (recorded !== undefined && sha256 !== undefined && noDelegations()) {
    const report = checkRecorded(recorded, meta, req, { file, listedBy });
    return { loaded: { recorded: { bytes: () => bytes, file, sha256 } }, report };
  }
  const parsed = known ?? parseRole(bytes, 'targets', name, file);
  const signed = parsed.metadata.signed;
  // spec 5.6.3: a threshold of the delegating role's keys for this role must sign.
  const result = verifyRoleSignatures(
    name,
    parsed.canonical,
    parsed.metadata.signatures,
    req.keys,
    req.roleKeys,
  );
  checkThreshold(result, name, file, `5.6.3: a threshold of ${req.delegatedBy}'s keys must sign`);
  // spec 5.6.4: the version must be the one snapshot lists.
  checkVersion(signed.version, meta, name, file, '5.6.4: version listed in snapshot', listedBy);
  // spec 5.6.5: the role must not be expired.
  checkExpiry(signed.expires, req.now, name, file, '5.6.5: targets roles must not be expired');
  if (key !== undefined && signed.delegations === undefined && noDelegations())
    req.verified?.roles.add(key, { version: signed.version, expires: signed.expires });
  return {
    loaded: { parsed },
    report: {
      name,
      file,
      version: signed.version,
      expires: signed.expires,
      result,
      delegatedBy: req.delegatedBy,
    },
  };
}

/**
 * A role taken on this machine's measurement of its file (finalize only): the source vouches that
 * the file on disk is, unchanged since it hashed it, of this length and sha256 (its file status,
 * which any write moves, is as it was then: src/repo/file-digests.ts), so spec 5.6.2 is checked
 * against that length and sha256 as it would be against freshly read bytes (any other listed
 * hash is computed from the bytes). It stands only for a role the record holds verified in full
 * under the same name, bytes and authority and known free of delegations, whose recorded version
 * and expiry are then checked (5.6.4, 5.6.5). Anything else, a mismatch included, is undefined:
 * the caller fetches and checks the file as always, and reports any failure as always.
 */
function takenAsMeasured(
  source: MetadataSource,
  req: ListedRoleRequest,
  at: { file: string; maxLength: number; meta: MetaFile; listedBy: string },
): { loaded: LoadedTargets; report: RoleReport } | undefined {
  const { file, maxLength, meta, listedBy } = at;
  if (req.verified === undefined) return undefined;
  const measured = source.measuredMetadata?.(file, maxLength);
  if (measured === undefined || !measured.withoutDelegations || measured.length > maxLength)
    return undefined;
  const key = verifiedRoleKey(
    req.name,
    measured.sha256,
    req.verified.authority(req.keys, req.roleKeys),
  );
  const recorded = req.verified.roles.get(key);
  if (recorded === undefined || !matchesListing(measured, meta)) return undefined;
  const report = checkRecorded(recorded, meta, req, { file, listedBy });
  return { loaded: { recorded: { bytes: measured.bytes, file, sha256: measured.sha256 } }, report };
}

/** Spec 5.6.2 on a measured file: the listed length and every listed hash this client checks. */
function matchesListing(measured: MeasuredMetadata, meta: MetaFile): boolean {
  try {
    const digest = (alg: string): string =>
      alg === 'sha256' ? measured.sha256 : digestHex(alg, measured.bytes());
    const at = { role: '', file: '', rule: '5.6.2', listedBy: '' };
    checkMeasured({ length: measured.length, digest }, meta, at);
    return true;
  } catch {
    return false;
  }
}

/**
 * Spec 5.6.4 / 5.6.5 on the facts recorded when this machine verified the same bytes under the
 * same authority: the version snapshot lists now, and no expiry at `now`.
 */
function checkRecorded(
  recorded: RecordedRole,
  meta: MetaFile,
  req: ListedRoleRequest,
  { file, listedBy }: { file: string; listedBy: string },
): RoleReport {
  const { name } = req;
  checkVersion(recorded.version, meta, name, file, '5.6.4: version listed in snapshot', listedBy);
  checkExpiry(recorded.expires, req.now, name, file, '5.6.5: targets roles must not be expired');
  return {
    name,
    file,
    version: recorded.version,
    expires: recorded.expires,
    // Its signatures were checked when it was recorded, not again.
    result: noSignaturesChecked(name, req.roleKeys.threshold, true),
    delegatedBy: req.delegatedBy,
    recorded: true,
  };
}
