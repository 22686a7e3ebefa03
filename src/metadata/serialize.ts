import { createHash } from 'node:crypto';
import { isSortedPlainJson, NOT_PLAIN, sortedView } from './build-sorted.js';
import { CeremonyError } from './errors.js';
import { encodeUtf8 } from './json.js';
import type { MetaFile, Metadata, Signature } from './model.js';
import { StringSink } from './string-sink.js';

// The bytes you hash are the bytes you write (tough's SignedRole): a role is serialized once into
// {bytes, length, hashes}; snapshot and timestamp meta are computed from exactly those bytes.

/** A serialized metadata file with its length and sha256, ready to write and to list elsewhere. */
export interface SerializedFile {
  readonly bytes: Uint8Array;
  readonly length: number;
  readonly sha256: string;
}

// One pass over the value, linear in its size.
function writePretty(value: unknown, indent: string, sink: StringSink): void {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new CeremonyError('CANONICAL_JSON', `${String(value)} is not an integer within ±2^53`);
    }
    // JSON.stringify writes nothing for undefined, functions and symbols.
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return;
    sink.add(JSON.stringify(value));
    return;
  }
  // Plain JSON, keys sorted: JSON.stringify with a one-space gap writes the same text, re-indented.
  const view = sortedView(value);
  if (view !== NOT_PLAIN) {
    const text = JSON.stringify(view, null, 1);
    sink.add(indent === '' ? text : text.replaceAll('\n', `\n${indent}`));
    return;
  }
  const inner = `${indent} `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      sink.add('[]');
      return;
    }
    sink.add('[');
    for (let i = 0; i < value.length; i++) {
      sink.add(i === 0 ? `\n${inner}` : `,\n${inner}`);
      writePretty(value[i], inner, sink);
    }
    sink.add(`\n${indent}]`);
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    sink.add(`${first ? '{\n' : ',\n'}${inner}${JSON.stringify(key)}: `);
    first = false;
    writePretty(item, inner, sink);
  }
  sink.add(first ? '{}' : `\n${indent}}`);
}

/**
 * Deterministic file text of a JSON value: keys sorted, one-space indent, trailing newline (the
 * layout python-tuf based tools publish). Byte-stable across serialize, parse, serialize.
 */
export function prettyJson(value: unknown): string {
  const sink = new StringSink();
  writePretty(value, '', sink);
  sink.add('\n');
  return sink.text();
}

/** JSON.stringify's file text of the envelope (no closing newline) when `view` allows it. */
function fastEnvelopeText(signatures: readonly Signature[], view: unknown): string | undefined {
  return view !== NOT_PLAIN && isSortedPlainJson(signatures)
    ? JSON.stringify({ signatures, signed: view }, null, 1)
    : undefined;
}

/**
 * File text of the envelope `{signatures, signed}` (prettyJson's bytes) when `view` is the sorted
 * plain view of `signed` canonicalization already found (canonicalForm): the large `signed` is
 * not walked again, only the few signatures are checked. NOT_PLAIN: prettyJson writes it.
 */
export function signedEnvelopeJson(
  signatures: readonly Signature[],
  signed: unknown,
  view: unknown,
): string {
  const text = fastEnvelopeText(signatures, view);
  return text === undefined ? prettyJson({ signatures, signed }) : `${text}\n`;
}

/**
 * UTF-8 of `text` followed by the file's closing newline, written into one array: appending the
 * newline to a 30 MB string first would copy it once more (V8 flattens the concatenation).
 */
export function encodeFileText(text: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.byteLength(text, 'utf8') + 1);
  fileEncoder.encodeInto(text, bytes);
  bytes[bytes.length - 1] = NEWLINE;
  return bytes;
}

const fileEncoder = new TextEncoder();
const NEWLINE = 0x0a;

/**
 * File bytes of the envelope `{signatures, signed}`: signedEnvelopeJson's text, encoded without
 * copying the large text once more.
 */
export function signedEnvelopeBytes(
  signatures: readonly Signature[],
  signed: unknown,
  view: unknown,
): Uint8Array {
  const text = fastEnvelopeText(signatures, view);
  return text === undefined ? encodeUtf8(prettyJson({ signatures, signed })) : encodeFileText(text);
}

/** What JSON.stringify writes before the signatures array of an envelope, with a one-space gap. */
const SIGNATURES_AT = '{\n "signatures": ';
const EMPTY_ARRAY = '[]';
const UNSIGNED_HEAD = new TextEncoder().encode(`${SIGNATURES_AT}${EMPTY_ARRAY},\n "signed": `);

/** True when `bytes` start as unsignedEnvelopeBytes does, up to the value of `signed`. */
export function isUnsignedEnvelopeHead(bytes: Uint8Array): boolean {
  if (bytes.length < UNSIGNED_HEAD.length) return false;
  for (let i = 0; i < UNSIGNED_HEAD.length; i++) if (bytes[i] !== UNSIGNED_HEAD[i]) return false;
  return true;
}

/**
 * The file bytes of the envelope `{signatures: [], signed}` for the sorted plain `view` of
 * `signed`: envelopeWithSignatures sets the signatures in once they are made.
 */
export function unsignedEnvelopeBytes(view: unknown): Uint8Array {
  return encodeFileText(JSON.stringify({ signatures: [], signed: view }, null, 1));
}

/**
 * The file bytes of `unsigned` (unsignedEnvelopeBytes) with `signatures` in place of its empty
 * array: signedEnvelopeBytes' bytes, as JSON.stringify lays out a member the same whatever its
 * siblings. Undefined when the signatures are not sorted plain JSON.
 */
export function envelopeWithSignatures(
  unsigned: Uint8Array,
  signatures: readonly Signature[],
): Uint8Array | undefined {
  if (!isSortedPlainJson(signatures) || !isUnsignedEnvelopeHead(unsigned)) return undefined;
  const text = JSON.stringify({ signatures }, null, 1);
  const array = encodeUtf8(text.slice(SIGNATURES_AT.length, text.length - '\n}'.length));
  const head = SIGNATURES_AT.length;
  const bytes = new Uint8Array(unsigned.length - EMPTY_ARRAY.length + array.length);
  bytes.set(unsigned.subarray(0, head));
  bytes.set(array, head);
  bytes.set(unsigned.subarray(head + EMPTY_ARRAY.length), head + array.length);
  return bytes;
}

/** Serializes a metadata envelope once, computing its length and sha256. */
export function serializeMetadata(metadata: Metadata): SerializedFile {
  return serializedFromBytes(encodeUtf8(prettyJson(metadata)));
}

/** Wraps bytes already on disk (never re-serialized) with their length and sha256. */
export function serializedFromBytes(bytes: Uint8Array): SerializedFile {
  return { bytes, length: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Snapshot/timestamp meta entry for a serialized file: version, length and hashes (TUF-FACTS). */
export function metaFileFor(version: number, file: SerializedFile): MetaFile {
  return { version, length: file.length, hashes: { sha256: file.sha256 } };
}
