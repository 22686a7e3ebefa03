import { CeremonyError } from '../metadata/errors.js';
import {
  anchorSubject,
  certificatesFromBase64,
  certificatesFromPem,
  chainRawBytes,
  checkChain,
  checkTimestampingLeaf,
  type CertChain,
} from './cert-chain.js';
import { trustedRootVersion } from './media-types.js';
import { checkEndAfterStart, formatTime, insertByStart, userTime } from './times.js';
import type { CertificateAuthorityJson, TrustedRootDoc } from './trusted-root-model.js';
import { checkOperator, checkServiceUrl } from './urls.js';

// Adding and closing Fulcio certificate authorities and timestamp authorities. Pure functions.
// protobuf-specs: validFor is at most the interval in which *all* certificates of the chain are
// valid; windows of successive authorities may overlap; entries are never removed.

/** A new authority: its URI and its chain (PEM, leaf first, trust anchor last). */
export interface AuthorityAddInput {
  uri: string;
  chainPem: string;
  /** RFC 3339 start of the validity window. */
  start: string;
  /** Operator (v0.2 documents only). */
  operator?: string;
}

/** Which open authority to close, and when. */
export interface AuthorityEndInput {
  uri: string;
  end: string;
  /** The chain (PEM), needed only when several open entries share the URI. */
  chainPem?: string;
}

type AuthorityList = 'certificateAuthorities' | 'timestampAuthorities';

function label(list: AuthorityList): string {
  return list === 'certificateAuthorities' ? 'certificate authority' : 'timestamp authority';
}

function readChain(list: AuthorityList, pem: string): CertChain {
  const where = `${label(list)} chain`;
  const chain = checkChain(certificatesFromPem(pem, where), where);
  if (list === 'timestampAuthorities') checkTimestampingLeaf(chain, where);
  return chain;
}

function checkWithinChain(chain: CertChain, time: number, flag: string, what: string): void {
  if (time < chain.notBefore || time > chain.notAfter) {
    throw new CeremonyError(
      'USAGE',
      `${flag} ${formatTime(time)} lies outside the validity of the ${what} chain (${formatTime(chain.notBefore)} to ${formatTime(chain.notAfter)})`,
    );
  }
}

function addAuthority(
  doc: TrustedRootDoc,
  list: AuthorityList,
  input: AuthorityAddInput,
): TrustedRootDoc {
  const what = label(list);
  const uri = checkServiceUrl(input.uri, '--uri');
  const start = userTime(input.start, '--start');
  if (input.operator !== undefined && trustedRootVersion(doc.mediaType, 'trusted root') === '0.1') {
    throw new CeremonyError(
      'USAGE',
      `--operator needs a v0.2 trusted root; this file has media type ${doc.mediaType}`,
    );
  }
  const chain = readChain(list, input.chainPem);
  checkWithinChain(chain, start.ms, '--start', what);
  const certificates = chainRawBytes(chain).map((rawBytes) => ({ rawBytes }));
  const key = certificates.map((c) => c.rawBytes).join(',');
  if (doc[list].some((e) => e.certChain.certificates.map((c) => c.rawBytes).join(',') === key)) {
    throw new CeremonyError('USAGE', `this ${what} chain is already listed`);
  }
  const entry: CertificateAuthorityJson = {
    subject: anchorSubject(chain),
    uri,
    certChain: { certificates },
    validFor: { start: start.text },
  };
  if (input.operator !== undefined) entry.operator = checkOperator(input.operator, '--operator');
  return { ...doc, [list]: insertByStart(doc[list], entry, (e) => e.validFor.start, 'ascending') };
}

function endAuthority(
  doc: TrustedRootDoc,
  list: AuthorityList,
  input: AuthorityEndInput,
): TrustedRootDoc {
  const what = label(list);
  const end = userTime(input.end, '--end');
  const wanted =
    input.chainPem === undefined ? undefined : chainRawBytes(readChain(list, input.chainPem));
  const open = doc[list]
    .map((entry, index) => ({ entry, index }))
    .filter(
      ({ entry }) =>
        entry.uri === input.uri &&
        entry.validFor.end === undefined &&
        (wanted === undefined ||
          entry.certChain.certificates.map((c) => c.rawBytes).join(',') === wanted.join(',')),
    );
  const found = open[0];
  if (found === undefined)
    throw new CeremonyError('USAGE', `no open ${what} with URI ${input.uri}`);
  if (open.length > 1) {
    throw new CeremonyError(
      'USAGE',
      `${open.length} open ${what}s have URI ${input.uri}; choose one with --chain`,
    );
  }
  checkEndAfterStart(found.entry.validFor, end.ms, `${what} ${input.uri}`);
  const where = `${what} ${input.uri}`;
  const rawBytes = found.entry.certChain.certificates.map((c) => c.rawBytes);
  checkWithinChain(
    checkChain(certificatesFromBase64(rawBytes, where), where),
    end.ms,
    '--end',
    what,
  );
  const closed: CertificateAuthorityJson = {
    ...found.entry,
    validFor: { start: found.entry.validFor.start, end: end.text },
  };
  return { ...doc, [list]: doc[list].map((e, i) => (i === found.index ? closed : e)) };
}

/** Adds a Fulcio CA chain (checked: issued and signed link by link, start within its dates). */
export function addCertificateAuthority(
  doc: TrustedRootDoc,
  input: AuthorityAddInput,
): TrustedRootDoc {
  return addAuthority(doc, 'certificateAuthorities', input);
}

/** Closes the open Fulcio CA with this URI at `end` (within the chain's dates). */
export function endCertificateAuthority(
  doc: TrustedRootDoc,
  input: AuthorityEndInput,
): TrustedRootDoc {
  return endAuthority(doc, 'certificateAuthorities', input);
}

/** Adds a timestamp authority chain (leaf must carry the timeStamping extended key usage). */
export function addTimestampAuthority(
  doc: TrustedRootDoc,
  input: AuthorityAddInput,
): TrustedRootDoc {
  return addAuthority(doc, 'timestampAuthorities', input);
}

/** Closes the open timestamp authority with this URI at `end`. */
export function endTimestampAuthority(
  doc: TrustedRootDoc,
  input: AuthorityEndInput,
): TrustedRootDoc {
  return endAuthority(doc, 'timestampAuthorities', input);
}
