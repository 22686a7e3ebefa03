import { CeremonyError } from '../metadata/errors.js';
import type {
  ServiceConfigJson,
  ServiceJson,
  ServiceList,
  SigningConfigDoc,
} from './signing-config-model.js';
import { checkEndAfterStart, insertByStart, userTime } from './times.js';
import { checkOperator, checkServiceUrl } from './urls.js';

// Adding and retiring service URLs of a signing config (pure). protobuf-specs: services are sorted
// newest first; retired services keep their entry with validFor.end.

/** Kinds of services, as the CLI names them. */
export type ServiceKind = 'ca' | 'oidc' | 'rekor' | 'tsa';

/** The signing-config list of each kind of service. */
export const SERVICE_LISTS: Readonly<Record<ServiceKind, ServiceList>> = {
  ca: 'caUrls',
  oidc: 'oidcUrls',
  rekor: 'rekorTlogUrls',
  tsa: 'tsaUrls',
};

/** A new service endpoint. */
export interface ServiceAddInput {
  kind: ServiceKind;
  url: string;
  start: string;
  operator: string;
  /** Defaults to 1. */
  majorApiVersion?: number;
}

/** Which open service to retire, and when. */
export interface ServiceEndInput {
  kind: ServiceKind;
  url: string;
  end: string;
  /** Needed only when the URL is open under several API versions. */
  majorApiVersion?: number;
}

function checkApiVersion(version: number): number {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new CeremonyError('USAGE', `--api-version must be an integer >= 1, found ${version}`);
  }
  return version;
}

/** Adds a service URL (newest first); refuses a URL already open with the same API version. */
export function addService(doc: SigningConfigDoc, input: ServiceAddInput): SigningConfigDoc {
  const list = SERVICE_LISTS[input.kind];
  const majorApiVersion = checkApiVersion(input.majorApiVersion ?? 1);
  const entry: ServiceJson = {
    url: checkServiceUrl(input.url, '--url'),
    majorApiVersion,
    validFor: { start: userTime(input.start, '--start').text },
    operator: checkOperator(input.operator, '--operator'),
  };
  const clash = doc[list].some(
    (s) =>
      s.url === entry.url && s.majorApiVersion === majorApiVersion && s.validFor.end === undefined,
  );
  if (clash) {
    throw new CeremonyError(
      'USAGE',
      `${input.url} (API v${majorApiVersion}) is already an open ${input.kind} service`,
    );
  }
  return { ...doc, [list]: insertByStart(doc[list], entry, (s) => s.validFor.start, 'descending') };
}

/** Retires the open service with this URL at `end` (its entry stays, closed). */
export function endService(doc: SigningConfigDoc, input: ServiceEndInput): SigningConfigDoc {
  const list = SERVICE_LISTS[input.kind];
  const end = userTime(input.end, '--end');
  const open = doc[list]
    .map((entry, index) => ({ entry, index }))
    .filter(
      ({ entry }) =>
        entry.url === input.url &&
        entry.validFor.end === undefined &&
        (input.majorApiVersion === undefined || entry.majorApiVersion === input.majorApiVersion),
    );
  const found = open[0];
  if (found === undefined) {
    throw new CeremonyError('USAGE', `no open ${input.kind} service with URL ${input.url}`);
  }
  if (open.length > 1) {
    throw new CeremonyError(
      'USAGE',
      `${input.url} is open under several API versions; choose one with --api-version`,
    );
  }
  checkEndAfterStart(found.entry.validFor, end.ms, `${input.kind} service ${input.url}`);
  const closed: ServiceJson = {
    ...found.entry,
    validFor: { start: found.entry.validFor.start, end: end.text },
  };
  return { ...doc, [list]: doc[list].map((s, i) => (i === found.index ? closed : s)) };
}

/** Sets how clients select Rekor logs or TSAs (ALL, ANY, or EXACT with a count). */
export function setSelector(
  doc: SigningConfigDoc,
  kind: 'rekor' | 'tsa',
  config: ServiceConfigJson,
): SigningConfigDoc {
  if (config.selector === 'EXACT') {
    if (config.count === undefined || !Number.isSafeInteger(config.count) || config.count < 1) {
      throw new CeremonyError('USAGE', 'selector EXACT needs --count with an integer >= 1');
    }
  } else if (config.count !== undefined) {
    throw new CeremonyError('USAGE', '--count is only allowed with selector EXACT');
  }
  const value: ServiceConfigJson =
    config.selector === 'EXACT'
      ? { selector: 'EXACT', count: config.count ?? 1 }
      : { selector: config.selector };
  return kind === 'rekor' ? { ...doc, rekorTlogConfig: value } : { ...doc, tsaConfig: value };
}
