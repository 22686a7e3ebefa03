import { printable } from '../metadata/printable.js';
import { certificatesFromBase64 } from './cert-chain.js';
import { mediaTypeWarning } from './media-types.js';
import type { ServiceJson, ServiceList, SigningConfigDoc } from './signing-config-model.js';
import type { TimeRangeJson } from './times.js';
import type { TransparencyLogJson, TrustedRootDoc } from './trusted-root-model.js';

// Rules that encode what Sigstore's clients do with trust material, so a ceremony never signs a
// document some client rejects or misreads. Errors block `sign`; warnings are printed and
// recorded. Each rule cites the client behaviour it encodes (docs/sigstore-clients.md).

/** One finding: its rule id, whether it blocks, and a one-line message naming file and entry. */
export interface LintFinding {
  rule: string;
  level: 'error' | 'warning';
  message: string;
}

const FOREVER = Number.MAX_SAFE_INTEGER;

function windowOf(range: TimeRangeJson): { start: number; end: number } {
  const start = Date.parse(range.start);
  return { start, end: range.end === undefined ? FOREVER : Date.parse(range.end) };
}

function overlap(a: TimeRangeJson, b: TimeRangeJson): boolean {
  const x = windowOf(a);
  const y = windowOf(b);
  return x.start <= y.end && y.start <= x.end;
}

const KIND: Readonly<Record<ServiceList, string>> = {
  caUrls: 'Fulcio CA',
  oidcUrls: 'OIDC provider',
  rekorTlogUrls: 'Rekor',
  tsaUrls: 'TSA',
};

const LISTS: readonly ServiceList[] = ['caUrls', 'oidcUrls', 'rekorTlogUrls', 'tsaUrls'];

function serviceFields(list: ServiceList, s: ServiceJson, i: number, file: string): LintFinding[] {
  const missing = [
    s.url === '' ? 'url' : '',
    Number.isSafeInteger(s.majorApiVersion) && s.majorApiVersion >= 1 ? '' : 'majorApiVersion',
    Number.isNaN(Date.parse(s.validFor.start)) ? 'validFor.start' : '',
    (s.operator ?? '') === '' ? 'operator' : '',
  ].filter((m) => m !== '');
  if (missing.length === 0) return [];
  return [
    {
      rule: 'service-fields',
      level: 'error',
      // sigstore-python groups services by operator and sigstore-go picks one per operator
      // (sigstore/models.py SigningConfig._get_valid_services, pkg/root/signing_config.go
      // SelectServices): a service without one is merged with every other operator-less service.
      message: `${file}: ${list}[${i}] (${printable(s.url)}) lacks ${missing.join(', ')}`,
    },
  ];
}

/** Lints a signing_config (v0.2) at `now` (epoch ms). */
export function lintSigningConfig(doc: SigningConfigDoc, file: string, now: number): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const list of LISTS) {
    const services = doc[list];
    services.forEach((s, i) => {
      findings.push(...serviceFields(list, s, i, file));
      for (let j = i + 1; j < services.length; j++) {
        const t = services[j];
        if (t === undefined) continue;
        if (
          (s.operator ?? '') === (t.operator ?? '') &&
          s.majorApiVersion === t.majorApiVersion &&
          overlap(s.validFor, t.validFor)
        ) {
          findings.push({
            rule: 'service-overlap',
            level: 'error',
            // Clients pick one service per (operator, API version) at a time; two valid at once
            // make the pick depend on the client (newest start, file order or random).
            message: `${file}: ${KIND[list]} services ${printable(s.url)} and ${printable(t.url)} (operator ${printable(s.operator ?? '')}, API v${s.majorApiVersion}) are valid at the same time`,
          });
        }
      }
      if (Date.parse(s.validFor.start) > now) {
        findings.push({
          rule: 'service-future-start',
          level: 'warning',
          // sigstore-js drops only ended services (packages/sign src/config.ts
          // sortServicesByStartDate) and picks the newest start at once.
          message: `${file}: ${KIND[list]} service ${printable(s.url)} starts ${s.validFor.start}, in the future: sigstore-js drops only ended services and would use it at once`,
        });
      }
    });
  }
  for (const [key, config] of [
    ['rekorTlogConfig', doc.rekorTlogConfig],
    ['tsaConfig', doc.tsaConfig],
  ] as const) {
    if (config !== undefined && config.selector !== 'ANY') {
      findings.push({
        rule: 'selector-not-any',
        level: 'warning',
        // sigstore-js (packages/sign src/config.ts witnessesFromConfig) throws on any other
        // selector; sigstore-python (SigningConfig._verify, older releases) refuses it too.
        message: `${file}: ${key}.selector is ${config.selector}: sigstore-js refuses every selector but ANY`,
      });
    }
  }
  return findings;
}

