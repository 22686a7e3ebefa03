import { createHash } from 'node:crypto';
import { CeremonyError } from './errors.js';
import { encodeUtf8 } from './json.js';
import type { MetaFile, Metadata } from './model.js';

// The bytes you hash are the bytes you write (tough's SignedRole): a role is serialized once into
// {bytes, length, hashes}; snapshot and timestamp meta are computed from exactly those bytes.

/** A serialized metadata file with its length and sha256, ready to write and to list elsewhere. */
export interface SerializedFile {
  readonly bytes: Uint8Array;
  readonly length: number;
  readonly sha256: string;
}

function writePretty(value: unknown, indent: string, out: string[]): void {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new CeremonyError('CANONICAL_JSON', `${String(value)} is not an integer within ±2^53`);
    }
    out.push(JSON.stringify(value));
    return;
  }
  const inner = `${indent} `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      out.push(i === 0 ? '\n' : ',\n', inner);
      writePretty(value[i], inner, out);
    }
    out.push('\n', indent, ']');
    return;
  }
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  if (keys.length === 0) {
    out.push('{}');
    return;
  }
  out.push('{');
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    out.push(i === 0 ? '\n' : ',\n', inner, JSON.stringify(key), ': ');
    writePretty((value as Record<string, unknown>)[key], inner, out);
  }
  out.push('\n', indent, '}');
}

/**
 * Deterministic file text of a JSON value: keys sorted, one-space indent, trailing newline (the
 * layout python-tuf based tools publish). Byte-stable across serialize, parse, serialize.
 */
export function prettyJson(value: unknown): string {
  const out: string[] = [];
  writePretty(value, '', out);
  out.push('\n');
  return out.join('');
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
