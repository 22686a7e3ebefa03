import { decodeUtf8 } from '../metadata/json.js';
import { keyFingerprint } from '../metadata/keys.js';
import type { AnySigned, Key } from '../metadata/model.js';
import { reviewDraft } from './review.js';
import type { SigningNeed } from './signing-needs.js';
import type { StagedCeremony, StagedDraft } from './staging.js';

// Air-gapped signing: a signing request carries everything a holder's offline machine needs to
// review and sign (the exact bytes, the review, the keys expected to sign); a signing response
// carries the signatures back. Both are versioned, deterministic JSON (docs/offline-signing.md).

/** `format` of a signing request. */
export const REQUEST_FORMAT = 'tuf-ceremony/signing-request';
/** `format` of a signing response. */
export const RESPONSE_FORMAT = 'tuf-ceremony/signing-response';
/** The one version of both documents this tool writes and reads. */
export const OFFLINE_FORMAT_VERSION = 1;

/** A key the holder is expected to sign a role with. */
export interface RequestKey {
  keyid: string;
  key: Key;
  /** Short fingerprint of the public key, for reading aloud. */
  fingerprint: string;
  /** Authorities the key counts for, e.g. `new root v2`, `old root v1`. */
  counts_for: string[];
}

/** One role to sign. */
export interface RequestRole {
  role: string;
  version: number;
  /** The exact bytes to sign (OLPC canonical JSON of `signed`), as UTF-8 text. */
  canonical_signed: string;
  /** sha256 of those bytes, hex. */
  sha256: string;
  /** Length of those bytes. */
  length: number;
  /** The published `signed` this version replaces (null for a first version), for the review. */
  published: AnySigned | null;
  /** What `tuf-ceremony review` shows for this role. */
  review: string[];
  keys: RequestKey[];
}

/** A signing request (one holder, every role that holder still must sign). */
export interface SigningRequest {
  format: typeof REQUEST_FORMAT;
  version: typeof OFFLINE_FORMAT_VERSION;
  trust_root: string;
  ceremony: string;
  holder: string;
  /** Published root version the ceremony builds on (0 before the first ceremony). */
  published_root_version: number;
  /** Published version of each staged role the ceremony builds on (0: never published). */
  base: Record<string, number>;
  roles: RequestRole[];
}

/** One signature in a response. */
export interface ResponseSignature {
  role: string;
  version: number;
  /** sha256 of the bytes signed (the request's role sha256). */
  signed_sha256: string;
  keyid: string;
  sig: string;
}

/** A signing response: signatures only, never anything secret. */
export interface SigningResponse {
  format: typeof RESPONSE_FORMAT;
  version: typeof OFFLINE_FORMAT_VERSION;
  ceremony: string;
  holder: string;
  /** sha256 of the request file's bytes. */
  request_sha256: string;
  signatures: ResponseSignature[];
}

/** What the connected machine knows when it exports a request. */
export interface RequestInput {
  trustRoot: string;
  ceremony: StagedCeremony;
  holder: string;
  needs: readonly SigningNeed[];
  drafts: ReadonlyMap<string, StagedDraft>;
  publishedRootVersion: number;
  publishedSigned: (role: string) => AnySigned | undefined;
}

/** Builds the request for a holder's signing needs, in the ceremony's signing order. */
export function buildSigningRequest(input: RequestInput): SigningRequest {
  const roles: RequestRole[] = [];
  for (const role of input.ceremony.roles) {
    const draft = input.drafts.get(role);
    const needs = input.needs.filter((n) => n.role === role);
    if (!draft || needs.length === 0) continue;
    const published = input.publishedSigned(role);
    roles.push({
      role,
      version: draft.metadata.signed.version,
      canonical_signed: decodeUtf8(draft.canonical),
      sha256: draft.sha256,
      length: draft.canonical.length,
      published: published ?? null,
      review: reviewDraft(draft, published),
      keys: needs.map((n) => ({
        keyid: n.enrolled.keyid,
        key: n.enrolled.key,
        fingerprint: keyFingerprint(n.enrolled.key),
        counts_for: n.labels,
      })),
    });
  }
  const base: Record<string, number> = {};
  for (const r of roles) base[r.role] = input.ceremony.base[r.role] ?? 0;
  return {
    format: REQUEST_FORMAT,
    version: OFFLINE_FORMAT_VERSION,
    trust_root: input.trustRoot,
    ceremony: input.ceremony.id,
    holder: input.holder,
    published_root_version: input.publishedRootVersion,
    base,
    roles,
  };
}
