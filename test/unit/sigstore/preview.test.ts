import { describe, expect, it } from 'vitest';
import { previewLines, previewServices } from '../../../src/sigstore/preview.js';
import { parseSigningConfig } from '../../../src/sigstore/signing-config-model.js';
import { fixtureTrustedRoot, HAVE_FIXTURES, sigstoreTarget } from './fixture-files.js';

// Sigstore's Rekor v2 signing config (Rekor v2 from 2026-01-01): before that date sigstore-js,
// which drops only ended services, already signs with Rekor v2 while sigstore-go and
// sigstore-python still use Rekor v1; after it, every client agrees.

const config = () =>
  parseSigningConfig(
    sigstoreTarget('signing_config_rekor_v2.v0.2.json').toString('utf8'),
    'signing_config_rekor_v2.v0.2.json',
  );
const picks = (at: string) =>
  previewServices(config(), fixtureTrustedRoot(), Date.parse(at)).map((p) => ({
    kind: p.kind,
    disagree: p.disagree,
    urls: p.picks.map((c) => `${c.client}=${c.error ?? c.urls.join(',')}`),
  }));

describe.skipIf(!HAVE_FIXTURES)('sigstore preview', () => {
  it('flags sigstore-js picking Rekor v2 before its start, and agreement after it', () => {
    expect(picks('2025-12-01T00:00:00Z')[0]).toEqual({
      kind: 'Rekor',
      disagree: true,
      urls: [
        'sigstore-go / cosign=https://rekor.sigstore.dev',
        'sigstore-python=https://rekor.sigstore.dev',
        'sigstore-js=https://log2025-1.rekor.sigstore.dev',
      ],
    });
    expect(picks('2026-08-22T00:00:00Z').every((p) => !p.disagree)).toBe(true);
    expect(picks('2026-08-22T00:00:00Z')[0]?.urls).toEqual([
      'sigstore-go / cosign=https://log2025-1.rekor.sigstore.dev',
      'sigstore-python=https://log2025-1.rekor.sigstore.dev',
      'sigstore-js=https://log2025-1.rekor.sigstore.dev',
    ]);
  });

  it('shows sigstore-js refusing a selector other than ANY, and services the trusted root lacks', () => {
    const doc = config();
    doc.tsaConfig = { selector: 'ALL' };
    const rekor = doc.rekorTlogUrls[0];
    if (rekor) rekor.url = 'https://log2099.rekor.example.dev';
    const previews = previewServices(doc, fixtureTrustedRoot(), Date.parse('2026-08-22T00:00:00Z'));
    const lines = previewLines(previews);
    expect(lines).toContain('  sigstore-js: refuses: unsupported TSA selector ALL');
    expect(lines).toContain(
      '  warning: https://log2099.rekor.example.dev has no entry valid at that time in the trusted root',
    );
    expect(lines.filter((l) => l.startsWith('  sigstore-go / cosign: pkg/')).length).toBe(0);
    expect(lines).toContain('rules:');
  });

  it('sees random choice in sigstore-go when two operators run a log', () => {
    const doc = config();
    const v1 = doc.rekorTlogUrls[1];
    if (v1)
      doc.rekorTlogUrls.push({
        ...v1,
        url: 'https://rekor.other.dev',
        operator: 'other.dev',
        majorApiVersion: 2,
      });
    const [rekor] = previewServices(doc, undefined, Date.parse('2026-08-22T00:00:00Z'));
    expect(rekor?.picks[0]).toMatchObject({
      random: true,
      urls: ['https://log2025-1.rekor.sigstore.dev', 'https://rekor.other.dev'],
    });
    expect(rekor?.disagree).toBe(true);
  });
});
