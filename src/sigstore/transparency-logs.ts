import { CeremonyError } from '../metadata/errors.js';
import {
  checkpointOrigin,
  logKeyFromPem,
  rfc6962LogId,
  signedNoteKeyId,
  toBase64,
} from './log-keys.js';
import { trustedRootVersion } from './media-types.js';
import { checkEndAfterStart, insertByStart, userTime } from './times.js';
import type { TransparencyLogJson, TrustedRootDoc } from './trusted-root-model.js';
import { checkOperator, checkServiceUrl } from './urls.js';

// Adding and closing transparency-log (Rekor) and CT-log entries. Pure: every function returns a
// new document and leaves its input untouched. Entries are never deleted, only closed.

/** A new Rekor log shard (`apiVersion` 2 for a Rekor v2 Ed25519 shard) or CT log. */
export interface LogAddInput {
  baseUrl: string;
  /** PEM text of the log's public key. */
  publicKeyPem: string;
  /** RFC 3339 start of the validity window. */
  start: string;
  /** 1 (default) or 2; CT logs always use 1. */
  apiVersion?: 1 | 2;
  /** Operator (v0.2 documents only), e.g. sigstore.dev. */
  operator?: string;
}

/** Which open log entry to close, and when. */
export interface LogEndInput {
  baseUrl: string;
  /** RFC 3339 end of the validity window. */
  end: string;
  /** Base64 log id, needed only when several open entries share the base URL. */
  logId?: string;
}

type LogList = 'tlogs' | 'ctlogs';

function label(list: LogList): string {
  return list === 'tlogs' ? 'transparency log' : 'CT log';
}

function buildEntry(doc: TrustedRootDoc, list: LogList, input: LogAddInput): TransparencyLogJson {
  const where = label(list);
  const baseUrl = checkServiceUrl(input.baseUrl, '--base-url');
  const start = userTime(input.start, '--start');
  const version = trustedRootVersion(doc.mediaType, 'trusted root');
  const apiVersion = input.apiVersion ?? 1;
  if (input.operator !== undefined && version === '0.1') {
    throw new CeremonyError(
      'USAGE',
      `--operator needs a v0.2 trusted root; this file has media type ${doc.mediaType}`,
    );
  }
  const key = logKeyFromPem(input.publicKeyPem, `${where} public key`);
  // Rekor v2 (C2SP signed-note): the key id hashes the checkpoint origin with the raw Ed25519 key;
  // RFC 6962 logs (Rekor v1, CT) use sha256 of the SubjectPublicKeyInfo.
  const id = toBase64(
    apiVersion === 2
      ? signedNoteKeyId(checkpointOrigin(baseUrl), key, '--api-version 2')
      : rfc6962LogId(key),
  );
  const entry: TransparencyLogJson = {
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: toBase64(key.spkiDer),
      keyDetails: key.keyDetails,
      validFor: { start: start.text },
    },
    logId: { keyId: id },
  };
  // checkpointKeyId exists only from media type v0.2 on (protobuf-specs trustroot comment).
  if (apiVersion === 2 && version === '0.2') entry.checkpointKeyId = { keyId: id };
  if (input.operator !== undefined) entry.operator = checkOperator(input.operator, '--operator');
  const clash = doc[list].find(
    (e) => e.logId.keyId === id || e.publicKey.rawBytes === entry.publicKey.rawBytes,
  );
  if (clash) {
    throw new CeremonyError(
      'USAGE',
      `this ${where} key is already listed (${clash.baseUrl}, log id ${clash.logId.keyId})`,
    );
  }
  return entry;
}

function addLog(doc: TrustedRootDoc, list: LogList, input: LogAddInput): TrustedRootDoc {
  const entry = buildEntry(doc, list, input);
  return {
    ...doc,
    [list]: insertByStart(doc[list], entry, (e) => e.publicKey.validFor.start, 'ascending'),
  };
}

function endLog(doc: TrustedRootDoc, list: LogList, input: LogEndInput): TrustedRootDoc {
  const where = label(list);
  const end = userTime(input.end, '--end');
  const open = doc[list]
    .map((entry, index) => ({ entry, index }))
    .filter(
      ({ entry }) =>
        entry.baseUrl === input.baseUrl &&
        entry.publicKey.validFor.end === undefined &&
        (input.logId === undefined || entry.logId.keyId === input.logId),
    );
  const found = open[0];
  if (found === undefined) {
    throw new CeremonyError('USAGE', `no open ${where} with base URL ${input.baseUrl}`);
  }
  if (open.length > 1) {
    throw new CeremonyError(
      'USAGE',
      `${open.length} open ${where}s have base URL ${input.baseUrl}; choose one with --log-id`,
    );
  }
  checkEndAfterStart(found.entry.publicKey.validFor, end.ms, `${where} ${input.baseUrl}`);
  const closed: TransparencyLogJson = {
    ...found.entry,
    publicKey: {
      ...found.entry.publicKey,
      validFor: { start: found.entry.publicKey.validFor.start, end: end.text },
    },
  };
  return { ...doc, [list]: doc[list].map((e, i) => (i === found.index ? closed : e)) };
}

/** Adds a Rekor log shard to `tlogs`, sorted by start. */
export function addTransparencyLog(doc: TrustedRootDoc, input: LogAddInput): TrustedRootDoc {
  return addLog(doc, 'tlogs', input);
}

/** Closes the open Rekor log shard with this base URL at `end`. */
export function endTransparencyLog(doc: TrustedRootDoc, input: LogEndInput): TrustedRootDoc {
  return endLog(doc, 'tlogs', input);
}

/** Adds a certificate transparency log to `ctlogs` (RFC 6962 log id), sorted by start. */
export function addCtLog(
  doc: TrustedRootDoc,
  input: Omit<LogAddInput, 'apiVersion'>,
): TrustedRootDoc {
  return addLog(doc, 'ctlogs', input);
}

/** Closes the open CT log with this base URL at `end`. */
export function endCtLog(doc: TrustedRootDoc, input: LogEndInput): TrustedRootDoc {
  return endLog(doc, 'ctlogs', input);
}
