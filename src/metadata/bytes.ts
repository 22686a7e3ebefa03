import { hash } from 'node:crypto';

/** Hex sha256 of bytes. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return hash('sha256', bytes, 'hex');
}

/** Hex digest with a named algorithm (sha256, sha512, ...). */
export function digestHex(algorithm: string, bytes: Uint8Array): string {
  return hash(algorithm, bytes, 'hex');
}

/** Hash algorithms this tool can check; others listed in metadata are reported, not trusted. */
export const SUPPORTED_HASHES = new Set(['sha256', 'sha384', 'sha512']);

/** Constant-length comparison of two hex strings (case-insensitive). */
export function hexEquals(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}
