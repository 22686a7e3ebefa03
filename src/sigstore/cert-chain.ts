import { X509Certificate } from 'node:crypto';
import { CeremonyError } from '../metadata/errors.js';
import type { DistinguishedNameJson } from './trusted-root-model.js';

// Certificate chains of Fulcio CAs and timestamp authorities, leaf first, trust anchor last.

const TIME_STAMPING_EKU = '1.3.6.1.5.5.7.3.8';

/** A parsed chain with the window in which every certificate is valid. */
export interface CertChain {
  certificates: X509Certificate[];
  /** Latest notBefore of the chain (epoch ms). */
  notBefore: number;
  /** Earliest notAfter of the chain (epoch ms). */
  notAfter: number;
}

function chainError(where: string, message: string): never {
  throw new CeremonyError('METADATA_INVALID', `${where}: ${message}`);
}

/** Reads PEM `CERTIFICATE` blocks (leaf first); any other block is refused. */
export function certificatesFromPem(pem: string, where: string): X509Certificate[] {
  const labels = pem.match(/-----BEGIN ([A-Z0-9 ]+)-----/g) ?? [];
  if (labels.length === 0) chainError(where, 'no PEM certificate found');
  if (labels.some((l) => l !== '-----BEGIN CERTIFICATE-----')) {
    chainError(where, 'only "-----BEGIN CERTIFICATE-----" blocks are accepted');
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length !== labels.length) chainError(where, 'a PEM certificate block is not closed');
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      return chainError(where, `certificate ${i + 1} is not readable (${(err as Error).message})`);
    }
  });
}

/** Reads DER certificates (trusted_root.json `rawBytes`, base64). */
export function certificatesFromBase64(
  rawBytes: readonly string[],
  where: string,
): X509Certificate[] {
  return rawBytes.map((b64, i) => {
    try {
      return new X509Certificate(Buffer.from(b64, 'base64'));
    } catch {
      return chainError(where, `certificate ${i + 1} is not a DER certificate`);
    }
  });
}

/**
 * Checks a chain: each certificate is issued and signed by the next one, every issuer is a CA,
 * a self-issued anchor verifies its own signature. Returns the common validity window.
 */
export function checkChain(certificates: X509Certificate[], where: string): CertChain {
  certificates.forEach((cert, i) => {
    const issuer = certificates[i + 1];
    if (issuer !== undefined) {
      // RFC 5280 6.1.3: the issuer name matches and the signature verifies with the issuer's key.
      if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) {
        chainError(where, `certificate ${i + 1} is not issued and signed by certificate ${i + 2}`);
      }
      if (!issuer.ca) chainError(where, `certificate ${i + 2} issues certificates but is not a CA`);
    } else if (cert.checkIssued(cert) && !cert.verify(cert.publicKey)) {
      chainError(where, `the self-issued anchor (certificate ${i + 1}) does not verify itself`);
    }
  });
  const notBefore = Math.max(...certificates.map((c) => Date.parse(c.validFrom)));
  const notAfter = Math.min(...certificates.map((c) => Date.parse(c.validTo)));
  if (!(notBefore < notAfter))
    chainError(where, 'the certificates are never valid at the same time');
  return { certificates, notBefore, notAfter };
}

/** Requires the leaf of a timestamp authority chain to carry the timeStamping extended key usage. */
export function checkTimestampingLeaf(chain: CertChain, where: string): void {
  const leaf = chain.certificates[0];
  // RFC 3161 2.3: the TSA certificate carries the id-kp-timeStamping extended key usage.
  // node:crypto leaves keyUsage undefined when the certificate has no extended key usage.
  const usages = leaf?.keyUsage ?? [];
  if (!usages.includes(TIME_STAMPING_EKU)) {
    chainError(where, 'the leaf certificate lacks the timeStamping extended key usage');
  }
}

/** O and CN of the chain's trust anchor (the last certificate), as Sigstore records `subject`. */
export function anchorSubject(chain: CertChain): DistinguishedNameJson {
  const anchor = chain.certificates[chain.certificates.length - 1];
  const subject: DistinguishedNameJson = {};
  for (const line of (anchor?.subject ?? '').split('\n')) {
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'O' && subject.organization === undefined) subject.organization = value;
    if (key === 'CN' && subject.commonName === undefined) subject.commonName = value;
  }
  return subject;
}

/** Base64 DER of every certificate, leaf first. */
export function chainRawBytes(chain: CertChain): string[] {
  return chain.certificates.map((c) => c.raw.toString('base64'));
}
