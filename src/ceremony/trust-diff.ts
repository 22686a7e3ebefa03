import { createHash, X509Certificate } from 'node:crypto';
import { printable } from '../metadata/printable.js';
import type { ServiceJson, SigningConfigDoc } from '../sigstore/signing-config-model.js';
import type {
  CertificateAuthorityJson,
  TransparencyLogJson,
  TrustedRootDoc,
} from '../sigstore/trusted-root-model.js';

// A change of Sigstore trust material as the operations it is, in the holder's language: which
// logs, CAs and services a trusted_root.json or signing_config adds, closes, reopens, changes or
// removes. Unchanged entries are not listed. The same operations feed `review`, `review --json`,
// the pull-request body and the transcript summary. Text from the documents is escaped.

/** What happened to one entry. */
export type TrustOperationKind = 'adds' | 'closes' | 'reopens' | 'changes' | 'removes';

/** One operation on one entry of a trusted root or signing config. */
export interface TrustOperation {
  document: 'trusted_root' | 'signing_config';
  kind: TrustOperationKind;
  /** The list the entry is in (tlogs, ctlogs, certificateAuthorities, ..., rekorTlogUrls, ...). */
  list: string;
  /** The entry's URL (base URL, URI or service URL). */
  url: string;
  /** The whole operation as one line. */
  text: string;
}

const KEY_NAMES: Readonly<Record<string, string>> = {
  PKIX_ECDSA_P256_SHA_256: 'ECDSA P-256',
  PKIX_ECDSA_P384_SHA_384: 'ECDSA P-384',
  PKIX_ECDSA_P521_SHA_512: 'ECDSA P-521',
  PKIX_ED25519: 'Ed25519',
  PKIX_ED25519_PH: 'Ed25519ph',
};

function keyName(details: string): string {
  return KEY_NAMES[details] ?? (details.includes('RSA') ? 'RSA' : printable(details));
}

function span(validFor: { start: string; end?: string }): string {
  return `valid from ${printable(validFor.start)}${validFor.end ? ` to ${printable(validFor.end)}` : ''}`;
}

/** Rekor v1 log ids are sha256 of the key (RFC 6962 3.2); a Rekor v2 id is a signed-note key id. */
function rekorVersion(log: TransparencyLogJson): string {
  const der = Buffer.from(log.publicKey.rawBytes, 'base64');
  const rfc6962 = createHash('sha256').update(der).digest('base64');
  return rfc6962 === log.logId.keyId ? 'Rekor v1' : 'Rekor v2';
}

function describeLog(kind: 'tlogs' | 'ctlogs', log: TransparencyLogJson): string {
  const what = kind === 'tlogs' ? 'transparency log' : 'CT log';
  const parts = [
    ...(kind === 'tlogs' ? [rekorVersion(log)] : []),
    keyName(log.publicKey.keyDetails),
    `log id ${printable(log.logId.keyId)}`,
    ...(log.operator ? [`operator ${printable(log.operator)}`] : []),
    span(log.publicKey.validFor),
  ];
  return `${what} ${printable(log.baseUrl)} (${parts.join(', ')})`;
}

function commonName(subject: string): string {
  const line = subject.split('\n').find((l) => l.startsWith('CN='));
  const org = subject.split('\n').find((l) => l.startsWith('O='));
  return printable((line ?? org ?? subject).replace(/^(CN|O)=/, ''));
}

function chainText(ca: CertificateAuthorityJson): string {
  try {
    const certs = ca.certChain.certificates.map(
      (c) => new X509Certificate(Buffer.from(c.rawBytes, 'base64')),
    );
    const names = certs.map((c) => commonName(c.subject)).join(' -> ');
    const notAfter = Math.min(...certs.map((c) => Date.parse(c.validTo)));
    return `chain: ${names}, not after ${new Date(notAfter).toISOString().slice(0, 19)}Z`;
  } catch {
    return `chain of ${ca.certChain.certificates.length} unreadable certificate(s)`;
  }
}

function describeAuthority(
  kind: 'certificateAuthorities' | 'timestampAuthorities',
  ca: CertificateAuthorityJson,
): string {
  const what = kind === 'certificateAuthorities' ? 'Fulcio CA' : 'timestamp authority';
  return `${what} ${ca.uri === '' ? '(no uri)' : printable(ca.uri)} (${chainText(ca)}, ${span(ca.validFor)})`;
}

interface Entry {
  key: string;
  url: string;
  validFor: { start: string; end?: string };
  /** Canonical text of everything but the end, to tell a close from another change. */
  body: string;
  text: string;
}

/** A time as an instant (files spell one instant several ways: `...27Z`, `...27.000Z`). */
function instant(time: string | undefined): string {
  if (time === undefined) return 'open';
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? time : String(ms);
}

function withoutEnd(value: unknown, validFor: { start: string; end?: string }): string {
  return JSON.stringify({ value, start: instant(validFor.start) }, (k, v: unknown) =>
    k === 'validFor' ? undefined : v,
  );
}

function logEntries(kind: 'tlogs' | 'ctlogs', doc: TrustedRootDoc | undefined): Entry[] {
  return (doc?.[kind] ?? []).map((log) => ({
    key: `${log.logId.keyId}|${log.baseUrl}|${instant(log.publicKey.validFor.start)}`,
    url: log.baseUrl,
    validFor: log.publicKey.validFor,
    body: withoutEnd(
      { ...log, publicKey: { ...log.publicKey, validFor: undefined } },
      log.publicKey.validFor,
    ),
    text: describeLog(kind, log),
  }));
}

