import { CeremonyError } from '../metadata/errors.js';
import { decodeUtf8, encodeUtf8 } from '../metadata/json.js';
import { trustedRootMediaType, type TrustedRootVersion } from './media-types.js';
import {
  emptySigningConfig,
  parseSigningConfig,
  serializeSigningConfig,
  type SigningConfigDoc,
} from './signing-config-model.js';
import type { TrustedRootDoc } from './trusted-root-model.js';
import { parseTrustedRoot } from './trusted-root-parse.js';
import { serializeTrustedRoot } from './trusted-root-serialize.js';
import { validateSigningConfigText, validateTrustedRootText } from './validate.js';

// Bytes <-> documents for trusted_root.json and signing_config, with every check on both sides:
// the strict reader of this module and Sigstore's protobuf-specs parser. Pure (no file access), so
// the ceremony can stage the result as a TUF target and hash exactly these bytes.

function utf8(bytes: Uint8Array, file: string): string {
  try {
    return decodeUtf8(bytes);
  } catch {
    throw new CeremonyError('METADATA_INVALID', `${file}: not UTF-8 text`);
  }
}

/** A new, empty trusted root of the given media type generation. */
export function emptyTrustedRoot(version: TrustedRootVersion): TrustedRootDoc {
  return {
    mediaType: trustedRootMediaType(version),
    tlogs: [],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  };
}

/** Reads trusted_root.json bytes: strict shape check, then protobuf-specs. */
export function decodeTrustedRoot(bytes: Uint8Array, file: string): TrustedRootDoc {
  const text = utf8(bytes, file);
  const doc = parseTrustedRoot(text, file);
  validateTrustedRootText(text, file);
  return doc;
}

/** The bytes to write for a trusted root, checked by re-reading them both ways first. */
export function encodeTrustedRoot(doc: TrustedRootDoc, file: string): Uint8Array {
  const text = serializeTrustedRoot(doc);
  parseTrustedRoot(text, file);
  validateTrustedRootText(text, file);
  return encodeUtf8(text);
}

/** Reads signing_config (v0.2) bytes: strict shape check, then protobuf-specs. */
export function decodeSigningConfig(bytes: Uint8Array, file: string): SigningConfigDoc {
  const text = utf8(bytes, file);
  const doc = parseSigningConfig(text, file);
  validateSigningConfigText(text, file);
  return doc;
}

/** The bytes to write for a signing config, checked by re-reading them both ways first. */
export function encodeSigningConfig(doc: SigningConfigDoc, file: string): Uint8Array {
  const text = serializeSigningConfig(doc);
  parseSigningConfig(text, file);
  validateSigningConfigText(text, file);
  return encodeUtf8(text);
}

/** The outcome of an edit on serialized bytes: the new document and the bytes to write or stage. */
export interface EditedBytes<T> {
  doc: T;
  bytes: Uint8Array;
  /** False when the edit reproduced the input bytes exactly. */
  changed: boolean;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Applies a pure edit to trusted_root.json bytes (`undefined`: start an empty document of the
 * `createAs` generation) and returns the checked bytes: what the ceremony stages as a TUF target.
 */
export function editTrustedRootBytes(
  before: Uint8Array | undefined,
  createAs: TrustedRootVersion,
  edit: (doc: TrustedRootDoc) => TrustedRootDoc,
  file: string,
): EditedBytes<TrustedRootDoc> {
  const doc = edit(before ? decodeTrustedRoot(before, file) : emptyTrustedRoot(createAs));
  const bytes = encodeTrustedRoot(doc, file);
  return { doc, bytes, changed: !sameBytes(before, bytes) };
}

/** Applies a pure edit to signing_config bytes (`undefined`: start an empty v0.2 document). */
export function editSigningConfigBytes(
  before: Uint8Array | undefined,
  edit: (doc: SigningConfigDoc) => SigningConfigDoc,
  file: string,
): EditedBytes<SigningConfigDoc> {
  const doc = edit(before ? decodeSigningConfig(before, file) : emptySigningConfig());
  const bytes = encodeSigningConfig(doc, file);
  return { doc, bytes, changed: !sameBytes(before, bytes) };
}
