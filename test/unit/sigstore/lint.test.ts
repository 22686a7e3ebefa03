import { describe, expect, it } from 'vitest';
import { lintSigningConfig, lintTrustedRoot } from '../../../src/sigstore/lint.js';
import { parseSigningConfig } from '../../../src/sigstore/signing-config-model.js';
import type { SigningConfigDoc } from '../../../src/sigstore/signing-config-model.js';
import { TRUSTED_ROOT_V02 } from '../../../src/sigstore/media-types.js';
import type { TrustedRootDoc } from '../../../src/sigstore/trusted-root-model.js';
import { fixtureTrustedRoot, HAVE_FIXTURES, sigstoreTarget } from './fixture-files.js';

// Each rule is shown to fire on a document broken the way it describes, and Sigstore's published
// documents are shown to pass: a rule that fired on them would block a real ceremony.

const NOW = Date.parse('2026-08-22T00:00:00Z');

function signingConfig(name: string): SigningConfigDoc {
  return parseSigningConfig(sigstoreTarget(name).toString('utf8'), name);
}

const rules = (findings: { rule: string; level: string }[]) =>
  findings.map((f) => `${f.level}:${f.rule}`);

describe.skipIf(!HAVE_FIXTURES)('lint of Sigstore trust material', () => {
  it('passes the published trusted root and signing configs', () => {
    expect(lintTrustedRoot(fixtureTrustedRoot(), 'trusted_root.json')).toEqual([]);
    expect(lintSigningConfig(signingConfig('signing_config.v0.2.json'), 'sc', NOW)).toEqual([]);
    const rekorV2 = signingConfig('signing_config_rekor_v2.v0.2.json');
    expect(lintSigningConfig(rekorV2, 'sc', NOW)).toEqual([]);
    // Before its Rekor v2 service starts (2026-01-01) sigstore-js would already pick it.
    expect(rules(lintSigningConfig(rekorV2, 'sc', Date.parse('2025-12-01T00:00:00Z')))).toEqual([
      'warning:service-future-start',
    ]);
  });

  it('service-fields: a service without an operator is an error', () => {
    const doc = signingConfig('signing_config.v0.2.json');
    delete doc.rekorTlogUrls[0]?.operator;
    const found = lintSigningConfig(doc, 'sc.json', NOW);
    expect(rules(found)).toEqual(['error:service-fields']);
    expect(found[0]?.message).toBe(
      'sc.json: rekorTlogUrls[0] (https://rekor.sigstore.dev) lacks operator',
    );
  });

  it('service-overlap: two services of one operator and API version valid at once', () => {
    const doc = signingConfig('signing_config.v0.2.json');
    const first = doc.rekorTlogUrls[0];
    if (!first) throw new Error('fixture has a Rekor service');
    doc.rekorTlogUrls.push({ ...first, url: 'https://rekor2.sigstore.dev' });
    expect(rules(lintSigningConfig(doc, 'sc', NOW))).toEqual(['error:service-overlap']);
    // Closed before the successor starts: no overlap.
    first.validFor.end = '2026-01-01T00:00:00Z';
    const second = doc.rekorTlogUrls[1];
    if (second) second.validFor = { start: '2026-01-02T00:00:00Z' };
    expect(lintSigningConfig(doc, 'sc', NOW)).toEqual([]);
  });

  it('service-future-start and selector-not-any are warnings naming sigstore-js', () => {
    const doc = signingConfig('signing_config.v0.2.json');
    doc.tsaConfig = { selector: 'ALL' };
    const tsa = doc.tsaUrls[0];
    if (tsa) tsa.validFor.start = '2027-01-01T00:00:00Z';
    const found = lintSigningConfig(doc, 'sc', NOW);
    expect(rules(found).sort()).toEqual([
      'warning:selector-not-any',
      'warning:service-future-start',
    ]);
    expect(found.map((f) => f.message).join('\n')).toMatch(/sigstore-js/);
  });

  it('validfor-start: a log without a start is an error', () => {
    const doc = fixtureTrustedRoot();
    const log = doc.ctlogs[0];
    if (log) log.publicKey.validFor = { start: '' };
    expect(rules(lintTrustedRoot(doc, 't'))).toEqual(['error:validfor-start']);
  });

  it('log-id-overlap: the same log id twice with overlapping windows', () => {
    const doc = fixtureTrustedRoot();
    const rekor = doc.tlogs[0];
    if (!rekor) throw new Error('fixture has a tlog');
    doc.tlogs.push({ ...rekor, baseUrl: 'https://rekor-copy.sigstore.dev' });
    expect(rules(lintTrustedRoot(doc, 't'))).toEqual(['error:log-id-overlap']);
  });

  it('ca-chain-order: a chain listed anchor first', () => {
    const doc = fixtureTrustedRoot();
    const ca = doc.certificateAuthorities[1];
    ca?.certChain.certificates.reverse();
    expect(rules(lintTrustedRoot(doc, 't'))).toEqual(['error:ca-chain-order']);
  });

  it('ca-chain-dates: a window that starts before the certificates are valid', () => {
    const doc: TrustedRootDoc = fixtureTrustedRoot();
    const ca = doc.certificateAuthorities[1];
    if (ca) ca.validFor.start = '2020-01-01T00:00:00Z';
    const found = lintTrustedRoot(doc, 't');
    expect(rules(found)).toEqual(['error:ca-chain-dates']);
    expect(found[0]?.message).toMatch(
      /starts 2020-01-01T00:00:00Z, before its certificates are valid/,
    );
  });

  it('media-type: a v0.2 trusted root warns which clients refuse it', () => {
    const doc = { ...fixtureTrustedRoot(), mediaType: TRUSTED_ROOT_V02 };
    const found = lintTrustedRoot(doc, 't');
    expect(rules(found)).toEqual(['warning:media-type']);
    expect(found[0]?.message).toMatch(/sigstore-go .*sigstore-python/);
  });
});
