import type { TimeRangeJson } from './times.js';

// dev.sigstore.trustroot.v1.TrustedRoot in its proto3 JSON form (lowerCamelCase, bytes base64,
// times RFC 3339, enums by name). Fields keep the text they were read with.

/** A public key with its validity window (tlogs and ctlogs carry the window here). */
export interface PublicKeyJson {
  rawBytes: string;
  keyDetails: string;
  validFor: TimeRangeJson;
}

/** A log identifier: base64 of the key id bytes. */
export interface LogIdJson {
  keyId: string;
}

/** A transparency log (Rekor) or certificate transparency log instance. */
export interface TransparencyLogJson {
  baseUrl: string;
  hashAlgorithm: string;
  publicKey: PublicKeyJson;
  logId: LogIdJson;
  /** v0.2 only. */
  checkpointKeyId?: LogIdJson;
  /** v0.2 only. */
  operator?: string;
}

/** The subject of a chain's trust anchor. */
export interface DistinguishedNameJson {
  organization?: string;
  commonName?: string;
}

/** A certificate or timestamp authority: chain leaf to anchor, window at the top level. */
export interface CertificateAuthorityJson {
  subject: DistinguishedNameJson;
  uri: string;
  certChain: { certificates: { rawBytes: string }[] };
  validFor: TimeRangeJson;
  /** v0.2 only. */
  operator?: string;
}

/** A whole trusted_root.json document. */
export interface TrustedRootDoc {
  mediaType: string;
  tlogs: TransparencyLogJson[];
  certificateAuthorities: CertificateAuthorityJson[];
  ctlogs: TransparencyLogJson[];
  timestampAuthorities: CertificateAuthorityJson[];
}

/** The four lists of a trusted root. */
export type TrustedRootList =
  'tlogs' | 'certificateAuthorities' | 'ctlogs' | 'timestampAuthorities';
