import { encodeUtf8 } from '../metadata/json.js';
import { ordered, printJson } from './serialize-json.js';
import type { TimeRangeJson } from './times.js';
import type {
  CertificateAuthorityJson,
  TransparencyLogJson,
  TrustedRootDoc,
} from './trusted-root-model.js';

const range = (r: TimeRangeJson) => ordered(r, ['start', 'end']);

function tlog(t: TransparencyLogJson): object {
  return ordered(
    {
      ...t,
      publicKey: ordered({ ...t.publicKey, validFor: range(t.publicKey.validFor) }, [
        'rawBytes',
        'keyDetails',
        'validFor',
      ]),
      logId: ordered(t.logId, ['keyId']),
      checkpointKeyId: t.checkpointKeyId && ordered(t.checkpointKeyId, ['keyId']),
    },
    ['baseUrl', 'hashAlgorithm', 'publicKey', 'logId', 'checkpointKeyId', 'operator'],
  );
}

function authority(a: CertificateAuthorityJson): object {
  return ordered(
    {
      ...a,
      subject: ordered(a.subject, ['organization', 'commonName']),
      certChain: { certificates: a.certChain.certificates.map((c) => ordered(c, ['rawBytes'])) },
      validFor: range(a.validFor),
    },
    ['subject', 'uri', 'certChain', 'validFor', 'operator'],
  );
}

/** trusted_root.json text: proto field order, 2-space indent, trailing newline, empty lists omitted. */
export function serializeTrustedRoot(doc: TrustedRootDoc): string {
  const nonEmpty = <T>(list: T[], map: (x: T) => object) =>
    list.length === 0 ? undefined : list.map(map);
  return printJson(
    ordered(
      {
        mediaType: doc.mediaType,
        tlogs: nonEmpty(doc.tlogs, tlog),
        certificateAuthorities: nonEmpty(doc.certificateAuthorities, authority),
        ctlogs: nonEmpty(doc.ctlogs, tlog),
        timestampAuthorities: nonEmpty(doc.timestampAuthorities, authority),
      },
      ['mediaType', 'tlogs', 'certificateAuthorities', 'ctlogs', 'timestampAuthorities'],
    ),
  );
}

/** The bytes of serializeTrustedRoot (UTF-8). */
export function trustedRootBytes(doc: TrustedRootDoc): Uint8Array {
  return encodeUtf8(serializeTrustedRoot(doc));
}
