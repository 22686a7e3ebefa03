// TUF metadata shapes (spec section 4). Objects keep every field they were read with (unknown
// fields such as `x-...` survive round trips, since signatures cover them): these interfaces
// name the fields the tool reads, the runtime objects may carry more.

/** The four top-level role names. */
export type TopLevelRole = 'root' | 'targets' | 'snapshot' | 'timestamp';

/** A public key as it appears in metadata (spec 4.2). */
export interface Key {
  keytype: string;
  scheme: string;
  keyval: { public: string };
}

/** One signature over the canonical bytes of `signed` (spec 4.2). */
export interface Signature {
  keyid: string;
  sig: string;
}

/** Keyids and threshold that authorize a role. */
export interface RoleKeys {
  keyids: string[];
  threshold: number;
}

/** Fields every `signed` carries. */
export interface SignedCommon {
  _type: string;
  spec_version: string;
  version: number;
  expires: string;
}

/** root.json `signed` (spec 4.3). */
export interface RootSigned extends SignedCommon {
  _type: 'root';
  consistent_snapshot?: boolean;
  keys: Record<string, Key>;
  roles: Record<string, RoleKeys>;
}

/** Length and hashes of a target file (spec 4.5). */
export interface TargetFile {
  length: number;
  hashes: Record<string, string>;
  custom?: unknown;
}

/** A path-pattern or hash-prefix delegation (spec 4.5). */
export interface DelegatedRole extends RoleKeys {
  name: string;
  terminating: boolean;
  paths?: string[];
  path_hash_prefixes?: string[];
}

/** TAP 15 succinct hash-bin delegation. */
export interface SuccinctRoles extends RoleKeys {
  bit_length: number;
  name_prefix: string;
}

/** The delegations of a targets role. */
export interface Delegations {
  keys: Record<string, Key>;
  roles?: DelegatedRole[];
  succinct_roles?: SuccinctRoles;
}

/** targets.json (or a delegated role) `signed` (spec 4.5). */
export interface TargetsSigned extends SignedCommon {
  _type: 'targets';
  targets: Record<string, TargetFile>;
  delegations?: Delegations;
}

/** A metadata file's version, with its length and hashes where listed (spec 4.4, 4.6). */
export interface MetaFile {
  version: number;
  length?: number;
  hashes?: Record<string, string>;
}

/** snapshot.json `signed` (spec 4.4). */
export interface SnapshotSigned extends SignedCommon {
  _type: 'snapshot';
  meta: Record<string, MetaFile>;
}

/** timestamp.json `signed` (spec 4.6). */
export interface TimestampSigned extends SignedCommon {
  _type: 'timestamp';
  meta: Record<string, MetaFile>;
}

/** Any role's `signed`. */
export type AnySigned = RootSigned | TargetsSigned | SnapshotSigned | TimestampSigned;

/** The signed envelope of a metadata file. */
export interface Metadata<T extends SignedCommon = AnySigned> {
  signed: T;
  signatures: Signature[];
}

/** The spec version this tool writes. */
export const SPEC_VERSION = '1.0.31';
