import { printable } from '../metadata/printable.js';
import type { ServiceConfigJson, ServiceJson, SigningConfigDoc } from './signing-config-model.js';
import type { TrustedRootDoc } from './trusted-root-model.js';

// Which Rekor, TSA and Fulcio each client family would use at a given time, by the rule each
// applies, read from its source (docs/sigstore-clients.md has the table):
// - sigstore-go and cosign: pkg/root/signing_config.go SelectService / SelectServices: highest
//   supported API version first, services valid at the time (start and end both checked),
//   newest start first, one per operator; ANY picks one operator at random.
// - sigstore-python: sigstore/models.py SigningConfig._get_valid_services: supported versions
//   only, valid at the time, grouped by operator in file order, the highest version per
//   operator; ANY takes the first operator, EXACT the first `count`.
// - sigstore-js: packages/sign src/config.ts bundleBuilderFromSigningConfig: API version up to
//   its maximum (CA 1, Rekor 2, TSA 1), drops only services that already ended (a future start
//   is kept), newest start first; any selector but ANY throws.

/** The three service kinds a signer needs. */
export type PreviewKind = 'Rekor' | 'TSA' | 'Fulcio';

/** What one client family would do for one kind of service. */
export interface ClientPick {
  client: string;
  /** The URLs it would use (several when it picks among operators or uses ALL). */
  urls: string[];
  /** True when the client picks among `urls` at random. */
  random: boolean;
  /** The client would refuse the signing config (its error), when it would. */
  error?: string;
  rule: string;
}

/** The picks of every client family for one kind, and whether they disagree. */
export interface KindPreview {
  kind: PreviewKind;
  picks: ClientPick[];
  disagree: boolean;
  /** Picked URLs without an entry valid at the time in the trusted root (signatures would not verify). */
  untrusted: string[];
}

const LIST: Readonly<Record<PreviewKind, 'rekorTlogUrls' | 'tsaUrls' | 'caUrls'>> = {
  Rekor: 'rekorTlogUrls',
  TSA: 'tsaUrls',
  Fulcio: 'caUrls',
};

const SUPPORTED: Readonly<Record<PreviewKind, readonly number[]>> = {
  Rekor: [1, 2],
  TSA: [1],
  Fulcio: [1],
};

const startOf = (s: ServiceJson) => Date.parse(s.validFor.start);
const endOf = (s: ServiceJson) =>
  s.validFor.end === undefined ? Number.POSITIVE_INFINITY : Date.parse(s.validFor.end);
const validAt = (s: ServiceJson, at: number) => startOf(s) <= at && at <= endOf(s);
const newestFirst = (list: readonly ServiceJson[]) =>
  [...list].sort((a, b) => startOf(b) - startOf(a));

function configOf(doc: SigningConfigDoc, kind: PreviewKind): ServiceConfigJson | undefined {
  if (kind === 'Rekor') return doc.rekorTlogConfig;
  if (kind === 'TSA') return doc.tsaConfig;
  return undefined;
}

function sigstoreGo(
  services: readonly ServiceJson[],
  kind: PreviewKind,
  config: ServiceConfigJson | undefined,
  at: number,
): ClientPick {
  const rule =
    'highest API version, valid at the time, newest start, one per operator (pkg/root/signing_config.go SelectServices)';
  for (const version of [...SUPPORTED[kind]].sort((a, b) => b - a)) {
    const seen = new Set<string>();
    const urls: string[] = [];
    for (const s of newestFirst(services)) {
      if (s.majorApiVersion !== version || !validAt(s, at) || seen.has(s.operator ?? '')) continue;
      seen.add(s.operator ?? '');
      urls.push(s.url);
    }
    if (urls.length === 0) continue;
    const selector = config?.selector ?? 'ANY';
    if (kind === 'Fulcio')
      return { client: 'sigstore-go / cosign', urls: urls.slice(0, 1), random: false, rule };
    if (selector === 'ALL') return { client: 'sigstore-go / cosign', urls, random: false, rule };
    return {
      client: 'sigstore-go / cosign',
      urls,
      random: urls.length > (config?.count ?? 1),
      rule,
    };
  }
  return {
    client: 'sigstore-go / cosign',
    urls: [],
    random: false,
    error: 'no matching service',
    rule,
  };
}

