import type { TrustedRootDoc } from './trusted-root-model.js';

// Reading a trusted root only to describe it (the published one a review compares against):
// older files that the strict reader refuses (Sigstore's 2024 root lists a timestamp authority
// without a uri) still have to be shown. Missing strings read as empty, missing lists as none.

type Loose = Record<string, unknown>;

const obj = (v: unknown): Loose => (v !== null && typeof v === 'object' ? (v as Loose) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);

function range(v: unknown): { start: string; end?: string } {
  const r = obj(v);
  return typeof r.end === 'string' ? { start: str(r.start), end: r.end } : { start: str(r.start) };
}

function log(v: unknown): TrustedRootDoc['tlogs'][number] {
  const l = obj(v);
  const key = obj(l.publicKey);
  return {
    baseUrl: str(l.baseUrl),
    hashAlgorithm: str(l.hashAlgorithm),
    publicKey: {
      rawBytes: str(key.rawBytes),
      keyDetails: str(key.keyDetails),
      validFor: range(key.validFor),
    },
    logId: { keyId: str(obj(l.logId).keyId) },
    ...(typeof l.operator === 'string' ? { operator: l.operator } : {}),
  };
}

function authority(v: unknown): TrustedRootDoc['certificateAuthorities'][number] {
  const a = obj(v);
  const subject = obj(a.subject);
  return {
    subject: {
      ...(typeof subject.organization === 'string' ? { organization: subject.organization } : {}),
      ...(typeof subject.commonName === 'string' ? { commonName: subject.commonName } : {}),
    },
    uri: str(a.uri),
    certChain: {
      certificates: list(obj(a.certChain).certificates).map((c) => ({
        rawBytes: str(obj(c).rawBytes),
      })),
    },
    validFor: range(a.validFor),
    ...(typeof a.operator === 'string' ? { operator: a.operator } : {}),
  };
}

/** A trusted root's entries read leniently (for describing, never for writing or signing). */
export function readTrustedRootLeniently(text: string): TrustedRootDoc {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = {};
  }
  const root = obj(json);
  return {
    mediaType: str(root.mediaType),
    tlogs: list(root.tlogs).map(log),
    ctlogs: list(root.ctlogs).map(log),
    certificateAuthorities: list(root.certificateAuthorities).map(authority),
    timestampAuthorities: list(root.timestampAuthorities).map(authority),
  };
}
