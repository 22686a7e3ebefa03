import type { RootSigned } from '../model.js';
import { parseMetadata } from '../parse.js';
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
import { knownRole, parseRole, type ParsedRole } from './parse-role.js';
import type { RoleReport } from './report.js';
import type { MetadataSource, SizeLimits } from './source.js';

/** Timestamp and snapshot a client trusted before (its cache); used for rollback checks. */
export interface PreviousMetadata {
  timestamp?: Uint8Array;
  snapshot?: Uint8Array;
}

const NO_KEYS = { keyids: [], threshold: 1 };

/** Spec 5.4: fetch and verify timestamp.json (always unversioned). */
export async function loadTimestamp(
  source: MetadataSource,
  root: RootSigned,
  limits: SizeLimits,
  now: number,
  previous: PreviousMetadata,
): Promise<{ parsed: ParsedRole<'timestamp'>; report: RoleReport }> {
  const file = 'timestamp.json';
  const bytes = await fetchMetadataFile(source, 'timestamp', file, limits.timestamp);
  const parsed =
    knownRole(source, bytes, 'timestamp', file) ?? parseRole(bytes, 'timestamp', 'timestamp', file);
  const signed = parsed.metadata.signed;
  // spec 5.4.2: a threshold of the root's timestamp keys must sign.
  const result = verifyRoleSignatures(
    'timestamp',
    parsed.canonical,
    parsed.metadata.signatures,
    root.keys,
    root.roles.timestamp ?? NO_KEYS,
  );
  checkThreshold(result, 'timestamp', file, '5.4.2: a threshold of the timestamp keys must sign');
  if (previous.timestamp !== undefined) {
    const old = parseMetadata(previous.timestamp, 'timestamp', 'previous timestamp').signed;
    // spec 5.4.3.1: the timestamp version must not decrease.
    if (signed.version < old.version) {
      fail(
        'VERSION_ROLLBACK',
        'timestamp',
        file,
        `version ${signed.version} is older than the trusted version ${old.version}`,
        '5.4.3.1: timestamp version must not decrease',
      );
    }
    // spec 5.4.3.2: the snapshot version it lists must not decrease.
    const before = old.meta['snapshot.json']?.version ?? 0;
    const listed = signed.meta['snapshot.json']?.version ?? 0;
    if (listed < before) {
      fail(
        'VERSION_ROLLBACK',
        'timestamp',
        file,
        `lists snapshot version ${listed}, the trusted timestamp listed ${before}`,
        '5.4.3.2: snapshot version must not decrease',
      );
    }
  }
  // spec 5.4.4: the timestamp must not be expired.
  checkExpiry(signed.expires, now, 'timestamp', file, '5.4.4: timestamp must not be expired');
  const report = {
    name: 'timestamp',
    file,
    version: signed.version,
    expires: signed.expires,
    result,
    delegatedBy: 'root',
  };
  return { parsed, report };
}

/** Spec 5.5: fetch and verify the snapshot the timestamp lists. */
export async function loadSnapshot(
  source: MetadataSource,
  root: RootSigned,
  timestamp: ParsedRole<'timestamp'>,
  limits: SizeLimits,
  now: number,
  previous: PreviousMetadata,
): Promise<{ parsed: ParsedRole<'snapshot'>; report: RoleReport }> {
  const tsSigned = timestamp.metadata.signed;
  const listedBy = `timestamp v${tsSigned.version}`;
  const meta = tsSigned.meta['snapshot.json'] ?? { version: 0 };
  // spec 5.5.1: N.snapshot.json with consistent snapshots, snapshot.json otherwise.
  const file = root.consistent_snapshot ? `${meta.version}.snapshot.json` : 'snapshot.json';
  const cap = { fallback: limits.metadata, cap: limits.maxMetadata };
  const maxLength = metadataLimit(meta.length, cap, 'snapshot', file);
  const bytes = await fetchMetadataFile(source, 'snapshot', file, maxLength);
  // spec 5.5.2: length and hashes as the timestamp lists them, checked before parsing.
  checkLengthAndHashes(bytes, meta, 'snapshot', file, '5.5.2: match the timestamp', listedBy);
  const parsed =
    knownRole(source, bytes, 'snapshot', file) ?? parseRole(bytes, 'snapshot', 'snapshot', file);
  const signed = parsed.metadata.signed;
  // spec 5.5.3: a threshold of the root's snapshot keys must sign.
  const result = verifyRoleSignatures(
    'snapshot',
    parsed.canonical,
    parsed.metadata.signatures,
    root.keys,
    root.roles.snapshot ?? NO_KEYS,
  );
  checkThreshold(result, 'snapshot', file, '5.5.3: a threshold of the snapshot keys must sign');
  // spec 5.5.4: the version must be the one the timestamp lists.
  checkVersion(signed.version, meta, 'snapshot', file, '5.5.4: version in timestamp', listedBy);
  if (previous.snapshot !== undefined) {
    const old = parseMetadata(previous.snapshot, 'snapshot', 'previous snapshot').signed;
    // spec 5.5.5: no targets role may disappear or go back to an older version.
    for (const [name, oldMeta] of Object.entries(old.meta)) {
      const current = signed.meta[name];
      if (current === undefined || current.version < oldMeta.version) {
        fail(
          'VERSION_ROLLBACK',
          'snapshot',
          file,
          current === undefined
            ? `drops ${name}, which the trusted snapshot listed`
            : `lists ${name} version ${current.version}, the trusted snapshot listed ${oldMeta.version}`,
          '5.5.5: targets roles must not be removed or rolled back',
        );
      }
    }
  }
  // spec 5.5.6: the snapshot must not be expired.
  checkExpiry(signed.expires, now, 'snapshot', file, '5.5.6: snapshot must not be expired');
  const report = {
    name: 'snapshot',
    file,
    version: signed.version,
    expires: signed.expires,
    result,
    delegatedBy: 'root',
  };
  return { parsed, report };
}
