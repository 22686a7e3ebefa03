/**
 * True when JSON bytes cannot hold a `delegations` key: the key's quoted name does not occur,
 * nor any `\u` escape (the only escape that could spell its letters).
 */
export function withoutDelegations(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return !buffer.includes('"delegations"') && !buffer.includes('\\u');
}