function logIdOverlaps(
  kind: 'tlogs' | 'ctlogs',
  logs: readonly TransparencyLogJson[],
  file: string,
): LintFinding[] {
  const findings: LintFinding[] = [];
  logs.forEach((a, i) => {
    for (const b of logs.slice(i + 1)) {
      if (a.logId.keyId === b.logId.keyId && overlap(a.publicKey.validFor, b.publicKey.validFor)) {
        findings.push({
          rule: 'log-id-overlap',
          level: 'error',
          // Verifiers look a log up by its id among the entries valid at the entry's time
          // (@sigstore/verify filterTLogAuthorities, sigstore-go TrustedRoot.tlogAuthorities is a
          // map by log id): two such entries are ambiguous, and in sigstore-go one replaces the other.
          message: `${file}: ${kind} ${printable(a.baseUrl)} and ${printable(b.baseUrl)} share log id ${a.logId.keyId} with overlapping validity`,
        });
      }
    }
  });
  return findings;
}

function missingStart(what: string, range: TimeRangeJson, file: string): LintFinding[] {
  if (!Number.isNaN(Date.parse(range.start))) return [];
  // sigstore-python reads a missing start as "not yet valid" and sigstore-go as "always valid".
  return [
    { rule: 'validfor-start', level: 'error', message: `${file}: ${what} has no validFor.start` },
  ];
}

function chainFindings(
  what: string,
  rawBytes: readonly string[],
  validFor: TimeRangeJson,
  file: string,
): LintFinding[] {
  let certs;
  try {
    certs = certificatesFromBase64(rawBytes, `${file}: ${what}`);
  } catch (err) {
    return [{ rule: 'ca-chain-order', level: 'error', message: (err as Error).message }];
  }
  for (let i = 0; i + 1 < certs.length; i++) {
    const cert = certs[i];
    const issuer = certs[i + 1];
    if (cert && issuer && !(cert.checkIssued(issuer) && cert.verify(issuer.publicKey))) {
      return [
        {
          rule: 'ca-chain-order',
          level: 'error',
          // sigstore-go and sigstore-python take the chain as leaf first, anchor last
          // (pkg/root/trusted_root.go ParseCertificateAuthority, CertificateAuthority.certificates).
          message: `${file}: ${what}: certificate ${i + 1} is not issued by certificate ${i + 2} (chains are ordered leaf to anchor)`,
        },
      ];
    }
  }
  const notBefore = Math.max(...certs.map((c) => Date.parse(c.validFrom)));
  const notAfter = Math.min(...certs.map((c) => Date.parse(c.validTo)));
  const window = windowOf(validFor);
  const outside =
    window.start < notBefore
      ? `starts ${validFor.start}, before its certificates are valid`
      : validFor.end !== undefined && window.end > notAfter
        ? `ends ${validFor.end}, after a certificate expires`
        : undefined;
  if (outside === undefined) return [];
  return [
    {
      rule: 'ca-chain-dates',
      level: 'error',
      message: `${file}: ${what} ${outside} (${new Date(notBefore).toISOString()} to ${new Date(notAfter).toISOString()})`,
    },
  ];
}

/** Lints a trusted_root.json. */
export function lintTrustedRoot(doc: TrustedRootDoc, file: string): LintFinding[] {
  const findings: LintFinding[] = [];
  const warning = mediaTypeWarning(doc.mediaType, file);
  if (warning !== undefined)
    findings.push({ rule: 'media-type', level: 'warning', message: warning });
  for (const kind of ['tlogs', 'ctlogs'] as const) {
    doc[kind].forEach((log, i) => {
      findings.push(
        ...missingStart(`${kind}[${i}] (${printable(log.baseUrl)})`, log.publicKey.validFor, file),
      );
    });
    findings.push(...logIdOverlaps(kind, doc[kind], file));
  }
  for (const kind of ['certificateAuthorities', 'timestampAuthorities'] as const) {
    doc[kind].forEach((ca, i) => {
      const what = `${kind}[${i}] (${printable(ca.uri)})`;
      const start = missingStart(what, ca.validFor, file);
      findings.push(...start);
      if (start.length === 0) {
        findings.push(
          ...chainFindings(
            what,
            ca.certChain.certificates.map((c) => c.rawBytes),
            ca.validFor,
            file,
          ),
        );
      }
    });
  }
  return findings;
}
