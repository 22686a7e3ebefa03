import { hasOwn } from '../metadata/build-own.js';
import { checkTargetPath } from '../metadata/build-targets.js';
import { canonicalString } from '../metadata/canonical.js';
import { CeremonyError, isCeremonyError } from '../metadata/errors.js';
import { isJsonObject } from '../metadata/json.js';
import type { TargetFile } from '../metadata/model.js';

// A target manifest: a listing of target paths with their length and hashes, without the bytes.
// JSON Lines (`{"path": ..., "length": ..., "hashes": {...}, "custom": {...}}`, one object per
// line) or CSV (`path,length,sha256[,sha512]`, an optional header line naming those columns).
// Each line is parsed on its own, so a manifest of any size streams through in constant memory.

/** The two manifest formats. */
export type ManifestFormat = 'jsonl' | 'csv';

/** One target of a manifest line: its path and the TargetFile entry metadata will list. */
export interface ManifestEntry {
  path: string;
  file: TargetFile;
}

/** The outcome of one manifest line: an entry, nothing (blank or header line), or a problem. */
export type ParsedLine<E> =
  { kind: 'entry'; entry: E } | { kind: 'skip' } | { kind: 'error'; problem: string };

/** One line of a target manifest. */
export type ManifestLine = ParsedLine<ManifestEntry>;

/** Longest target path accepted from a manifest (bytes of UTF-16; paths are URLs in practice). */
export const MAX_MANIFEST_PATH = 4096;

// spec 4.5: HASHES maps an algorithm name to the hex digest; these are the lengths we check.
const HASH_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };
const HEX = /^[0-9a-f]+$/;
const JSONL_KEYS = new Set(['path', 'length', 'hashes', 'custom']);
const CSV_HEADER = /^path,length,sha256(,sha512)?$/;

/** Quotes text from a manifest for a message: JSON escapes, bounded length. */
export function quoteManifestText(text: string, max = 120): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}

function checkPath(value: unknown): string {
  if (typeof value !== 'string') throw new Error('"path" must be a string');
  if (value.length > MAX_MANIFEST_PATH)
    throw new Error(`"path" is longer than ${MAX_MANIFEST_PATH} characters`);
  // Control characters would reach terminals and file names: refuse them outright.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new Error(`path ${quoteManifestText(value)} contains a control character`);
  try {
    return checkTargetPath(value);
  } catch (err) {
    if (isCeremonyError(err)) throw new Error(err.message, { cause: err });
    throw err;
  }
}

function checkLength(value: unknown): number {
  // spec 4.5: LENGTH is the integer length in bytes.
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new Error(
      `"length" must be a non-negative integer, not ${quoteManifestText(String(value))}`,
    );
  return value;
}

function checkHashes(value: unknown): Record<string, string> {
  if (!isJsonObject(value))
    throw new Error('"hashes" must be an object of algorithm -> hex digest');
  const out: Record<string, string> = {};
  for (const name of Object.keys(value).sort()) {
    const digest = value[name];
    const size = hasOwn(HASH_HEX_LENGTH, name) ? HASH_HEX_LENGTH[name] : undefined;
    if (size === undefined)
      throw new Error(`hash ${quoteManifestText(name)} is not sha256 or sha512`);
    if (typeof digest !== 'string' || digest.length !== size || !HEX.test(digest))
      throw new Error(`hashes.${name} must be ${size} lowercase hex digits`);
    out[name] = digest;
  }
  // Consistent snapshots name target files by sha256 (spec 5.7.3), and routing checks use it.
  if (out.sha256 === undefined) throw new Error('"hashes" has no sha256');
  return out;
}

/** The TargetFile entry with its keys in sorted order (custom, hashes, length). */
function targetFile(length: number, hashes: Record<string, string>, custom: unknown): TargetFile {
  return custom === undefined ? { hashes, length } : { custom, hashes, length };
}

function objectOfLine(line: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line) as unknown;
  } catch {
    throw new Error('not a JSON object (bad JSON)');
  }
  if (!isJsonObject(value)) throw new Error('not a JSON object');
  return value;
}

/**
 * The listing layout (what writeListing and most generators write): a path free of escapes and
 * control characters, length, sha256 and optional sha512 in lowercase hex, no custom. A line in
 * exactly this layout parses by JSON.parse to exactly these fields, so one regex reads it
 * (measured faster than JSON.parse plus the field checks). Linear: bounded repeats, no nesting.
 */
const LISTING_LAYOUT =
  // eslint-disable-next-line no-control-regex -- a JSON string without escapes: no control characters
  /^\{"path":"([^"\\\u0000-\u001f]*)","length":(0|[1-9][0-9]{0,19}),"hashes":\{"sha256":"([0-9a-f]{64})"(?:,"sha512":"([0-9a-f]{128})")?\}\}$/;

// Lines read in the listing layout, by the TargetFile parsed from each: writing a listing of a
// million targets back copies them instead of serializing every entry again.
const layoutLines = new WeakMap<TargetFile, { path: string; line: string }>();

/** The fields of a line in the listing layout, unchecked; undefined for any other layout. */
interface LayoutFields {
  path: string;
  /** JSON integer text without leading zeros (up to 20 digits: checked as a length later). */
  length: string;
  sha256: string;
  sha512: string | undefined;
}