function authorityEntries(
  kind: 'certificateAuthorities' | 'timestampAuthorities',
  doc: TrustedRootDoc | undefined,
): Entry[] {
  return (doc?.[kind] ?? []).map((ca) => ({
    key: `${ca.uri}|${ca.certChain.certificates[0]?.rawBytes ?? ''}|${instant(ca.validFor.start)}`,
    url: ca.uri,
    validFor: ca.validFor,
    body: withoutEnd(ca, ca.validFor),
    text: describeAuthority(kind, ca),
  }));
}

function diffEntries(
  document: TrustOperation['document'],
  list: string,
  before: readonly Entry[],
  after: readonly Entry[],
  prefix: string,
): TrustOperation[] {
  const old = new Map(before.map((e) => [e.key, e]));
  const now = new Set(after.map((e) => e.key));
  const ops: TrustOperation[] = [];
  const op = (kind: TrustOperationKind, e: Entry, text: string) =>
    ops.push({ document, kind, list, url: e.url, text: `${prefix}${text}` });
  for (const e of after) {
    const was = old.get(e.key);
    if (was === undefined) op('adds', e, `adds ${e.text}`);
    else if (was.body !== e.body) op('changes', e, `changes ${e.text}`);
    else if (instant(was.validFor.end) !== instant(e.validFor.end)) {
      const name = e.text.slice(0, e.text.indexOf(' ('));
      if (e.validFor.end === undefined)
        op('reopens', e, `reopens ${name} (was closed at ${printable(was.validFor.end ?? '')})`);
      else if (was.validFor.end === undefined)
        op('closes', e, `closes ${name} at ${printable(e.validFor.end)}`);
      else
        op(
          'closes',
          e,
          `closes ${name} at ${printable(e.validFor.end)} (was ${printable(was.validFor.end)})`,
        );
    }
  }
  for (const e of before) if (!now.has(e.key)) op('removes', e, `removes ${e.text}`);
  return ops;
}

/** The operations that turn one trusted root into another (`before` undefined: a new file). */
export function diffTrustedRoots(
  before: TrustedRootDoc | undefined,
  after: TrustedRootDoc,
): TrustOperation[] {
  const ops: TrustOperation[] = [];
  if (before !== undefined && before.mediaType !== after.mediaType) {
    ops.push({
      document: 'trusted_root',
      kind: 'changes',
      list: 'mediaType',
      url: '',
      text: `changes the trusted root media type from ${printable(before.mediaType)} to ${printable(after.mediaType)}`,
    });
  }
  for (const kind of ['tlogs', 'ctlogs'] as const) {
    ops.push(
      ...diffEntries('trusted_root', kind, logEntries(kind, before), logEntries(kind, after), ''),
    );
  }
  for (const kind of ['certificateAuthorities', 'timestampAuthorities'] as const) {
    ops.push(
      ...diffEntries(
        'trusted_root',
        kind,
        authorityEntries(kind, before),
        authorityEntries(kind, after),
        '',
      ),
    );
  }
  return ops;
}

const SERVICE_NAMES: Readonly<Record<string, string>> = {
  caUrls: 'Fulcio',
  oidcUrls: 'OIDC',
  rekorTlogUrls: 'Rekor',
  tsaUrls: 'TSA',
};

function serviceEntries(
  list: keyof typeof SERVICE_NAMES,
  doc: SigningConfigDoc | undefined,
): Entry[] {
  const services = (doc?.[list as 'caUrls'] ?? []) as readonly ServiceJson[];
  return services.map((s) => ({
    key: `${s.url}|${s.majorApiVersion}|${instant(s.validFor.start)}`,
    url: s.url,
    validFor: s.validFor,
    body: withoutEnd(s, s.validFor),
    text: `${SERVICE_NAMES[list] ?? list} v${s.majorApiVersion} service ${printable(s.url)} (operator ${printable(s.operator ?? '(none)')}, ${span(s.validFor)})`,
  }));
}

function selectorText(config: SigningConfigDoc['rekorTlogConfig']): string {
  if (config === undefined) return 'unset';
  return config.selector === 'EXACT' ? `EXACT ${config.count ?? ''}` : config.selector;
}

/** The operations that turn one signing config into another (`before` undefined: a new file). */
export function diffSigningConfigs(
  before: SigningConfigDoc | undefined,
  after: SigningConfigDoc,
): TrustOperation[] {
  const ops: TrustOperation[] = [];
  for (const list of Object.keys(SERVICE_NAMES)) {
    ops.push(
      ...diffEntries(
        'signing_config',
        list,
        serviceEntries(list, before),
        serviceEntries(list, after),
        'signing_config: ',
      ),
    );
  }
  for (const [key, name] of [
    ['rekorTlogConfig', 'tlog'],
    ['tsaConfig', 'TSA'],
  ] as const) {
    const was = before === undefined ? undefined : selectorText(before[key]);
    const now = selectorText(after[key]);
    if (was !== now) {
      ops.push({
        document: 'signing_config',
        kind: 'changes',
        list: key,
        url: '',
        text: `signing_config: ${name} selector ${now}${was === undefined ? '' : ` (was ${was})`}`,
      });
    }
  }
  return ops;
}
