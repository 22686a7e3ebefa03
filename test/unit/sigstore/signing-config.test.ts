import { describe, expect, it } from 'vitest';
import { CeremonyError } from '../../../src/metadata/errors.js';
import {
  addService,
  decodeSigningConfig,
  emptySigningConfig,
  encodeSigningConfig,
  endService,
  setSelector,
  type SigningConfigDoc,
} from '../../../src/sigstore/index.js';
import { HAVE_FIXTURES, sigstoreTarget } from './fixture-files.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof CeremonyError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'no error';
}

/** Times compared as instants: Sigstore writes some as `...:15.000Z`, this tool as `...:15Z`. */
function instants(doc: SigningConfigDoc): unknown {
  const lists = ['caUrls', 'oidcUrls', 'rekorTlogUrls', 'tsaUrls'] as const;
  return {
    ...doc,
    ...Object.fromEntries(
      lists.map((l) => [
        l,
        doc[l].map((s) => ({ ...s, validFor: { start: Date.parse(s.validFor.start) } })),
      ]),
    ),
  };
}

const operator = 'sigstore.dev';

function sigstoreHistory(): SigningConfigDoc {
  let doc = emptySigningConfig();
  doc = addService(doc, {
    kind: 'rekor',
    url: 'https://rekor.sigstore.dev',
    start: '2021-01-12T11:53:27Z',
    operator,
  });
  doc = addService(doc, {
    kind: 'ca',
    url: 'https://fulcio.sigstore.dev',
    start: '2022-04-13T20:06:15Z',
    operator,
  });
  doc = addService(doc, {
    kind: 'oidc',
    url: 'https://oauth2.sigstore.dev/auth',
    start: '2022-04-13T20:06:15Z',
    operator,
  });
  doc = addService(doc, {
    kind: 'tsa',
    url: 'https://timestamp.sigstore.dev/api/v1/timestamp',
    start: '2025-07-04T00:00:00Z',
    operator,
  });
  return addService(doc, {
    kind: 'rekor',
    url: 'https://log2025-1.rekor.sigstore.dev',
    start: '2026-01-01T00:00:00Z',
    operator,
    majorApiVersion: 2,
  });
}

describe('signing config edits', () => {
  it.runIf(HAVE_FIXTURES)(
    'rebuild Sigstore signing_config_rekor_v2.v0.2.json (newest first)',
    () => {
      const published = decodeSigningConfig(
        sigstoreTarget('signing_config_rekor_v2.v0.2.json'),
        'published',
      );
      expect(instants(sigstoreHistory())).toEqual(instants(published));
    },
  );

  it('retires a service by closing its window, never deleting it', () => {
    const doc = endService(sigstoreHistory(), {
      kind: 'rekor',
      url: 'https://rekor.sigstore.dev',
      end: '2027-01-01T00:00:00Z',
    });
    expect(doc.rekorTlogUrls.map((s) => [s.url, s.validFor.end])).toEqual([
      ['https://log2025-1.rekor.sigstore.dev', undefined],
      ['https://rekor.sigstore.dev', '2027-01-01T00:00:00Z'],
    ]);
    const bytes = encodeSigningConfig(doc, 'sc.json');
    expect(decodeSigningConfig(bytes, 'sc.json')).toEqual(doc);
  });

  it('sets selectors, EXACT with a count', () => {
    const doc = setSelector(sigstoreHistory(), 'rekor', { selector: 'EXACT', count: 2 });
    expect(doc.rekorTlogConfig).toEqual({ selector: 'EXACT', count: 2 });
    expect(doc.tsaConfig).toEqual({ selector: 'ANY' });
    expect(Buffer.from(encodeSigningConfig(doc, 'sc')).toString()).toContain(
      '"rekorTlogConfig": {\n    "selector": "EXACT",\n    "count": 2\n  }',
    );
  });

  it.each([
    [
      'the same open URL and version twice',
      () =>
        addService(sigstoreHistory(), {
          kind: 'rekor',
          url: 'https://rekor.sigstore.dev',
          start: '2030-01-01T00:00:00Z',
          operator,
        }),
      /already an open rekor service/,
    ],
    [
      'an API version 0',
      () =>
        addService(emptySigningConfig(), {
          kind: 'ca',
          url: 'https://ca.dev',
          start: '2030-01-01T00:00:00Z',
          operator,
          majorApiVersion: 0,
        }),
      /--api-version must be an integer >= 1/,
    ],
    [
      'an operator with a scheme',
      () =>
        addService(emptySigningConfig(), {
          kind: 'ca',
          url: 'https://ca.dev',
          start: '2030-01-01T00:00:00Z',
          operator: 'https://x.dev',
        }),
      /must be a scheme-less URI/,
    ],
    [
      'an unknown URL on end',
      () =>
        endService(sigstoreHistory(), {
          kind: 'tsa',
          url: 'https://rekor.sigstore.dev',
          end: '2030-01-01T00:00:00Z',
        }),
      /no open tsa service with URL/,
    ],
    [
      'an end before the start',
      () =>
        endService(sigstoreHistory(), {
          kind: 'ca',
          url: 'https://fulcio.sigstore.dev',
          end: '2020-01-01T00:00:00Z',
        }),
      /is not after its start/,
    ],
    [
      'EXACT without a count',
      () => setSelector(emptySigningConfig(), 'tsa', { selector: 'EXACT' }),
      /needs --count/,
    ],
    [
      'a count with ANY',
      () => setSelector(emptySigningConfig(), 'tsa', { selector: 'ANY', count: 1 }),
      /only allowed with selector EXACT/,
    ],
  ])('refuses %s', (_name, fn, expected) => {
    expect(code(fn)).toMatch(expected);
  });
});
