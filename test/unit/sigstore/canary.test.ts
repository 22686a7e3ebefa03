import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCanary, verifyCanary } from '../../../src/sigstore/canary-verify.js';
import type { TrustedRootDoc } from '../../../src/sigstore/index.js';
import { BUNDLES, CANARY_WHEEL } from '../../helpers/fixtures.js';
import { fixtureTrustedRoot, HAVE_FIXTURES } from './fixture-files.js';

// A real production bundle (rfc8785 0.1.2, logged 2024-03-19) verified by sigstore-js against
// Sigstore's published trusted root and against copies broken the ways the fixture README lists.

const canary = () => ({
  name: CANARY_WHEEL,
  bundle: readFileSync(join(BUNDLES, `${CANARY_WHEEL}.sigstore.json`)),
  artifact: readFileSync(join(BUNDLES, CANARY_WHEEL)),
});

function edited(edit: (doc: TrustedRootDoc) => void): TrustedRootDoc {
  const doc = fixtureTrustedRoot();
  edit(doc);
  return doc;
}

describe.skipIf(!HAVE_FIXTURES)('canary verification with sigstore-js', () => {
  it('verifies the production bundle against the production trusted root', () => {
    const r = verifyCanary(canary(), fixtureTrustedRoot());
    expect(r).toMatchObject({
      ok: true,
      identity:
        'https://github.com/trailofbits/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2',
      issuer: 'https://token.actions.githubusercontent.com',
      signedAt: '2024-03-19T22:41:16Z',
    });
    expect(describeCanary(r)).toMatch(/^canary rfc8785-0\.1\.2-py3-none-any\.whl: verified/);
  });

  it('names the certificate chain and the CA when every Fulcio CA closes before 2024-03-19', () => {
    const doc = edited((d) => {
      for (const ca of d.certificateAuthorities) ca.validFor.end = '2023-01-01T00:00:00Z';
    });
    const r = verifyCanary(canary(), doc);
    expect(r).toMatchObject({ ok: false, step: 'certificate chain' });
    expect(describeCanary(r)).toMatch(
      /^canary rfc8785-0\.1\.2-py3-none-any\.whl: certificate chain: CA fulcio\.sigstore\.dev \(sigstore\) closed at 2023-01-01T00:00:00Z, before the certificate was issued 2024-03-19T22:41:1\dZ$/,
    );
  });

  it('names the SCT step and the CT log when the CT logs close before 2024-03-19', () => {
    const doc = edited((d) => {
      for (const log of d.ctlogs) log.publicKey.validFor.end = '2024-01-01T00:00:00Z';
    });
    const r = verifyCanary(canary(), doc);
    expect(describeCanary(r)).toMatch(
      /: SCT: CT log https:\/\/ctfe\.sigstore\.dev\/2022 closed at 2024-01-01T00:00:00Z, before the certificate's SCT of 2024-03-19/,
    );
  });

  it('names the missing CT log by its log id when its key is removed', () => {
    const doc = edited((d) => {
      d.ctlogs = d.ctlogs.filter((l) => !l.baseUrl.endsWith('/2022'));
    });
    expect(describeCanary(verifyCanary(canary(), doc))).toMatch(
      /: SCT: no CT log in the trusted root has log id \S+ \(the log that issued the certificate's SCT\)$/,
    );
  });

  it('names the tlog step and the Rekor v1 log id when its key is removed', () => {
    const doc = edited((d) => {
      d.tlogs = d.tlogs.filter((l) => l.baseUrl !== 'https://rekor.sigstore.dev');
    });
    expect(describeCanary(verifyCanary(canary(), doc))).toMatch(
      /: tlog inclusion: no transparency log in the trusted root has log id wNI9atQGlz\+VWfO6LRygH4QUfY\/8W4RFwiT5i5WRgB0= \(the log holding the entry\)$/,
    );
  });

  it('names the transparency log closed before the entry was integrated', () => {
    const doc = edited((d) => {
      for (const log of d.tlogs) log.publicKey.validFor.end = '2024-01-01T00:00:00Z';
    });
    expect(describeCanary(verifyCanary(canary(), doc))).toMatch(
      /: tlog inclusion: transparency log https:\/\/rekor\.sigstore\.dev closed at 2024-01-01T00:00:00Z, before the entry was integrated 2024-03-19T22:41:16Z$/,
    );
  });

  it('fails for another artifact, and for a message signature without its artifact', () => {
    const other = verifyCanary(
      { ...canary(), artifact: Buffer.from('not the wheel') },
      fixtureTrustedRoot(),
    );
    expect(other.ok).toBe(false);
    const { name, bundle } = canary();
    expect(describeCanary(verifyCanary({ name, bundle }, fixtureTrustedRoot()))).toMatch(
      /: bundle: a message-signature bundle needs its artifact "rfc8785-0\.1\.2-py3-none-any\.whl" beside it$/,
    );
    expect(
      describeCanary(
        verifyCanary({ name: 'x', bundle: Buffer.from('{"a":1}') }, fixtureTrustedRoot()),
      ),
    ).toMatch(/^canary x: bundle: not a Sigstore bundle/);
  });
});
