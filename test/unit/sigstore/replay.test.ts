import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addCertificateAuthority,
  addCtLog,
  addTimestampAuthority,
  addTransparencyLog,
  decodeTrustedRoot,
  emptyTrustedRoot,
  encodeTrustedRoot,
  endCertificateAuthority,
  endCtLog,
  smokeTestTrustedRoot,
  validateTrustedRootText,
  type TrustedRootDoc,
  type TrustedRootVersion,
} from '../../../src/sigstore/index.js';
import { writeTinyRepo } from '../../helpers/tiny-tuf-repo.js';
import { fixtureTrustedRoot, HAVE_FIXTURES, pemOf, sigstoreTarget } from './fixture-files.js';

// Replays Sigstore's public-good history on a fresh file from the published keys and
// certificates, in the order it happened (successors added while predecessors were still open).

function replay(version: TrustedRootVersion): TrustedRootDoc {
  const published = fixtureTrustedRoot();
  const pem = (name: string) => sigstoreTarget(name).toString('utf8');
  const shardKey = published.tlogs[1]?.publicKey.rawBytes ?? '';
  const tsaChain = (published.timestampAuthorities[0]?.certChain.certificates ?? [])
    .map((c) => pemOf('CERTIFICATE', c.rawBytes))
    .join('');
  const fulcio2022 = pem('fulcio_intermediate_v1.crt.pem') + '\n' + pem('fulcio_v1.crt.pem');
  let doc = emptyTrustedRoot(version);
  doc = addTransparencyLog(doc, {
    baseUrl: 'https://rekor.sigstore.dev',
    publicKeyPem: pem('rekor.pub'),
    start: '2021-01-12T11:53:27Z',
  });
  doc = addCertificateAuthority(doc, {
    uri: 'https://fulcio.sigstore.dev',
    chainPem: pem('fulcio.crt.pem'),
    start: '2021-03-07T03:20:29Z',
  });
  doc = addCtLog(doc, {
    baseUrl: 'https://ctfe.sigstore.dev/test',
    publicKeyPem: pem('ctfe.pub'),
    start: '2021-03-14T00:00:00Z',
  });
  doc = addCertificateAuthority(doc, {
    uri: 'https://fulcio.sigstore.dev',
    chainPem: fulcio2022,
    start: '2022-04-13T20:06:15Z',
  });
  doc = addCtLog(doc, {
    baseUrl: 'https://ctfe.sigstore.dev/2022',
    publicKeyPem: pem('ctfe_2022.pub'),
    start: '2022-10-20T00:00:00Z',
  });
  doc = endCtLog(doc, {
    baseUrl: 'https://ctfe.sigstore.dev/test',
    end: '2022-10-31T23:59:59.999Z',
  });
  // Two open CAs share the URI: the chain picks the one to close.
  doc = endCertificateAuthority(doc, {
    uri: 'https://fulcio.sigstore.dev',
    end: '2022-12-31T23:59:59.999Z',
    chainPem: pem('fulcio.crt.pem'),
  });
  doc = addTimestampAuthority(doc, {
    uri: 'https://timestamp.sigstore.dev/api/v1/timestamp',
    chainPem: tsaChain,
    start: '2025-07-04T00:00:00Z',
  });
  return addTransparencyLog(doc, {
    baseUrl: 'https://log2025-1.rekor.sigstore.dev',
    publicKeyPem: pemOf('PUBLIC KEY', shardKey),
    start: '2025-09-23T00:00:00Z',
    apiVersion: 2,
  });
}

describe.runIf(HAVE_FIXTURES)('replaying Sigstore public-good history', () => {
  const published = HAVE_FIXTURES ? fixtureTrustedRoot() : undefined;

  it('produces every published entry with the same content (media type v0.1)', () => {
    const doc = replay('0.1');
    expect(doc.mediaType).toBe(published?.mediaType);
    expect(doc.tlogs).toEqual(published?.tlogs);
    expect(doc.certificateAuthorities).toEqual(published?.certificateAuthorities);
    expect(doc.ctlogs).toEqual(published?.ctlogs);
    expect(doc.timestampAuthorities).toEqual(published?.timestampAuthorities);
  });

  it('computes the Rekor v2 shard log id exactly as published', () => {
    const shard = replay('0.1').tlogs.find((t) => t.baseUrl.includes('log2025-1'));
    expect(shard?.logId.keyId).toBe('zxGZFVvd0FEmjR8WrFwMdcAJ9vtaY/QXf44Y1wUeP6A=');
    expect(shard?.logId.keyId).toBe(published?.tlogs[1]?.logId.keyId);
    expect(shard?.checkpointKeyId).toBeUndefined();
  });

  it('serializes to exactly the bytes Sigstore published', () => {
    const bytes = encodeTrustedRoot(replay('0.1'), 'replayed trusted_root.json');
    expect(Buffer.from(bytes).equals(sigstoreTarget('trusted_root.json'))).toBe(true);
  });

  it('writes checkpointKeyId (equal to the log id) only for the v2 shard of a v0.2 file', () => {
    const doc = replay('0.2');
    expect(doc.mediaType).toBe('application/vnd.dev.sigstore.trustedroot.v0.2+json');
    const [v1, v2] = doc.tlogs;
    expect(v1?.checkpointKeyId).toBeUndefined();
    expect(v2?.checkpointKeyId).toEqual(v2?.logId);
    const text = Buffer.from(encodeTrustedRoot(doc, 'v0.2')).toString('utf8');
    const parsed = validateTrustedRootText(text, 'v0.2');
    expect(parsed.tlogs[1]?.checkpointKeyId?.keyId.toString('base64')).toBe(v2?.logId.keyId);
    expect(decodeTrustedRoot(Buffer.from(text), 'v0.2')).toEqual(doc);
  });

  describe('read by the Sigstore client from a TUF repository on 127.0.0.1', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'sigstore-replay-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('fetches and parses the replayed trusted root', async () => {
      const bytes = encodeTrustedRoot(replay('0.1'), 'replayed');
      const repo = await writeTinyRepo(join(dir, 'repo'), { 'trusted_root.json': bytes });
      const result = await smokeTestTrustedRoot({
        repositoryDir: join(dir, 'repo'),
        rootJson: repo.rootJson,
      });
      expect(result).toMatchObject({
        tlogs: 2,
        certificateAuthorities: 2,
        ctlogs: 2,
        timestampAuthorities: 1,
      });
      expect(result.sha256).toBe(
        '6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66',
      );
    });
  });
});
