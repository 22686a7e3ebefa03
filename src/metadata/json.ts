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

// Staging 16,384 bins encodes as many 20 KB texts. Each array of its own is external memory V8
// counts towards its next full collection, and with a large heap those collections cost more
// than the encoding (measured: 300 MB of bin texts took 3 s one array each, 1.5 s in shared
// slabs). Texts of medium size are encoded into slabs of 16 MiB instead; each result is a view
// of its own bytes only (nothing here reads a view's underlying buffer).
const SLAB_BYTES = 16 * 1024 * 1024;
const SLAB_MIN_TEXT = 1024;
const SLAB_MAX_TEXT = SLAB_BYTES / 16;
let slab = Buffer.allocUnsafeSlow(0);
let slabUsed = 0;

/** A slab with room for `bytes` more bytes (a new one when the current one is too full). */
function slabWithRoom(bytes: number): Buffer {
  if (slabUsed + bytes > slab.length) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  return slab;
}

/** Encodes a string as UTF-8. */
export function encodeUtf8(text: string): Uint8Array {
  if (text.length < SLAB_MIN_TEXT || text.length > SLAB_MAX_TEXT) return textEncoder.encode(text);
  // At most 3 bytes per UTF-16 code unit.
  const into = slabWithRoom(text.length * 3);
  const written = into.write(text, slabUsed, 'utf8');
  const bytes = new Uint8Array(into.buffer, into.byteOffset + slabUsed, written);
  slabUsed += written;
  return bytes;
}

/** A copy of `bytes` of their own, in a shared slab when of medium size (as encodeUtf8). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.length < SLAB_MIN_TEXT || bytes.length > SLAB_MAX_TEXT) return bytes.slice();
  const into = slabWithRoom(bytes.length);
  into.set(bytes, slabUsed);
  const copy = new Uint8Array(into.buffer, into.byteOffset + slabUsed, bytes.length);
  slabUsed += bytes.length;
  return copy;
}
