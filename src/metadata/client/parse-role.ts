import { canonicalBytes } from '../canonical.js';
import { CeremonyError } from '../errors.js';
import type { AnySigned, Metadata } from '../model.js';
import { parseMetadataCanonical, type RoleType } from '../parse.js';
import type { MetadataSource } from './source.js';

/** A metadata file parsed once, with the canonical bytes of its `signed` computed once. */
export interface ParsedRole<K extends RoleType> {
  metadata: Metadata<Extract<AnySigned, { _type: K }>>;
  /** Canonical bytes of `signed`: what every signature is checked over. */
  canonical: Uint8Array;
  file: string;
}

/** Parses a file of the expected type (spec 5: metadata must be well-formed) and canonicalizes it. */
export function parseRole<K extends RoleType>(
  bytes: Uint8Array,
  type: K,
  role: string,
  file: string,
): ParsedRole<K> {
  let metadata: Metadata<Extract<AnySigned, { _type: K }>>;
  let fromText: Uint8Array | undefined;
  // Parts the shape checks found sorted plain JSON, so canonicalization does not walk them again.
  const proven = new Set<object>();
  try {
    ({ metadata, canonical: fromText } = parseMetadataCanonical(
      bytes,
      type,
      `${role} (${file})`,
      proven,
    ));
  } catch (err) {
    // Messages quote untrusted values escaped and capped; keep them on one line all the same.
    if (err instanceof CeremonyError) {
      throw new CeremonyError(err.code, err.message.replace(/\s*[\r\n]+\s*/g, ' '), {
        cause: err,
      });
    }
    throw err;
  }
  if (fromText !== undefined) return { metadata, canonical: fromText, file };
  let canonical: Uint8Array;
  try {
    canonical = canonicalBytes(metadata.signed, proven);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new CeremonyError(
      'METADATA_INVALID',
      `${role} (${file}): signed has no canonical form: ${detail} (spec 4: canonical JSON)`,
    );
  }
  return { metadata, canonical, file };
}

/**
 * The parsed form `source` serialized these very bytes from (the same bytes object), when it is
 * a role of `type`: a finalize checks the release it just signed without parsing it back.
 */
export function knownRole<K extends RoleType>(
  source: MetadataSource,
  bytes: Uint8Array,
  type: K,
  file: string,
): ParsedRole<K> | undefined {
  const known = source.parsedForm?.(bytes);
  if (known?.metadata.signed._type !== type) return undefined;
  return {
    metadata: known.metadata as ParsedRole<K>['metadata'],
    canonical: known.canonical,
    file,
  };
}
