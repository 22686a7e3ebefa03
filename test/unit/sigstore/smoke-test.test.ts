import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CeremonyError } from '../../../src/metadata/errors.js';
import { smokeTestTrustedRoot } from '../../../src/sigstore/index.js';
import { writeTinyRepo } from '../../helpers/tiny-tuf-repo.js';

// The real @sigstore/tuf client against repositories served on 127.0.0.1: files it cannot use
// are reported with the client's own error.

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sigstore-smoke-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function smoke(name: string, targets: Record<string, string>): Promise<unknown> {
  const repositoryDir = join(dir, name);
  const encoded = Object.fromEntries(
    Object.entries(targets).map(([k, v]) => [k, new TextEncoder().encode(v)]),
  );
  const { rootJson } = await writeTinyRepo(repositoryDir, encoded);
  return smokeTestTrustedRoot({ repositoryDir, rootJson }).catch((err: unknown) => err);
}

describe('smoke test of a trusted_root.json with @sigstore/tuf', () => {
  it('accepts a minimal valid file', async () => {
    const result = await smoke('ok', {
      'trusted_root.json': '{"mediaType": "application/vnd.dev.sigstore.trustedroot.v0.2+json"}\n',
    });
    expect(result).toMatchObject({ tlogs: 0, certificateAuthorities: 0 });
  });

  it('reports malformed JSON with the client error', async () => {
    const err = await smoke('malformed', { 'trusted_root.json': '{"mediaType": ' });
    expect(err).toBeInstanceOf(CeremonyError);
    expect((err as Error).message).toMatch(
      /^the Sigstore client \(@sigstore\/tuf\) cannot use trusted_root.json from .*: .*JSON/,
    );
  });

  it('reports a shape the client rejects', async () => {
    const err = await smoke('shape', {
      'trusted_root.json': JSON.stringify({ tlogs: [{ hashAlgorithm: 'MD5' }] }),
    });
    expect((err as Error).message).toMatch(/Unrecognized enum value MD5 for enum HashAlgorithm/);
  });

  it('reports a repository without trusted_root.json', async () => {
    const err = await smoke('missing', { 'other.json': '{}' });
    expect(err).toBeInstanceOf(CeremonyError);
    expect((err as Error).message).toMatch(/TUF_FIND_TARGET_ERROR|not found/i);
  });

  it('reports a bootstrap root that does not match the repository', async () => {
    const repositoryDir = join(dir, 'mismatch');
    await writeTinyRepo(repositoryDir, { 'trusted_root.json': new TextEncoder().encode('{}') });
    const err = await smokeTestTrustedRoot({
      repositoryDir,
      rootJson: new TextEncoder().encode('{"signed": {}, "signatures": []}'),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CeremonyError);
    expect((err as Error).message).toMatch(/cannot use trusted_root.json/);
  });
});
