import type { Key, RoleKeys, SnapshotSigned } from '../model.js';
import { verifyRoleSignatures } from '../verify.js';
import {
  checkExpiry,
  checkLengthAndHashes,
  checkThreshold,
  checkVersion,
  fail,
  fetchMetadataFile,
  metadataLimit,
} from './checks.js';
import { parseRole, type ParsedRole } from './parse-role.js';
import type { RoleReport } from './report.js';
import type { MetadataSource } from './source.js';

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
}

/** File name of a targets role: `N.<role>.json` with consistent snapshots (spec 5.6.1). */
export function roleFileName(name: string, version: number, consistent: boolean): string {
  const encoded = encodeURIComponent(name);
  return consistent ? `${version}.${encoded}.json` : `${encoded}.json`;
}

/** Spec 5.6.1-5.6.5 (and 5.6.7.2 for delegated roles): fetch and verify one targets role. */
export async function loadListedRole(
  source: MetadataSource,
  req: ListedRoleRequest,
): Promise<{ parsed: ParsedRole<'targets'>; report: RoleReport }> {
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
  const bytes = await fetchMetadataFile(source, name, file, maxLength);
  // spec 5.6.2: length and hashes as snapshot lists them, checked before parsing.
  checkLengthAndHashes(bytes, meta, name, file, '5.6.2: match the snapshot listing', listedBy);
  const parsed = parseRole(bytes, 'targets', name, file);
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
  return {
    parsed,
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
