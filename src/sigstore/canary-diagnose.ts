import type { SignedEntity, TrustMaterial } from '@sigstore/verify';
import { errorText, printable } from '../metadata/printable.js';
import { runVerifier } from './canary-run.js';
import type { TrustedRootDoc } from './trusted-root-model.js';

// Why a canary failed, in the holder's terms: the verification step (from sigstore-js's error
// codes, @sigstore/verify src/error.ts and verifier.ts) and the trusted-root entry responsible.
// An entry is responsible when opening its validity window alone makes that step pass; when no
// entry does, the key the bundle needs is missing and its log id is named.

/** The verification steps of sigstore-js, in the order its Verifier runs them. */
export type CanaryStep =
  | 'bundle'
  | 'timestamp'
  | 'certificate chain'
  | 'SCT'
  | 'public key'
  | 'tlog inclusion'
  | 'signature';

/** The step a @sigstore/verify error belongs to (its `code`, and for certificates its message). */
export function stepOf(err: unknown): CanaryStep {
  const { code, message } = err as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  switch (code) {
    case 'TIMESTAMP_ERROR':
      return 'timestamp';
    case 'CERTIFICATE_ERROR':
      return /SCT/.test(text) ? 'SCT' : 'certificate chain';
    case 'PUBLIC_KEY_ERROR':
      return 'public key';
    case 'SIGNATURE_ERROR':
      return 'signature';
    case 'TLOG_ERROR':
    case 'TLOG_INCLUSION_PROOF_ERROR':
    case 'TLOG_INCLUSION_PROMISE_ERROR':
    case 'TLOG_MISSING_INCLUSION_ERROR':
    case 'TLOG_BODY_ERROR':
      return 'tlog inclusion';
    default:
      return 'bundle';
  }
}

type ListKey = 'certificateAuthorities' | 'timestampAuthorities' | 'tlogs' | 'ctlogs';

const LIST_OF_STEP: Partial<Record<CanaryStep, ListKey>> = {
  'certificate chain': 'certificateAuthorities',
  SCT: 'ctlogs',
  'tlog inclusion': 'tlogs',
  timestamp: 'timestampAuthorities',
};

const ALWAYS = { start: new Date(0), end: new Date(8_640_000_000_000_000) };

function widened(material: TrustMaterial, key: ListKey, index: number): TrustMaterial {
  const list = material[key].map((e, i) => (i === index ? { ...e, validFor: ALWAYS } : e));
  return { ...material, [key]: list };
}

function seconds(d: Date): string {
  return d.toISOString().slice(0, 19) + 'Z';
}

function host(uri: string): string {
  try {
    return new URL(uri).host || uri;
  } catch {
    return uri;
  }
}

/** What a failure diagnosis needs: the error, its step, the entity and the trust it ran against. */
export interface FailureInput {
  err: unknown;
  step: CanaryStep;
  entity: SignedEntity;
  material: TrustMaterial;
  doc: TrustedRootDoc;
}

function certificate(entity: SignedEntity) {
  return entity.key.$case === 'certificate' ? entity.key.certificate : undefined;
}

function windowText(
  what: string,
  validFor: { start: string; end?: string },
  event: string,
  at: Date,
): string {
  const start = Date.parse(validFor.start);
  const end = validFor.end === undefined ? undefined : Date.parse(validFor.end);
  if (end !== undefined && end < at.getTime()) {
    return `${what} closed at ${validFor.end ?? ''}, before ${event} ${seconds(at)}`;
  }
  if (start > at.getTime())
    return `${what} opens at ${validFor.start}, after ${event} ${seconds(at)}`;
  return `${what} (valid from ${validFor.start}) does not cover ${event} ${seconds(at)}`;
}

function responsible(input: FailureInput, key: ListKey, index: number): string {
  const { entity, doc } = input;
  const cert = certificate(entity);
  const issued = cert?.notBefore ?? new Date(0);
  const tlog = entity.tlogEntries[0];
  const integrated = new Date(Number(tlog?.integratedTime ?? 0) * 1000);
  switch (key) {
    case 'certificateAuthorities': {
      const ca = doc.certificateAuthorities[index];
      const name = printable(ca?.subject.commonName ?? host(ca?.uri ?? ''));
      return windowText(
        `CA ${printable(host(ca?.uri ?? ''))} (${name})`,
        ca?.validFor ?? { start: '' },
        'the certificate was issued',
        issued,
      );
    }
    case 'ctlogs': {
      const log = doc.ctlogs[index];
      return windowText(
        `CT log ${printable(log?.baseUrl ?? '')}`,
        log?.publicKey.validFor ?? { start: '' },
        "the certificate's SCT of",
        issued,
      );
    }
    case 'tlogs': {
      const log = doc.tlogs[index];
      return windowText(
        `transparency log ${printable(log?.baseUrl ?? '')}`,
        log?.publicKey.validFor ?? { start: '' },
        'the entry was integrated',
        integrated,
      );
    }
    case 'timestampAuthorities': {
      const tsa = doc.timestampAuthorities[index];
      return windowText(
        `timestamp authority ${printable(tsa?.uri ?? '')}`,
        tsa?.validFor ?? { start: '' },
        'the signature was logged',
        integrated,
      );
    }
  }
}

function sctLogIds(entity: SignedEntity): Buffer[] {
  return certificate(entity)?.extSCT?.signedCertificateTimestamps.map((s) => s.logID) ?? [];
}

function missing(input: FailureInput, key: ListKey): string {
  const { entity, material } = input;
  const has = (id: Buffer) =>
    material[key === 'ctlogs' ? 'ctlogs' : 'tlogs'].some((l) => l.logID.equals(id));
  switch (key) {
    case 'certificateAuthorities': {
      const issued = certificate(input.entity)?.notBefore;
      return `no certificate authority in the trusted root issued the certificate${issued ? ` (issued ${seconds(issued)})` : ''}`;
    }
    case 'ctlogs': {
      const id = sctLogIds(entity).find((x) => !has(x));
      return id
        ? `no CT log in the trusted root has log id ${id.toString('base64')} (the log that issued the certificate's SCT)`
        : "the CT log key does not verify the certificate's SCT";
    }
    case 'tlogs': {
      const id = entity.tlogEntries.map((e) => e.logId.keyId).find((x) => !has(x));
      return id
        ? `no transparency log in the trusted root has log id ${id.toString('base64')} (the log holding the entry)`
        : 'the transparency log key does not verify the entry';
    }
    case 'timestampAuthorities':
      return 'no timestamp authority in the trusted root signed the timestamp';
  }
}

/** One line: what failed in terms of the trusted root's entries, or the verifier's own message. */
export function diagnoseFailure(input: FailureInput): string {
  const key = LIST_OF_STEP[input.step];
  const message = errorText(input.err);
  if (key === undefined) return message;
  for (let i = 0; i < input.material[key].length; i++) {
    const retry = runVerifier(input.entity, widened(input.material, key, i));
    if (retry === undefined || stepOf(retry) !== input.step) return responsible(input, key, i);
  }
  return missing(input, key);
}
