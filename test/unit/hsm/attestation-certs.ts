import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Certificate chains shaped like YubiKey PIV attestations, made with the openssl CLI: a root CA,
// a device (f9) intermediate, and a slot attestation certificate over a chosen public key with
// Yubico's extensions (firmware, serial, PIN/touch policy, form factor).

/** Yubico extension values for the attestation certificate. */
export interface YubiExtensions {
  firmware: [number, number, number];
  serial: number;
  pinPolicy: number;
  touchPolicy: number;
}

/** A temp CA workspace. */
export interface CertFactory {
  /** The workspace directory (keys, CSRs and PEM files). */
  readonly dir: string;
  /** A self-signed root: returns its name (key and PEM are kept in the workspace). */
  root(name: string): string;
  /** An intermediate signed by `issuer`. */
  intermediate(name: string, issuer: string): string;
  /** A YubiKey-style attestation over `publicKey`, signed by `issuer`. */
  attestation(name: string, issuer: string, publicKey: KeyObject, ext: YubiExtensions): string;
  /** PEM of a certificate made earlier. */
  pem(name: string): string;
  remove(): void;
}

const hex = (n: number): string => n.toString(16).padStart(2, '0');

/** Creates a workspace; every certificate is valid from now for `days`. */
export function certFactory(days = 30): CertFactory {
  const dir = mkdtempSync(join(tmpdir(), 'tuf-ceremony-attest-'));
  const f = (name: string): string => join(dir, name);
  const openssl = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const newKey = (name: string): void => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(f(`${name}.key`), privateKey.export({ format: 'pem', type: 'pkcs8' }));
  };
  const sign = (
    name: string,
    issuer: string,
    section: string,
    conf: string,
    pub?: string,
  ): void => {
    writeFileSync(f(`${name}.cnf`), conf);
    openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`]);
    openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${issuer}.pem`,
      '-CAkey',
      `${issuer}.key`,
      '-CAcreateserial',
      '-days',
      String(days),
      '-sha256',
      '-extfile',
      `${name}.cnf`,
      '-extensions',
      section,
      '-out',
      `${name}.pem`,
      ...(pub === undefined ? [] : ['-force_pubkey', pub]),
    ]);
  };
  return {
    dir,
    root(name) {
      newKey(name);
      openssl([
        'req',
        '-x509',
        '-new',
        '-key',
        `${name}.key`,
        '-subj',
        `/CN=${name}`,
        '-days',
        String(days),
        '-sha256',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign',
        '-out',
        `${name}.pem`,
      ]);
      return name;
    },
    intermediate(name, issuer) {
      newKey(name);
      sign(
        name,
        issuer,
        'ca',
        '[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n',
      );
      return name;
    },
    attestation(name, issuer, publicKey, ext) {
      newKey(name);
      writeFileSync(f(`${name}.pub`), publicKey.export({ format: 'pem', type: 'spki' }));
      const conf = [
        '[yk]',
        `1.3.6.1.4.1.41482.3.3 = DER:${ext.firmware.map(hex).join(':')}`,
        `1.3.6.1.4.1.41482.3.7 = ASN1:INTEGER:${ext.serial}`,
        `1.3.6.1.4.1.41482.3.8 = DER:${hex(ext.pinPolicy)}:${hex(ext.touchPolicy)}`,
        '1.3.6.1.4.1.41482.3.9 = DER:03',
        '',
      ].join('\n');
      sign(name, issuer, 'yk', conf, `${name}.pub`);
      return name;
    },
    pem(name) {
      return readFileSync(f(`${name}.pem`), 'utf8');
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