/** Splits a line in the listing layout into its fields, or undefined when it has another. */
function listingLayoutFields(line: string): LayoutFields | undefined {
  const match = LISTING_LAYOUT.exec(line);
  if (match === null) return undefined;
  const [, path, length, sha256, sha512] = match as unknown as [
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  return { path, length, sha256, sha512 };
}

function parseListingLayout(line: string): ManifestEntry | undefined {
  const fields = listingLayoutFields(line);
  if (fields === undefined) return undefined;
  const { path, length, sha256, sha512 } = fields;
  const hashes: Record<string, string> = sha512 === undefined ? { sha256 } : { sha256, sha512 };
  const entry = {
    path: checkPath(path),
    file: targetFile(checkLength(Number(length)), hashes, undefined),
  };
  // Checked, the line is exactly what manifestLineOf writes for its entry: kept to write again.
  layoutLines.set(entry.file, { path: entry.path, line });
  return entry;
}

function parseJsonLine(line: string): ManifestEntry {
  const fast = parseListingLayout(line);
  if (fast !== undefined) return fast;
  const value = objectOfLine(line);
  for (const key of Object.keys(value))
    if (!JSONL_KEYS.has(key))
      throw new Error(
        `unknown field ${quoteManifestText(key)} (fields: path, length, hashes, custom)`,
      );
  if (value.path === undefined) throw new Error('missing "path"');
  if (value.length === undefined) throw new Error('missing "length"');
  if (value.hashes === undefined) throw new Error('missing "hashes"');
  const path = checkPath(value.path);
  const length = checkLength(value.length);
  const hashes = checkHashes(value.hashes);
  if (value.custom !== undefined) {
    if (!isJsonObject(value.custom)) throw new Error('"custom" must be a JSON object');
    // Signed bytes are OLPC canonical JSON: integers only (no floats) anywhere in custom.
    try {
      canonicalString(value.custom);
    } catch (err) {
      throw new Error(`"custom": ${(err as Error).message}`, { cause: err });
    }
  }
  return { path, file: targetFile(length, hashes, value.custom) };
}

/** Splits one CSV record (RFC 4180 quoting: `"a,b"`, `""` for a quote). */
export function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let field = '';
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close < 0) throw new Error('a quoted field is not closed');
        field += line.slice(i, close);
        if (line[close + 1] === '"') {
          field += '"';
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      fields.push(field);
      if (i === line.length) return fields;
      if (line[i] !== ',') throw new Error('text after a closing quote');
      i++;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}

function parseCsvLine(line: string): ManifestEntry {
  const fields = splitCsv(line);
  if (fields.length < 3 || fields.length > 4)
    throw new Error(`needs 3 or 4 fields (path,length,sha256[,sha512]), found ${fields.length}`);
  const [path, length, sha256, sha512] = fields as [string, string, string, string | undefined];
  if (!/^-?[0-9]+$/.test(length))
    throw new Error(`"length" must be a non-negative integer, not ${quoteManifestText(length)}`);
  if (sha256 === '') throw new Error('missing sha256');
  const hashes: Record<string, string> = { sha256 };
  if (sha512 !== undefined && sha512 !== '') hashes.sha512 = sha512;
  return {
    path: checkPath(path),
    file: targetFile(checkLength(Number(length)), checkHashes(hashes), undefined),
  };
}

/**
 * Parses one manifest line (without its line break). Blank lines are skipped, and in CSV the
 * header line (`path,length,sha256[,sha512]`) when it is the first line.
 */
export function parseManifestLine(
  format: ManifestFormat,
  line: string,
  first: boolean,
): ManifestLine {
  if (line.trim() === '') return { kind: 'skip' };
  if (format === 'csv' && first && CSV_HEADER.test(line.trim())) return { kind: 'skip' };
  try {
    const entry = format === 'jsonl' ? parseJsonLine(line) : parseCsvLine(line);
    return { kind: 'entry', entry };
  } catch (err) {
    return { kind: 'error', problem: (err as Error).message };
  }
}

/**
 * Parses one line of a removal manifest: only the path counts (a JSON object's `path`, the
 * first CSV field), so the listing that added targets also removes them.
 */
export function parseRemovalLine(
  format: ManifestFormat,
  line: string,
  first: boolean,
): ParsedLine<{ path: string }> {
  if (line.trim() === '') return { kind: 'skip' };
  if (format === 'csv' && first && CSV_HEADER.test(line.trim())) return { kind: 'skip' };
  try {
    let path: unknown;
    if (format === 'csv') path = splitCsv(line)[0];
    else {
      const value = objectOfLine(line);
      if (value.path === undefined) throw new Error('missing "path"');
      path = value.path;
    }
    return { kind: 'entry', entry: { path: checkPath(path) } };
  } catch (err) {
    return { kind: 'error', problem: (err as Error).message };
  }
}

/** The manifest format a file name says (`.csv`, else JSON Lines), unless one is given. */
export function manifestFormatOf(file: string, given: string | undefined): ManifestFormat {
  if (given === 'csv' || given === 'jsonl') return given;
  if (given !== undefined)
    throw new CeremonyError(
      'USAGE',
      `--format must be jsonl or csv, not ${quoteManifestText(given)}`,
    );
  return file.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
}

/** One manifest line in the listing layout (JSON Lines, keys in a fixed order). */
export function manifestLineOf(entry: ManifestEntry): string {
  const { path, file } = entry;
  const read = layoutLines.get(file);
  if (read?.path === path) return read.line;
  const custom = file.custom === undefined ? '' : `,"custom":${JSON.stringify(file.custom)}`;
  return `{"path":${JSON.stringify(path)},"length":${file.length},"hashes":${JSON.stringify(file.hashes)}${custom}}`;
}
