import type {
  Metadata,
  RootSigned,
  SnapshotSigned,
  TargetsSigned,
  TimestampSigned,
} from '../metadata/model.js';
import type { SerializedFile } from '../metadata/serialize.js';

/** A published role: parsed metadata and the exact bytes it was read from. */
export interface PublishedRole<
  T extends RootSigned | TargetsSigned | SnapshotSigned | TimestampSigned,
> {
  metadata: Metadata<T>;
  file: SerializedFile;
  /**
   * True when the file's bytes provably hold no delegations (no `"delegations"` key and no
   * `\u` escape that could spell one): finding delegators need not parse it.
   */
  withoutDelegations?: boolean;
}

/** The current published state of a repository (what clients see through timestamp.json). */
export interface PublishedRepo {
  /** Every root, by version (kept as N.root.json). */
  roots: Map<number, PublishedRole<RootSigned>>;
  root?: PublishedRole<RootSigned>;
  targets?: PublishedRole<TargetsSigned>;
  /** Delegated targets roles listed in the current snapshot, by name. */
  delegated: Map<string, PublishedRole<TargetsSigned>>;
  snapshot?: PublishedRole<SnapshotSigned>;
  timestamp?: PublishedRole<TimestampSigned>;
}

/** An empty repository (before the first ceremony). */
export function emptyPublishedRepo(): PublishedRepo {
  return { roots: new Map(), delegated: new Map() };
}

/** Published version of a role (0 when never published). */
export function publishedVersion(repo: PublishedRepo, role: string): number {
  switch (role) {
    case 'root':
      return repo.root?.metadata.signed.version ?? 0;
    case 'targets':
      return repo.targets?.metadata.signed.version ?? 0;
    case 'snapshot':
      return repo.snapshot?.metadata.signed.version ?? 0;
    case 'timestamp':
      return repo.timestamp?.metadata.signed.version ?? 0;
    default: {
      // The version snapshot lists, which the loader read the file at: no parse of the role.
      const published = repo.delegated.get(role);
      if (published === undefined) return 0;
      return (
        repo.snapshot?.metadata.signed.meta[`${role}.json`]?.version ??
        published.metadata.signed.version
      );
    }
  }
}
