/** Any value JSON can carry. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes strict UTF-8 (invalid sequences throw). */
export function decodeUtf8(bytes: Uint8Array): string {
  return textDecoder.decode(bytes);
}

const textEncoder = new TextEncoder();

/** Encodes a string as UTF-8. */
export function encodeUtf8(text: string): Uint8Array {
  return textEncoder.encode(text);
}