function sigstorePython(
  services: readonly ServiceJson[],
  kind: PreviewKind,
  config: ServiceConfigJson | undefined,
  at: number,
): ClientPick {
  const rule =
    'valid at the time, highest API version per operator, operators in file order; ANY takes the first (sigstore/models.py SigningConfig._get_valid_services)';
  const byOperator = new Map<string, ServiceJson>();
  for (const s of services) {
    if (!SUPPORTED[kind].includes(s.majorApiVersion) || !validAt(s, at)) continue;
    const op = s.operator ?? '';
    const have = byOperator.get(op);
    if (have === undefined || s.majorApiVersion > have.majorApiVersion) byOperator.set(op, s);
  }
  const all = [...byOperator.values()].map((s) => s.url);
  const count =
    kind === 'Fulcio'
      ? 1
      : config?.selector === 'ALL'
        ? all.length
        : config?.selector === 'EXACT'
          ? (config.count ?? 1)
          : 1;
  if (all.length === 0 || all.length < count) {
    return {
      client: 'sigstore-python',
      urls: [],
      random: false,
      error: `expected ${count} valid service(s), found ${all.length}`,
      rule,
    };
  }
  return { client: 'sigstore-python', urls: all.slice(0, count), random: false, rule };
}

const JS_MAX: Readonly<Record<PreviewKind, number>> = { Rekor: 2, TSA: 1, Fulcio: 1 };

function sigstoreJs(
  services: readonly ServiceJson[],
  kind: PreviewKind,
  config: ServiceConfigJson | undefined,
  at: number,
): ClientPick {
  const rule =
    'API version up to its maximum, drops only ended services, newest start first (packages/sign src/config.ts)';
  if (config !== undefined && config.selector !== 'ANY') {
    return {
      client: 'sigstore-js',
      urls: [],
      random: false,
      error: `unsupported ${kind} selector ${config.selector}`,
      rule,
    };
  }
  const usable = newestFirst(
    services.filter((s) => s.majorApiVersion <= JS_MAX[kind] && endOf(s) >= at),
  );
  const first = usable[0];
  if (first === undefined)
    return { client: 'sigstore-js', urls: [], random: false, error: 'no valid service', rule };
  return { client: 'sigstore-js', urls: [first.url], random: false, rule };
}

function trustedUrls(root: TrustedRootDoc, kind: PreviewKind, at: number): string[] {
  const within = (v: { start: string; end?: string }) =>
    Date.parse(v.start) <= at && (v.end === undefined || at <= Date.parse(v.end));
  if (kind === 'Rekor')
    return root.tlogs.filter((l) => within(l.publicKey.validFor)).map((l) => l.baseUrl);
  const list = kind === 'TSA' ? root.timestampAuthorities : root.certificateAuthorities;
  return list.filter((a) => within(a.validFor)).map((a) => a.uri);
}

const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/** What each client family would use at `at` (epoch ms) for each kind of service. */
export function previewServices(
  doc: SigningConfigDoc,
  root: TrustedRootDoc | undefined,
  at: number,
): KindPreview[] {
  return (['Rekor', 'TSA', 'Fulcio'] as const).map((kind) => {
    const services = doc[LIST[kind]];
    const config = configOf(doc, kind);
    const picks = [sigstoreGo, sigstorePython, sigstoreJs].map((pick) =>
      pick(services, kind, config, at),
    );
    const chosen = picks.map((p) => (p.error ? `error` : [...p.urls].sort().join(' ')));
    const disagree = new Set(chosen).size > 1 || picks.some((p) => p.random);
    const trusted = root ? trustedUrls(root, kind, at) : undefined;
    const untrusted =
      trusted === undefined
        ? []
        : [...new Set(picks.flatMap((p) => p.urls))].filter(
            (u) => !trusted.some((t) => sameUrl(t, u)),
          );
    return { kind, picks, disagree, untrusted };
  });
}

/** The preview as printed lines (URLs escaped), then each client's rule once. */
export function previewLines(previews: readonly KindPreview[]): string[] {
  const lines: string[] = [];
  const rules = new Map<string, string>();
  for (const p of previews) {
    lines.push(`${p.kind}:${p.disagree ? ' CLIENTS DISAGREE' : ''}`);
    for (const pick of p.picks) {
      rules.set(pick.client, pick.rule);
      const what = pick.error
        ? `refuses: ${printable(pick.error)}`
        : `${pick.urls.map(printable).join(', ')}${pick.random ? ' (one at random)' : ''}`;
      lines.push(`  ${pick.client}: ${what}`);
    }
    for (const url of p.untrusted) {
      lines.push(
        `  warning: ${printable(url)} has no entry valid at that time in the trusted root`,
      );
    }
  }
  lines.push('rules:', ...[...rules].map(([client, rule]) => `  ${client}: ${rule}`));
  return lines;
}
