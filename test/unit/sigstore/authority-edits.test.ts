import { describe, expect, it } from 'vitest';
import { CeremonyError } from '../../../src/metadata/errors.js';
import {
  addCertificateAuthority,
  addTimestampAuthority,
  emptyTrustedRoot,
  endCertificateAuthority,
  endTimestampAuthority,
} from '../../../src/sigstore/index.js';
import { fixtureTrustedRoot, HAVE_FIXTURES, pemOf, sigstoreTarget } from './fixture-files.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof CeremonyError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'no error';
}

describe.runIf(HAVE_FIXTURES)('certificate and timestamp authority edits', () => {
  const pem = (name: string) => (HAVE_FIXTURES ? sigstoreTarget(name).toString('utf8') : '');
  const intermediate = pem('fulcio_intermediate_v1.crt.pem');
  const root2022 = pem('fulcio_v1.crt.pem');
  const root2021 = pem('fulcio.crt.pem');
  const tsaChain = HAVE_FIXTURES
    ? (fixtureTrustedRoot().timestampAuthorities[0]?.certChain.certificates ?? [])
        .map((c) => pemOf('CERTIFICATE', c.rawBytes))
        .join('')
    : '';
  const uri = 'https://fulcio.example.dev';
  const add = (chainPem: string, start = '2022-04-13T20:06:15Z') =>
    addCertificateAuthority(emptyTrustedRoot('0.2'), { uri, chainPem, start });

  it('records the anchor subject, the chain leaf first and the window', () => {
    const doc = add(intermediate + root2022);
    const entry = doc.certificateAuthorities[0];
    expect(entry?.subject).toEqual({ organization: 'sigstore.dev', commonName: 'sigstore' });
    expect(entry?.certChain.certificates).toHaveLength(2);
    expect(entry?.validFor).toEqual({ start: '2022-04-13T20:06:15Z' });
  });

  it('allows overlapping windows and keeps both entries sorted by start', () => {
    let doc = add(intermediate + root2022);
    doc = addCertificateAuthority(doc, { uri, chainPem: root2021, start: '2021-03-07T03:20:29Z' });
    expect(doc.certificateAuthorities.map((c) => c.validFor.start)).toEqual([
      '2021-03-07T03:20:29Z',
      '2022-04-13T20:06:15Z',
    ]);
    expect(code(() => endCertificateAuthority(doc, { uri, end: '2023-01-01T00:00:00Z' }))).toMatch(
      /2 open certificate authoritys? .*--chain/,
    );
  });

  it('sets operator on v0.2 files', () => {
    const doc = addTimestampAuthority(emptyTrustedRoot('0.2'), {
      uri: 'https://tsa.example.dev/api/v1/timestamp',
      chainPem: tsaChain,
      start: '2025-07-04T00:00:00Z',
      operator: 'example.dev',
    });
    expect(doc.timestampAuthorities[0]?.operator).toBe('example.dev');
    const closed = endTimestampAuthority(doc, {
      uri: 'https://tsa.example.dev/api/v1/timestamp',
      end: '2030-01-01T00:00:00Z',
    });
    expect(closed.timestampAuthorities[0]?.validFor.end).toBe('2030-01-01T00:00:00Z');
  });

  it.each([
    [
      'a chain in the wrong order',
      () => add(root2022 + intermediate),
      /certificate 1 is not issued and signed by certificate 2/,
    ],
    [
      'an unrelated anchor',
      () => add(intermediate + root2021),
      /certificate 1 is not issued and signed by certificate 2/,
    ],
    [
      'a public key instead of a certificate',
      () => add(pem('rekor.pub')),
      /only "-----BEGIN CERTIFICATE-----" blocks/,
    ],
    ['an empty chain', () => add('nothing here'), /no PEM certificate found/],
    [
      'a corrupted certificate',
      () => add(root2022.replace('MIIB9zCC', 'MIIB9zCD')),
      /not readable|not issued/,
    ],
    [
      'a start before the chain is valid',
      () => add(intermediate + root2022, '2022-04-13T20:06:14Z'),
      /^USAGE: --start 2022-04-13T20:06:14Z lies outside the validity/,
    ],
    [
      'an end after the chain expires',
      () =>
        endCertificateAuthority(add(intermediate + root2022), { uri, end: '2031-10-05T13:56:59Z' }),
      /^USAGE: --end .* lies outside/,
    ],
    [
      'an end before the start',
      () =>
        endCertificateAuthority(add(intermediate + root2022), { uri, end: '2022-01-01T00:00:00Z' }),
      /is not after its start/,
    ],
    [
      'an unknown URI',
      () =>
        endCertificateAuthority(add(intermediate + root2022), {
          uri: 'https://other.dev',
          end: '2025-01-01T00:00:00Z',
        }),
      /^USAGE: no open certificate authority with URI https:\/\/other.dev/,
    ],
    [
      'the same chain twice',
      () =>
        addCertificateAuthority(add(root2021, '2021-03-07T03:20:29Z'), {
          uri,
          chainPem: root2021,
          start: '2022-01-01T00:00:00Z',
        }),
      /already listed/,
    ],
    [
      'a TSA leaf without the timeStamping usage',
      () =>
        addTimestampAuthority(emptyTrustedRoot('0.2'), {
          uri,
          chainPem: intermediate + root2022,
          start: '2023-01-01T00:00:00Z',
        }),
      /lacks the timeStamping extended key usage/,
    ],
    [
      'an operator on a v0.1 file',
      () =>
        addCertificateAuthority(emptyTrustedRoot('0.1'), {
          uri,
          chainPem: root2021,
          start: '2022-01-01T00:00:00Z',
          operator: 'x.dev',
        }),
      /^USAGE: --operator needs a v0.2/,
    ],
  ])('refuses %s', (_name, fn, expected) => {
    expect(code(fn)).toMatch(expected);
  });
});
