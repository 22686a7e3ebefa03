import { copyMap, hasOwn, setOwn } from './build-own.js';
import { CeremonyError } from './errors.js';
import type { MetaFile, Metadata, SnapshotSigned, TimestampSigned } from './model.js';
import {
  envelopeWithSignatures,
  metaFileFor,
  serializedFromBytes,
  serializeMetadata,
  signedEnvelopeBytes,
  type SerializedFile,
} from './serialize.js';

// Snapshot and timestamp meta are computed from the serialized bytes that will be written
// (never from a re-serialization): version, length and sha256 always (TUF-FACTS: tough-based
// clients need length and hashes).

/** A role serialized once: its name (`root`, `targets`, a delegated name), version and bytes. */
export interface SerializedRole {
  readonly name: string;
  readonly version: number;
  readonly file: SerializedFile;
  /** The envelope the bytes were serialized from, when this process made them. */
  readonly metadata?: Metadata;
  /** The canonical bytes of `metadata.signed` its signatures were made over, when signed here. */
  readonly canonical?: Uint8Array;
}

/**
 * Serializes a signed envelope once into a SerializedRole; `signedView`, the sorted view
 * canonicalForm gave for `metadata.signed`, spares walking a large role a second time, and
 * `unsigned`, the role's file as laid out with an empty signatures array, spares writing it again.
 */
export function serializeRole(
  name: string,
  metadata: Metadata,
  signedView?: unknown,
  unsigned?: Uint8Array,
): SerializedRole {
  const laidOut =
    unsigned === undefined ? undefined : envelopeWithSignatures(unsigned, metadata.signatures);
  const file =
    laidOut !== undefined
      ? serializedFromBytes(laidOut)
      : signedView === undefined
        ? serializeMetadata(metadata)
        : serializedFromBytes(
            signedEnvelopeBytes(metadata.signatures, metadata.signed, signedView),
          );
  return { name, version: metadata.signed.version, file, metadata };
}

/** Wraps bytes already serialized (e.g. read from disk) as a SerializedRole. */
export function serializedRole(
  name: string,
  version: number,
  file: SerializedFile,
): SerializedRole {
  return { name, version, file };
}

/** Snapshot meta entries (`<name>.json`) for targets and delegated roles. */
export function snapshotMeta(roles: Iterable<SerializedRole>): Record<string, MetaFile> {
  const meta: Record<string, MetaFile> = {};
  for (const role of roles) {
    if (role.name === 'root' || role.name === 'snapshot' || role.name === 'timestamp') {
      throw new CeremonyError(
        'METADATA_INVALID',
        `snapshot meta cannot list ${role.name}.json (spec 4.4)`,
      );
    }
    setOwn(meta, `${role.name}.json`, metaFileFor(role.version, role.file));
  }
  return meta;
}

function checkNoRollback(file: string, previous: MetaFile | undefined, next: MetaFile): void {
  // spec 5.5.5: a role listed in snapshot never goes back to a lower version.
  if (previous && next.version < previous.version) {
    throw new CeremonyError(
      'VERSION_ROLLBACK',
      `${file}: version ${next.version} is lower than the listed ${previous.version}`,
    );
  }
}

/** Snapshot with the given roles' meta set; other entries kept (a snapshot never drops a role). */
export function updateSnapshotMeta(
  snapshot: SnapshotSigned,
  roles: Iterable<SerializedRole>,
): SnapshotSigned {
  const meta = copyMap(snapshot.meta);
  const updates = snapshotMeta(roles);
  for (const file of Object.keys(updates)) {
    const next = updates[file] as MetaFile;
    checkNoRollback(file, hasOwn(meta, file) ? meta[file] : undefined, next);
    setOwn(meta, file, next);
  }
  return { ...snapshot, meta };
}

/** Timestamp meta for a serialized snapshot: `{"snapshot.json": {version, length, hashes}}`. */
export function timestampMeta(snapshot: SerializedRole): Record<string, MetaFile> {
  if (snapshot.name !== 'snapshot') {
    throw new CeremonyError(
      'METADATA_INVALID',
      `timestamp meta lists snapshot.json, not ${snapshot.name}.json`,
    );
  }
  return { 'snapshot.json': metaFileFor(snapshot.version, snapshot.file) };
}

/** Timestamp pointing at a serialized snapshot; refuses a lower snapshot version (spec 5.4.3). */
export function updateTimestampMeta(
  timestamp: TimestampSigned,
  snapshot: SerializedRole,
): TimestampSigned {
  const meta = timestampMeta(snapshot);
  checkNoRollback(
    'snapshot.json',
    timestamp.meta['snapshot.json'],
    meta['snapshot.json'] as MetaFile,
  );
  return { ...timestamp, meta: { ...timestamp.meta, ...meta } };
}
