import type { Metadata } from '../metadata/model.js';

/** staged/ceremony.json: what this ceremony stages and the published versions it builds on. */
export interface StagedCeremony {
  id: string;
  created: string;
  /** Names of the roles staged, in signing order (root first). */
  roles: string[];
  /** Published versions this ceremony builds on (0 when the role was never published). */
  base: Record<string, number>;
  /** sha256 of each draft's canonical bytes as staged: a draft edited by hand is refused. */
  drafts: Record<string, string>;
}

/** A staged draft as read from disk, with its canonical bytes hashed once. */
export interface StagedDraft {
  role: string;
  metadata: Metadata;
  /** OLPC canonical bytes of `signed`: exactly what holders sign. */
  canonical: Uint8Array;
  /** sha256 of `canonical`, read aloud by holders on a stream. */
  sha256: string;
  /**
   * The sorted plain view of `signed` that canonicalization found (canonicalForm), so its file is
   * written without walking it again; NOT_PLAIN or absent: the writer checks it.
   */
  view?: unknown;
  /**
   * The draft's file (as made by toDraft, or as read when it is exactly that): the envelope the
   * writer lays out for `metadata` with an empty signatures array, which the release sets the
   * signatures into. Kept for large drafts only.
   */
  unsignedFile?: Uint8Array;
}

/** One stored signature, bound to the bytes it was made over. */
export interface StoredSignature {
  keyid: string;
  sig: string;
  signed_sha256: string;
  signed_at: string;
}

/** staged/signatures/<holder>.json: every signature one holder made in this ceremony. */
export interface HolderSignatures {
  holder: string;
  signatures: Record<string, StoredSignature[]>;
}

/** Adds a signature over a staged draft to a holder's file, bound to the draft's sha256. */
export function storeSignature(
  file: HolderSignatures,
  role: string,
  signature: { keyid: string; sig: string },
  draft: Pick<StagedDraft, 'sha256'>,
  signedAt: string,
): void {
  const list = file.signatures[role] ?? [];
  list.push({
    keyid: signature.keyid,
    sig: signature.sig,
    signed_sha256: draft.sha256,
    signed_at: signedAt,
  });
  file.signatures[role] = list;
}
