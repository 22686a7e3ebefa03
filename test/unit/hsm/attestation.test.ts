import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyYubiKeyAttestation, type AttestationInput } from '../../../src/hsm/attestation.js';
import { isCeremonyError } from '../../../src/metadata/errors.js';
import { keyFingerprint, keyFromPublicKeyObject } from '../../../src/metadata/keys.js';
import { certFactory, type CertFactory } from './attestation-certs.js';

const DAY = 86_400_000;

describe('YubiKey PIV attestation', () => {
  let certs: CertFactory;
  const slotKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const edKey = generateKeyPairSync('ed25519').publicKey;
  let input: AttestationInput;

  beforeAll(() => {
    certs = certFactory();
    certs.root('Test PIV Root CA');
    certs.intermediate('Yubico PIV Attestation', 'Test PIV Root CA');
    certs.attestation('YubiKey PIV Attestation 9c', 'Yubico PIV Attestation', slotKey, {
      firmware: [5, 4, 3],
      serial: 21_045_678,
      pinPolicy: 3,
      touchPolicy: 2,
    });
    certs.root('Other Root CA');
    certs.intermediate('Other Device', 'Other Root CA');
    certs.attestation('YubiKey PIV Attestation 9a', 'Yubico PIV Attestation', edKey, {
      firmware: [5, 7, 1],
      serial: 7,
      pinPolicy: 2,
      touchPolicy: 3,
    });
    input = {
      attestationPem: certs.pem('YubiKey PIV Attestation 9c'),
      intermediatePem: certs.pem('Yubico PIV Attestation'),
      rootPem: certs.pem('Test PIV Root CA'),
      key: keyFromPublicKeyObject(slotKey),
      now: Date.now(),
    };
  });

  afterAll(() => {
    certs.remove();
  });

  it('verifies the chain and extracts serial, firmware, PIN and touch policy, slot', () => {
    const result = verifyYubiKeyAttestation(input);
    expect(result).toMatchObject({
      kind: 'yubikey-piv',
      serial: 21_045_678,
      firmware: '5.4.3',
      pinPolicy: 'always',
      touchPolicy: 'always',
      formFactor: 3,
      slot: '9c',
      keyFingerprint: keyFingerprint(input.key),
    });
    expect(result.chain.map((c) => c.subject)).toEqual([
      'YubiKey PIV Attestation 9c',
      'Yubico PIV Attestation',
      'Test PIV Root CA',
    ]);
    expect(result.chain[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('reads an Ed25519 attestation with other policies', () => {
    const result = verifyYubiKeyAttestation({
      ...input,
      attestationPem: certs.pem('YubiKey PIV Attestation 9a'),
      key: keyFromPublicKeyObject(edKey),
    });
    expect(result).toMatchObject({
      serial: 7,
      firmware: '5.7.1',
      pinPolicy: 'once',
      touchPolicy: 'cached',
      slot: '9a',
    });
  });

  it('accepts an intermediate bundle holding extra certificates', () => {
    const bundle = certs.pem('Other Device') + certs.pem('Yubico PIV Attestation');
    expect(verifyYubiKeyAttestation({ ...input, intermediatePem: bundle }).serial).toBe(21_045_678);
  });

  it('rejects an intermediate from another device (broken chain)', () => {
    expect(() =>
      verifyYubiKeyAttestation({ ...input, intermediatePem: certs.pem('Other Device') }),
    ).toThrow(
      /"YubiKey PIV Attestation 9c" is not signed by the given intermediate or root certificate/,
    );
  });

  it('rejects a chain that ends at another root', () => {
    expect(() =>
      verifyYubiKeyAttestation({ ...input, rootPem: certs.pem('Other Root CA') }),
    ).toThrow(/"Yubico PIV Attestation" is not signed by the given intermediate or root/);
  });

  it('rejects a root that is not self-signed', () => {
    expect(() =>
      verifyYubiKeyAttestation({ ...input, rootPem: certs.pem('Other Device') }),
    ).toThrow(/the root "Other Device" is not a self-signed certificate/);
  });

  it('rejects a certificate outside its validity', () => {
    expect(() => verifyYubiKeyAttestation({ ...input, now: Date.now() + 60 * DAY })).toThrow(
      /is not valid at/,
    );
    expect(() => verifyYubiKeyAttestation({ ...input, now: Date.now() - 2 * DAY })).toThrow(
      /is not valid at/,
    );
  });

  it('rejects an attestation of another key (KEY_MISMATCH)', () => {
    const other = keyFromPublicKeyObject(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey,
    );
    try {
      verifyYubiKeyAttestation({ ...input, key: other });
      expect.unreachable();
    } catch (err) {
      expect(isCeremonyError(err, 'KEY_MISMATCH')).toBe(true);
      expect((err as Error).message).toContain(keyFingerprint(other));
    }
  });

  it('rejects text that holds no certificate', () => {
    expect(() => verifyYubiKeyAttestation({ ...input, attestationPem: 'not a pem' })).toThrow(
      /attestation certificate holds no PEM certificate/,
    );
  });

  it('rejects a chain-valid certificate without the YubiKey extensions', () => {
    const pem = certs.pem('Yubico PIV Attestation');
    expect(() =>
      verifyYubiKeyAttestation({
        ...input,
        attestationPem: pem,
        intermediatePem: input.rootPem,
        key: keyFromPublicKeyObject(new X509Certificate(pem).publicKey),
      }),
    ).toThrow(/"Yubico PIV Attestation" carries no YubiKey firmware extension/);
  });
});
