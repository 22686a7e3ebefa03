import { CeremonyError } from '../metadata/errors.js';
import type { JsonObject } from '../metadata/json.js';
import {
  arrayAt,
  base64At,
  child,
  objectAt,
  optionalStringAt,
  parseJsonText,
  stringAt,
  type At,
} from './json-text.js';
import { trustedRootVersion, type TrustedRootVersion } from './media-types.js';
import { timeMs, type TimeRangeJson } from './times.js';
import type {
  CertificateAuthorityJson,
  LogIdJson,
  TransparencyLogJson,
  TrustedRootDoc,
} from './trusted-root-model.js';

function timeRange(value: unknown, at: At): TimeRangeJson {
  const obj = objectAt(value, ['start', 'end'], at);
  const start = stringAt(obj, 'start', at);
  timeMs(start, `${at.file}: ${at.path}.start`);
  const end = optionalStringAt(obj, 'end', at);
  if (end === undefined) return { start };
  timeMs(end, `${at.file}: ${at.path}.end`);
  return { start, end };
}

function logId(value: unknown, at: At): LogIdJson {
  return { keyId: base64At(objectAt(value, ['keyId'], at), 'keyId', at) };
}

function v02Only(obj: JsonObject, key: string, version: TrustedRootVersion, at: At): void {
  if (version === '0.1' && obj[key] !== undefined) {
    throw new CeremonyError(
      'METADATA_INVALID',
      `${at.file}: ${at.path}.${key} is a v0.2 field but the file's media type is v0.1`,
    );
  }
}

function tlog(value: unknown, version: TrustedRootVersion, at: At): TransparencyLogJson {
  const fields = ['baseUrl', 'hashAlgorithm', 'publicKey', 'logId', 'checkpointKeyId', 'operator'];
  const obj = objectAt(value, fields, at);
  v02Only(obj, 'checkpointKeyId', version, at);
  v02Only(obj, 'operator', version, at);
  const keyAt = child(at, 'publicKey');
  const key = objectAt(obj.publicKey, ['rawBytes', 'keyDetails', 'validFor'], keyAt);
  const entry: TransparencyLogJson = {
    baseUrl: stringAt(obj, 'baseUrl', at),
    hashAlgorithm: stringAt(obj, 'hashAlgorithm', at),
    publicKey: {
      rawBytes: base64At(key, 'rawBytes', keyAt),
      keyDetails: stringAt(key, 'keyDetails', keyAt),
      validFor: timeRange(key.validFor, child(keyAt, 'validFor')),
    },
    logId: logId(obj.logId, child(at, 'logId')),
  };
  if (obj.checkpointKeyId !== undefined) {
    entry.checkpointKeyId = logId(obj.checkpointKeyId, child(at, 'checkpointKeyId'));
  }
  const operator = optionalStringAt(obj, 'operator', at);
  if (operator !== undefined) entry.operator = operator;
  return entry;
}

function authority(value: unknown, version: TrustedRootVersion, at: At): CertificateAuthorityJson {
  const obj = objectAt(value, ['subject', 'uri', 'certChain', 'validFor', 'operator'], at);
  v02Only(obj, 'operator', version, at);
  const subjectAt = child(at, 'subject');
  const subjectObj = objectAt(obj.subject ?? {}, ['organization', 'commonName'], subjectAt);
  const subject: CertificateAuthorityJson['subject'] = {};
  const organization = optionalStringAt(subjectObj, 'organization', subjectAt);
  const commonName = optionalStringAt(subjectObj, 'commonName', subjectAt);
  if (organization !== undefined) subject.organization = organization;
  if (commonName !== undefined) subject.commonName = commonName;
  const chainAt = child(at, 'certChain');
  const chain = objectAt(obj.certChain, ['certificates'], chainAt);
  const certificates = arrayAt(chain, 'certificates', chainAt).map((c, i) => {
    const certAt = child(child(chainAt, 'certificates'), i);
    return { rawBytes: base64At(objectAt(c, ['rawBytes'], certAt), 'rawBytes', certAt) };
  });
  if (certificates.length === 0) {
    throw new CeremonyError('METADATA_INVALID', `${at.file}: ${chainAt.path} has no certificates`);
  }
  const entry: CertificateAuthorityJson = {
    subject,
    uri: stringAt(obj, 'uri', at),
    certChain: { certificates },
    validFor: timeRange(obj.validFor, child(at, 'validFor')),
  };
  const operator = optionalStringAt(obj, 'operator', at);
  if (operator !== undefined) entry.operator = operator;
  return entry;
}

/** Parses trusted_root.json text strictly (unknown fields, bad times, v0.2 fields in v0.1 refused). */
export function parseTrustedRoot(text: string, file: string): TrustedRootDoc {
  const root: At = { file, path: '$' };
  const fields = ['mediaType', 'tlogs', 'certificateAuthorities', 'ctlogs', 'timestampAuthorities'];
  const obj = objectAt(parseJsonText(text, file), fields, root);
  const mediaType = stringAt(obj, 'mediaType', root);
  const version = trustedRootVersion(mediaType, file);
  const list = (key: string) =>
    arrayAt(obj, key, root).map((v, i) => ({ value: v, at: child(child(root, key), i) }));
  return {
    mediaType,
    tlogs: list('tlogs').map((e) => tlog(e.value, version, e.at)),
    certificateAuthorities: list('certificateAuthorities').map((e) =>
      authority(e.value, version, e.at),
    ),
    ctlogs: list('ctlogs').map((e) => tlog(e.value, version, e.at)),
    timestampAuthorities: list('timestampAuthorities').map((e) =>
      authority(e.value, version, e.at),
    ),
  };
}
