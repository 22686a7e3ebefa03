import { CeremonyError } from '../metadata/errors.js';

// A minimal DER reader (X.690): enough to walk a certificate to its extensions, which
// node:crypto's X509Certificate does not expose one by one.

/** One DER element: its tag byte and its content bytes. */
export interface DerElement {
  readonly tag: number;
  readonly content: Buffer;
  /** Offset of the byte after this element in the buffer it was read from. */
  readonly end: number;
}

function bad(why: string): never {
  throw new CeremonyError('HSM', `certificate DER: ${why}`);
}

/** Reads the element at `offset` (definite lengths only, as DER requires). */
export function readElement(buf: Buffer, offset = 0): DerElement {
  const tag = buf[offset];
  const first = buf[offset + 1];
  if (tag === undefined || first === undefined) bad('truncated element');
  if ((tag & 0x1f) === 0x1f) bad('multi-byte tags are not used in certificates');
  let length = first;
  let start = offset + 2;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4) bad('unsupported length encoding');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (buf[start + i] ?? bad('truncated length'));
    start += n;
  }
  const end = start + length;
  if (end > buf.length) bad('element runs past the end');
  return { tag, content: buf.subarray(start, end), end };
}

/** The elements inside a constructed element (SEQUENCE, SET, explicit tag). */
export function childrenOf(el: DerElement): DerElement[] {
  const out: DerElement[] = [];
  let offset = 0;
  while (offset < el.content.length) {
    const child = readElement(el.content, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** Dotted form of an OBJECT IDENTIFIER's content bytes. */
export function decodeOid(content: Buffer): string {
  const first = content[0];
  if (first === undefined) bad('empty OID');
  const arcs = [
    Math.min(2, Math.floor(first / 40)),
    first - Math.min(2, Math.floor(first / 40)) * 40,
  ];
  let value = 0;
  for (const byte of content.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

/** A non-negative DER INTEGER as a number (serial numbers fit in 2^53). */
export function decodeUnsigned(content: Buffer): number {
  if (content.length === 0 || content.length > 7 || (content[0] ?? 0) & 0x80) {
    bad('INTEGER is negative or too large');
  }
  let value = 0;
  for (const byte of content) value = value * 256 + byte;
  return value;
}

/** The extensions of a DER certificate: OID -> extnValue content (the OCTET STRING's bytes). */
export function certificateExtensions(der: Buffer): Map<string, Buffer> {
  const cert = readElement(der);
  const tbs = childrenOf(cert)[0];
  if (!tbs || tbs.tag !== 0x30) bad('no TBSCertificate');
  const explicit = childrenOf(tbs).find((el) => el.tag === 0xa3); // [3] EXPLICIT Extensions
  const result = new Map<string, Buffer>();
  if (!explicit) return result;
  const list = childrenOf(explicit)[0];
  if (!list) return result;
  for (const ext of childrenOf(list)) {
    const parts = childrenOf(ext);
    const oid = parts[0];
    const value = parts[parts.length - 1];
    if (oid?.tag !== 0x06 || value?.tag !== 0x04) bad('malformed extension');
    result.set(decodeOid(oid.content), value.content);
  }
  return result;
}
