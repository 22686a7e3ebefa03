import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { enrollKey } from '../../../src/ceremony/enrolled-key.js';
import { buildSigningRequest } from '../../../src/ceremony/offline-format.js';
import { parseSigningResponse } from '../../../src/ceremony/offline-parse.js';
import { publicKeyHandle } from '../../../src/metadata/keys.js';
import type { RootSigned } from '../../../src/metadata/model.js';
import { prettyJson } from '../../../src/metadata/serialize.js';
import { checkSignature } from '../../../src/metadata/signature-check.js';
import { writeEncryptedKeyFile } from '../../../src/signing/key-file.js';
import { SoftwareSigner, generatePrivateKey } from '../../../src/signing/software-signer.js';
import { toDraft } from '../../../src/repo/staging-store.js';
import { PROJECT_ROOT } from '../../helpers/fixtures.js';
import { emptyDir, NETWORK_ISOLATION, runOffline } from '../../helpers/offline.js';

// Getting the tool onto the offline machine: scripts/pack-offline.mjs packs one tarball with its
// dependencies bundled; it installs with `npm install --offline` from the file, with no network
// and the registry unreachable, and the installed sign-offline signs a request.

const run = promisify(execFile);
const PASSPHRASE = 'offline machine passphrase';

async function requestAndKey(dir: string): Promise<{ request: string; keyFile: string }> {
  const privateKey = generatePrivateKey('ed25519');
  const enrolled = enrollKey(
    'alice',
    new SoftwareSigner(privateKey).key,
    'file:x',
    '2026-11-30T00:00:00Z',
  );
  const keyFile = join(dir, 'alice.key');
  await writeEncryptedKeyFile(keyFile, privateKey, PASSPHRASE, { scryptLog2N: 10 });
  const role = { keyids: [enrolled.keyid], threshold: 1 };
  const signed: RootSigned = {
    _type: 'root',
    spec_version: '1.0.31',
    version: 1,
    expires: '2027-11-30T00:00:00Z',
    consistent_snapshot: true,
    keys: { [enrolled.keyid]: enrolled.key },
    roles: { root: role, targets: role, snapshot: role, timestamp: role },
  };
  const draft = toDraft('root', { signed, signatures: [] });
  const request = buildSigningRequest({
    trustRoot: 'packed',
    ceremony: { id: 'c1', created: signed.expires, roles: ['root'], base: {}, drafts: {} },
    holder: 'alice',
    needs: [{ role: 'root', enrolled, labels: ['new root v1'] }],
    drafts: new Map([['root', draft]]),
    publishedRootVersion: 0,
    publishedSigned: () => undefined,
  });
  const file = join(dir, 'alice.request.json');
  await writeFile(file, prettyJson(request));
  return { request: file, keyFile };
}

describe('the packed tarball on a machine without network', () => {
  it('installs from the local file with the registry unreachable, and sign-offline works', async () => {
    const work = await emptyDir();
    const packed = await run(
      process.execPath,
      [join(PROJECT_ROOT, 'scripts', 'pack-offline.mjs'), join(work, 'carry')],
      {
        cwd: PROJECT_ROOT,
      },
    );
    const tarball = /^(\S+\.tgz): /m.exec(packed.stdout)?.[1] ?? '';
    expect(tarball).toMatch(/tuf-ceremony-\d+\.\d+\.\d+\.tgz$/);
    const home = join(work, 'home');
    await mkdir(home);
    const offlineEnv = {
      HOME: home,
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_cache: join(home, 'npm-cache'),
    };
    const installed = await runOffline(
      [
        'npm',
        'install',
        '--offline',
        '--no-audit',
        '--no-fund',
        '--prefix',
        join(work, 'tool'),
        tarball,
      ],
      work,
      offlineEnv,
    );
    expect(installed.code, installed.stderr).toBe(0);
    const bin = join(work, 'tool', 'node_modules', '.bin', 'tuf-ceremony');
    const { request, keyFile } = await requestAndKey(work);
    const signed = await runOffline(
      [
        bin,
        'sign-offline',
        request,
        '--key-ref',
        `file:${keyFile}`,
        '--passphrase-env',
        'PASS',
        '--out',
        'response.json',
        '--yes',
      ],
      work,
      { PASS: PASSPHRASE },
    );
    expect(signed.code, signed.stderr).toBe(0);
    expect(NETWORK_ISOLATION).toBe(true);
    const response = parseSigningResponse(
      await readFile(join(work, 'response.json')),
      'response.json',
    );
    const requestBytes = await readFile(request);
    const parsed = JSON.parse(requestBytes.toString()) as {
      roles: { canonical_signed: string; keys: { key: never }[] }[];
    };
    const role = parsed.roles[0];
    const signature = response.signatures[0];
    expect(role && signature).toBeTruthy();
    if (!role || !signature) return;
    expect(
      checkSignature(
        publicKeyHandle(role.keys[0]?.key as never),
        Buffer.from(role.canonical_signed),
        signature.sig,
      ),
    ).toBe(true);
  }, 300_000);
});
