import { CeremonyError } from '../metadata/errors.js';
import {
  arrayAt,
  child,
  objectAt,
  optionalStringAt,
  parseJsonText,
  stringAt,
  type At,
} from './json-text.js';
import { SIGNING_CONFIG_V02 } from './media-types.js';
import { ordered, printJson } from './serialize-json.js';
import { timeMs, type TimeRangeJson } from './times.js';

// dev.sigstore.trustroot.v1.SigningConfig v0.2 in proto3 JSON: where signers find Fulcio, the OIDC
// provider, Rekor and TSAs. Key order follows Sigstore's published signing_config.v0.2.json.

/** One service endpoint with its API version and validity window. */
export interface ServiceJson {
  url: string;
  majorApiVersion: number;
  validFor: TimeRangeJson;
  operator?: string;
}

/** How clients pick among the listed services. */
export interface ServiceConfigJson {
  selector: 'ALL' | 'ANY' | 'EXACT';
  /** Only with EXACT. */
  count?: number;
}

/** A whole signing_config (v0.2) document. */
export interface SigningConfigDoc {
  mediaType: string;
  caUrls: ServiceJson[];
  oidcUrls: ServiceJson[];
  rekorTlogUrls: ServiceJson[];
  tsaUrls: ServiceJson[];
  rekorTlogConfig?: ServiceConfigJson;
  tsaConfig?: ServiceConfigJson;
}

/** The four service lists of a signing config. */
export type ServiceList = 'caUrls' | 'oidcUrls' | 'rekorTlogUrls' | 'tsaUrls';

const LISTS: readonly ServiceList[] = ['caUrls', 'oidcUrls', 'rekorTlogUrls', 'tsaUrls'];

function bad(at: At, message: string): never {
  throw new CeremonyError('METADATA_INVALID', `${at.file}: ${at.path} ${message}`);
}

function service(value: unknown, at: At): ServiceJson {
  const obj = objectAt(value, ['url', 'majorApiVersion', 'validFor', 'operator'], at);
  const version = obj.majorApiVersion;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    bad(child(at, 'majorApiVersion'), 'must be an integer >= 1');
  }
  const rangeAt = child(at, 'validFor');
  const range = objectAt(obj.validFor, ['start', 'end'], rangeAt);
  const validFor: TimeRangeJson = { start: stringAt(range, 'start', rangeAt) };
  timeMs(validFor.start, `${at.file}: ${rangeAt.path}.start`);
  const end = optionalStringAt(range, 'end', rangeAt);
  if (end !== undefined) {
    timeMs(end, `${at.file}: ${rangeAt.path}.end`);
    validFor.end = end;
  }
  const entry: ServiceJson = { url: stringAt(obj, 'url', at), majorApiVersion: version, validFor };
  const operator = optionalStringAt(obj, 'operator', at);
  if (operator !== undefined) entry.operator = operator;
  return entry;
}

function serviceConfig(value: unknown, at: At): ServiceConfigJson | undefined {
  if (value === undefined) return undefined;
  const obj = objectAt(value, ['selector', 'count'], at);
  const selector = obj.selector;
  if (selector !== 'ALL' && selector !== 'ANY' && selector !== 'EXACT') {
    bad(child(at, 'selector'), 'must be ALL, ANY or EXACT');
  }
  const count = obj.count;
  if (selector === 'EXACT') {
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) {
      bad(child(at, 'count'), 'must be an integer >= 1 with selector EXACT');
    }
    return { selector, count };
  }
  if (count !== undefined) bad(child(at, 'count'), 'is only allowed with selector EXACT');
  return { selector };
}

/** Parses signing_config v0.2 text strictly (a v0.1 file has another shape and is refused). */
export function parseSigningConfig(text: string, file: string): SigningConfigDoc {
  const root: At = { file, path: '$' };
  const fields = ['mediaType', ...LISTS, 'rekorTlogConfig', 'tsaConfig'];
  const obj = objectAt(parseJsonText(text, file), fields, root);
  const mediaType = stringAt(obj, 'mediaType', root);
  if (mediaType !== SIGNING_CONFIG_V02) {
    bad(child(root, 'mediaType'), `is "${mediaType}"; only ${SIGNING_CONFIG_V02} is supported`);
  }
  const list = (key: ServiceList) =>
    arrayAt(obj, key, root).map((v, i) => service(v, child(child(root, key), i)));
  const doc: SigningConfigDoc = {
    mediaType,
    caUrls: list('caUrls'),
    oidcUrls: list('oidcUrls'),
    rekorTlogUrls: list('rekorTlogUrls'),
    tsaUrls: list('tsaUrls'),
  };
  const rekorTlogConfig = serviceConfig(obj.rekorTlogConfig, child(root, 'rekorTlogConfig'));
  const tsaConfig = serviceConfig(obj.tsaConfig, child(root, 'tsaConfig'));
  if (rekorTlogConfig) doc.rekorTlogConfig = rekorTlogConfig;
  if (tsaConfig) doc.tsaConfig = tsaConfig;
  return doc;
}

/** A new, empty signing config; both selectors ANY (an unset selector makes clients fail). */
export function emptySigningConfig(): SigningConfigDoc {
  return {
    mediaType: SIGNING_CONFIG_V02,
    caUrls: [],
    oidcUrls: [],
    rekorTlogUrls: [],
    tsaUrls: [],
    rekorTlogConfig: { selector: 'ANY' },
    tsaConfig: { selector: 'ANY' },
  };
}

/** signing_config text: Sigstore's key order, 2-space indent, trailing newline. */
export function serializeSigningConfig(doc: SigningConfigDoc): string {
  const services = (list: ServiceJson[]) =>
    list.length === 0
      ? undefined
      : list.map((s) =>
          ordered({ ...s, validFor: ordered(s.validFor, ['start', 'end']) }, [
            'url',
            'majorApiVersion',
            'validFor',
            'operator',
          ]),
        );
  const config = (c: ServiceConfigJson | undefined) => c && ordered(c, ['selector', 'count']);
  return printJson(
    ordered(
      {
        mediaType: doc.mediaType,
        caUrls: services(doc.caUrls),
        oidcUrls: services(doc.oidcUrls),
        rekorTlogUrls: services(doc.rekorTlogUrls),
        tsaUrls: services(doc.tsaUrls),
        rekorTlogConfig: config(doc.rekorTlogConfig),
        tsaConfig: config(doc.tsaConfig),
      },
      ['mediaType', ...LISTS, 'rekorTlogConfig', 'tsaConfig'],
    ),
  );
}
