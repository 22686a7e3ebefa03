import type { Metadata } from '../model.js';

/** Where a client reads a repository from (a directory, an HTTP server, memory in tests). */
export interface MetadataSource {
  /**
   * Bytes of a metadata file (`2.root.json`, `timestamp.json`, ...), or undefined when it does not
   * exist. Throws CeremonyError FILE_TOO_LARGE as soon as more than `maxLength` bytes arrive
   * (the workflow names the role in the message), IO for other failures.
   */
  fetchMetadata(name: string, maxLength: number): Promise<Uint8Array | undefined>;
  /** Bytes of a target file by its path under `targets/`, with the same contract. */
  fetchTarget(path: string, maxLength: number): Promise<Uint8Array | undefined>;
  /**
   * Optional: the length and hex digests (`algorithms`) of a target file, hashed as its bytes
   * arrive so that a large target is never held in memory; same limits and errors as fetchTarget.
   */
  digestTarget?(
    path: string,
    maxLength: number,
    algorithms: readonly string[],
  ): Promise<MeasuredFile | undefined>;
  /**
   * The parsed form of bytes this source returned, when the source made them itself by
   * serializing that metadata (finalize checking its own release): the workflow then skips a
   * second parse and canonicalization of the same bytes, and checks everything else as usual.
   */
  parsedForm?(bytes: Uint8Array): KnownMetadata | undefined;
  /**
   * What this source established about bytes it returned as it read them (finalize's loader
   * hashes every published file and scans it for delegations): with the record of verified
   * roles, the workflow does not hash or scan the same bytes again.
   */
  knownFacts?(bytes: Uint8Array): KnownFacts | undefined;
  /**
   * Optional, used with the record of verified roles only (finalize): the length and sha256 this
   * machine measured of a metadata file whose file status has not changed since, without reading
   * it again; undefined when the source cannot vouch for it (the workflow then fetches it).
   */
  measuredMetadata?(name: string, maxLength: number): MeasuredMetadata | undefined;
}

/** A metadata file as this machine measured it before (see MetadataSource.measuredMetadata). */
export interface MeasuredMetadata {
  length: number;
  sha256: string;
  /** True only when these bytes are known to hold no delegations. */
  withoutDelegations: boolean;
  /** Reads the bytes, refusing any that are not the measured ones. */
  bytes: () => Uint8Array;
}

/** The sha256 of a file's bytes and whether they provably hold no delegations. */
export interface KnownFacts {
  sha256: string;
  /** See withoutDelegations (src/metadata/without-delegations.ts). */
  withoutDelegations: boolean;
}

/** A file measured as a stream: its length and hex digest per algorithm. */
export interface MeasuredFile {
  length: number;
  digests: Readonly<Record<string, string>>;
}

/** Metadata with the canonical bytes of its `signed`, as it was serialized into a file. */
export interface KnownMetadata {
  metadata: Metadata;
  canonical: Uint8Array;
}

/** Size limits a client applies to files whose length no trusted metadata lists. */
export interface SizeLimits {
  root: number;
  timestamp: number;
  /** Snapshot, targets and delegated roles when snapshot or timestamp lists no length. */
  metadata: number;
  /** Any metadata file, whatever length snapshot or timestamp lists (memory is bounded by it). */
  maxMetadata: number;
}

/**
 * Defaults after python-tuf's client: root 512 KiB, timestamp 16 KiB, others 32 MiB; and a cap of
 * 64 MiB on any metadata file (Sigstore's largest, 8.registry.npmjs.org.json, is under 1 MiB).
 */
export const DEFAULT_LIMITS: Readonly<SizeLimits> = {
  root: 512 * 1024,
  timestamp: 16 * 1024,
  metadata: 32 * 1024 * 1024,
  maxMetadata: 64 * 1024 * 1024,
};

/** Most root updates one verification follows (a repository cannot make a client loop forever). */
export const MAX_ROOT_ROTATIONS = 1024;
