import { X509Certificate } from 'node:crypto';
import { CeremonyError } from '../metadata/errors.js';
import { keyFingerprint, keyFromPublicKeyObject, publicKeyHandle } from '../metadata/keys.js';
import type { Key } from '../metadata/model.js';
import { certificateExtensions, decodeUnsigned, readElement } from './der.js';

// YubiKey PIV attestation (developers.yubico.com/PIV/Introduction/PIV_attestation.html): the
// slot's attestation certificate is signed by the device's f9 attestation key, whose certificate
// chains to Yubico's PIV root CA. A verified chain proves the key was generated on that YubiKey
// and cannot leave it. Pure apart from node:crypto: it takes PEM text and a time.

const OID = {
  firmware: '1.3.6.1.4.1.41482.3.3', // OCTET STRING of 3 bytes: major, minor, patch
  serial: '1.3.6.1.4.1.41482.3.7', // INTEGER
  policy: '1.3.6.1.4.1.41482.3.8', // 2 bytes: PIN policy, touch policy
  formFactor: '1.3.6.1.4.1.41482.3.9', // 1 byte
} as const;

const PIN_POLICIES = ['default', 'never', 'once', 'always', 'match-once', 'match-always'];
const TOUCH_POLICIES = ['default', 'never', 'always', 'cached'];

/** What the holder supplies: three PEM texts (the intermediate text may hold several certs). */
export interface AttestationInput {
  /** The slot's attestation certificate (`ykman piv keys attest 9c -`). */
  attestationPem: string;
  /** The device's f9 attestation certificate (`ykman piv certificates export f9 -`). */
  intermediatePem: string;
  /** Yubico's PIV root CA certificate. */
  rootPem: string;
  /** The enrolled key the attestation must be about. */
  key: Key;
  /** Epoch ms at which every certificate must be valid. */
  now: number;
}

/** One certificate of a verified chain, as recorded in the transcript. */
export interface ChainEntry {
  subject: string;
  issuer: string;
  sha256: string;
  notBefore: string;
  notAfter: string;
}

/** A verified YubiKey attestation, JSON-ready for the transcript and the enrolled key file. */
export interface YubiKeyAttestation {
  kind: 'yubikey-piv';
  /** Device serial (firmware 5.0 and later). */
  serial?: number;
  firmware?: string;
  pinPolicy?: string;
  touchPolicy?: string;
  formFactor?: number;
  /** PIV slot named in the attestation's subject (e.g. `9c`). */
  slot?: string;
  keyFingerprint: string;
  checkedAt: string;
  chain: ChainEntry[];
}

function fail(why: string): never {
  throw new CeremonyError('HSM', `YubiKey attestation: ${why}`);
}

/** Every certificate in a PEM text, in order. */
export function parsePemCertificates(pem: string, what: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) fail(`the ${what} holds no PEM certificate`);
  return blocks.map((b) => {
    try {
      return new X509Certificate(b);
    } catch (err) {
      throw new CeremonyError(
        'HSM',
        `YubiKey attestation: the ${what} is not a valid certificate`,
        {
          cause: err,
        },
      );
    }
  });
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

function cn(name: string): string {
  return /CN=([^\n,]+)/.exec(name)?.[1] ?? name.replace(/\n/g, ', ');
}

function entry(cert: X509Certificate): ChainEntry {
  return {
    subject: cn(cert.subject),
    issuer: cn(cert.issuer),
    sha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    notBefore: new Date(cert.validFrom).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    notAfter: new Date(cert.validTo).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

/** Builds and checks the chain leaf -> intermediates -> root (signatures and validity at `now`). */
export function verifyChain(
  leaf: X509Certificate,
  intermediates: readonly X509Certificate[],
  root: X509Certificate,
  now: number,
): X509Certificate[] {
  if (!signedBy(root, root))
    fail(`the root "${cn(root.subject)}" is not a self-signed certificate`);
  const chain = [leaf];
  const pool = [...intermediates];
  let current = leaf;
  while (!signedBy(current, root)) {
    const i = pool.findIndex((c) => signedBy(current, c));
    const issuer = pool[i];
    if (!issuer) {
      fail(`"${cn(current.subject)}" is not signed by the given intermediate or root certificate`);
    }
    pool.splice(i, 1);
    chain.push(issuer);
    current = issuer;
  }
  chain.push(root);
  for (const cert of chain) {
    if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) {
      fail(
        `"${cn(cert.subject)}" is not valid at ${new Date(now).toISOString()} (valid ${cert.validFrom} to ${cert.validTo})`,
      );
    }
  }
  return chain;
}

/**
 * Verifies a YubiKey PIV attestation for an enrolled key: the chain to the given root, and that
 * the attested public key is the enrolled key (KEY_MISMATCH otherwise). Returns what to record.
 */
export function verifyYubiKeyAttestation(input: AttestationInput): YubiKeyAttestation {
  const leaves = parsePemCertificates(input.attestationPem, 'attestation certificate');
  const roots = parsePemCertificates(input.rootPem, 'root certificate');
  const leaf = leaves[0] as X509Certificate;
  const root = roots[0] as X509Certificate;
  if (leaves.length !== 1 || roots.length !== 1) {
    fail('give exactly one attestation certificate and one root certificate');
  }
  const intermediates = parsePemCertificates(input.intermediatePem, 'intermediate certificate');
  const chain = verifyChain(leaf, intermediates, root, input.now);

  const attested = keyFromPublicKeyObject(leaf.publicKey);
  if (publicKeyHandle(attested).identity !== publicKeyHandle(input.key).identity) {
    throw new CeremonyError(
      'KEY_MISMATCH',
      `YubiKey attestation: the attested key ${keyFingerprint(attested)} is not the enrolled key ${keyFingerprint(input.key)}`,
    );
  }

  const ext = certificateExtensions(leaf.raw);
  const firmware = ext.get(OID.firmware);
  if (!firmware)
    fail(`"${cn(leaf.subject)}" carries no YubiKey firmware extension (${OID.firmware})`);
  const result: YubiKeyAttestation = {
    kind: 'yubikey-piv',
    firmware: [...firmware.subarray(0, 3)].join('.'),
    keyFingerprint: keyFingerprint(input.key),
    checkedAt: new Date(input.now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    chain: chain.map(entry),
  };
  const serial = ext.get(OID.serial);
  if (serial) {
    const el = readElement(serial);
    if (el.tag !== 0x02) fail('the serial number extension is not an INTEGER');
    result.serial = decodeUnsigned(el.content);
  }
  const policy = ext.get(OID.policy);
  if (policy && policy.length >= 2) {
    const [pin = 0, touch = 0] = policy;
    result.pinPolicy = PIN_POLICIES[pin] ?? `unknown (${pin})`;
    result.touchPolicy = TOUCH_POLICIES[touch] ?? `unknown (${touch})`;
  }
  const form = ext.get(OID.formFactor);
  if (form?.[0] !== undefined) result.formFactor = form[0];
  const slot = /Attestation ([0-9a-fA-F]{2})\b/.exec(cn(leaf.subject))?.[1];
  if (slot !== undefined) result.slot = slot.toLowerCase();
  return result;
}
