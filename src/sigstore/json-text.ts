import { CeremonyError } from '../metadata/errors.js';
import { isJsonObject, type JsonObject } from '../metadata/json.js';
import { parseJsonBounded } from '../metadata/json-depth.js';
import { quoteUntrusted } from '../metadata/terminal-text.js';

// Strict readers for proto3 JSON documents: every field is checked, unknown fields are refused
// (a trust root carries nothing its editor cannot explain), and the error names the JSON path.

/** Context for error messages: the file and the JSON path being read. */
export interface At {
  file: string;
  path: string;
}

function fail(at: At, message: string): never {
  throw new CeremonyError('METADATA_INVALID', `${at.file}: ${at.path} ${message}`);
}

/** Returns `value` as an object with only the allowed fields. */
export function objectAt(value: unknown, allowed: readonly string[], at: At): JsonObject {
  if (!isJsonObject(value)) fail(at, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(at, `has unknown field ${quoteUntrusted(key)}`);
  }
  return value;
}

/** A required non-empty string field. */
export function stringAt(obj: JsonObject, key: string, at: At): string {
  const v = obj[key];
  if (typeof v !== 'string' || v === '') fail(child(at, key), 'must be a non-empty string');
  return v;
}

/** An optional string field (absent stays absent). */
export function optionalStringAt(obj: JsonObject, key: string, at: At): string | undefined {
  return obj[key] === undefined ? undefined : stringAt(obj, key, at);
}

/** An optional array field: absent reads as empty (proto3 omits empty lists). */
export function arrayAt(obj: JsonObject, key: string, at: At): unknown[] {
  const v = obj[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(child(at, key), 'must be an array');
  return v;
}

/** A required base64 string (standard alphabet, padded) that decodes to at least one byte. */
export function base64At(obj: JsonObject, key: string, at: At): string {
  const v = stringAt(obj, key, at);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v) || v.length % 4 !== 0) {
    fail(child(at, key), 'must be standard base64');
  }
  return v;
}

/** The path of a field below `at`. */
export function child(at: At, key: string | number): At {
  return {
    file: at.file,
    path: typeof key === 'number' ? `${at.path}[${key}]` : `${at.path}.${key}`,
  };
}

/** Parses JSON text into a value; a syntax error names the file. */
export function parseJsonText(text: string, file: string): unknown {
  return parseJsonBounded(text, file);
}
