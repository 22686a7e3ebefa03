import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/fixtures.js';
import { writeTinyRepo } from '../../helpers/tiny-tuf-repo.js';
import {
  fixtureTrustedRoot,
  HAVE_FIXTURES,
  pemOf,
  sigstoreTarget,
} from '../../unit/sigstore/fixture-files.js';

// Spawns the built CLI (npm run build first) on standalone files in a temp directory.

const CLI = join(PROJECT_ROOT, 'dist', 'cli', 'main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function tool(cwd: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { ...process.env, TUF_CEREMONY_NOW: '2026-08-22T00:00:00Z' } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function ok(cwd: string, args: string[]): Promise<string> {
  const run = await tool(cwd, args);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sigstore-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.runIf(HAVE_FIXTURES)('sigstore commands on a standalone trusted_root.json', () => {
  const file = 'trusted_root.json';

  beforeAll(async () => {
    for (const name of [
      'rekor.pub',
      'ctfe.pub',
      'ctfe_2022.pub',
      'fulcio.crt.pem',
      'fulcio_v1.crt.pem',
      'fulcio_intermediate_v1.crt.pem',
    ]) {
      await writeFile(join(dir, name), sigstoreTarget(name));
    }
    const published = fixtureTrustedRoot();
    await writeFile(
      join(dir, 'log2025-1.pub'),
      pemOf('PUBLIC KEY', published.tlogs[1]?.publicKey.rawBytes ?? ''),
    );
    await writeFile(
      join(dir, 'tsa-chain.pem'),
      (published.timestampAuthorities[0]?.certChain.certificates ?? [])
        .map((c) => pemOf('CERTIFICATE', c.rawBytes))
        .join(''),
    );
  });

  it('replays Sigstore history into the published bytes', async () => {
    const out = await ok(dir, [
      'sigstore',
      'tlog',
      'add',
      '--file',
      file,
      '--media-type',
      '0.1',
      '--base-url',
      'https://rekor.sigstore.dev',
      '--public-key',
      'rekor.pub',
      '--start',
      '2021-01-12T11:53:27Z',
    ]);
    expect(out).toMatch(
      /^added transparency log https:\/\/rekor.sigstore.dev \(log id wNI9atQGlz\+VWfO6LRygH4QUfY\/8W4RFwiT5i5WRgB0=\) in .*trusted_root.json \(created\)\n$/,
    );
    await ok(dir, [
      'sigstore',
      'ca',
      'add',
      '--file',
      file,
      '--uri',
      'https://fulcio.sigstore.dev',
      '--chain',
      'fulcio.crt.pem',
      '--start',
      '2021-03-07T03:20:29Z',
    ]);
    await ok(dir, [
      'sigstore',
      'ca',
      'end',
      '--file',
      file,
      '--uri',
      'https://fulcio.sigstore.dev',
      '--end',
      '2022-12-31T23:59:59.999Z',
    ]);
    await ok(dir, [
      'sigstore',
      'ca',
      'add',
      '--file',
      file,
      '--uri',
      'https://fulcio.sigstore.dev',
      '--chain',
      'fulcio_intermediate_v1.crt.pem',
      '--chain',
      'fulcio_v1.crt.pem',
      '--start',
      '2022-04-13T20:06:15Z',
    ]);
    await ok(dir, [
      'sigstore',
      'ctlog',
      'add',
      '--file',
      file,
      '--base-url',
      'https://ctfe.sigstore.dev/test',
      '--public-key',
      'ctfe.pub',
      '--start',
      '2021-03-14T00:00:00Z',
    ]);
    await ok(dir, [
      'sigstore',
      'ctlog',
      'end',
      '--file',
      file,
      '--base-url',
      'https://ctfe.sigstore.dev/test',
      '--end',
      '2022-10-31T23:59:59.999Z',
    ]);
    await ok(dir, [
      'sigstore',
      'ctlog',
      'add',
      '--file',
      file,
      '--base-url',
      'https://ctfe.sigstore.dev/2022',
      '--public-key',
      'ctfe_2022.pub',
      '--start',
      '2022-10-20T00:00:00Z',
    ]);
    await ok(dir, [
      'sigstore',
      'tsa',
      'add',
      '--file',
      file,
      '--uri',
      'https://timestamp.sigstore.dev/api/v1/timestamp',
      '--chain',
      'tsa-chain.pem',
      '--start',
      '2025-07-04T00:00:00Z',
    ]);
    const shard = await ok(dir, [
      'sigstore',
      'tlog',
      'add',
      '--file',
      file,
      '--base-url',
      'https://log2025-1.rekor.sigstore.dev',
      '--public-key',
      'log2025-1.pub',
      '--start',
      '2025-09-23T00:00:00Z',
      '--api-version',
      '2',
    ]);
    expect(shard).toContain('(log id zxGZFVvd0FEmjR8WrFwMdcAJ9vtaY/QXf44Y1wUeP6A=)');
    expect((await readFile(join(dir, file))).equals(sigstoreTarget('trusted_root.json'))).toBe(
      true,
    );
  });

  it.each([
    [
      'a bad PEM',
      [
        'tlog',
        'add',
        '--base-url',
        'https://x.dev',
        '--public-key',
        'fulcio.crt.pem',
        '--start',
        '2024-01-01T00:00:00Z',
      ],
      1,
      /^error: transparency log public key: expected exactly one "-----BEGIN PUBLIC KEY-----" PEM block$/,
    ],
    [
      'an end before the start',
      ['tlog', 'end', '--base-url', 'https://rekor.sigstore.dev', '--end', '2020-01-01T00:00:00Z'],
      2,
      /^error: transparency log https:\/\/rekor.sigstore.dev: end 2020-01-01T00:00:00Z is not after its start 2021-01-12T11:53:27Z$/,
    ],
    [
      'an unknown base URL for end',
      ['ctlog', 'end', '--base-url', 'https://ctfe.example.dev', '--end', '2030-01-01T00:00:00Z'],
      2,
      /^error: no open CT log with base URL https:\/\/ctfe.example.dev$/,
    ],
    [
      'a non-ed25519 key for a Rekor v2 shard',
      [
        'tlog',
        'add',
        '--base-url',
        'https://v2.example.dev',
        '--public-key',
        'ctfe.pub',
        '--start',
        '2030-01-01T00:00:00Z',
        '--api-version',
        '2',
      ],
      2,
      /^error: --api-version 2: a Rekor v2 shard .*needs an Ed25519 key, found PKIX_ECDSA_P256_SHA_256$/,
    ],
    [
      'a broken chain',
      [
        'ca',
        'add',
        '--uri',
        'https://ca.example.dev',
        '--chain',
        'fulcio_v1.crt.pem',
        '--chain',
        'fulcio_intermediate_v1.crt.pem',
        '--start',
        '2023-01-01T00:00:00Z',
      ],
      1,
      /^error: certificate authority chain: certificate 1 is not issued and signed by certificate 2$/,
    ],
    [
      'a different media type for an existing file',
      [
        'tlog',
        'end',
        '--media-type',
        '0.2',
        '--base-url',
        'https://rekor.sigstore.dev',
        '--end',
        '2030-01-01T00:00:00Z',
      ],
      2,
      /has media type application\/vnd.dev.sigstore.trustedroot\+json;version=0.1; --media-type 0.2 only applies to new files$/,
    ],
  ])('refuses %s in one line and leaves the file untouched', async (_name, args, code, message) => {
    const before = await readFile(join(dir, file));
    const run = await tool(dir, [
      'sigstore',
      ...args.slice(0, 2),
      '--file',
      file,
      ...args.slice(2),
    ]);
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr.trimEnd()).toMatch(message);
    expect((await readFile(join(dir, file))).equals(before)).toBe(true);
  });
});

describe('sigstore commands create files and refuse bad input', () => {
  it('needs --file outside a ceremony and creates nothing on a failing first edit', async () => {
    const missing = await tool(dir, [
      'sigstore',
      'tlog',
      'end',
      '--base-url',
      'https://x.dev',
      '--end',
      '2030-01-01T00:00:00Z',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^error: \S+ceremony\.yaml: not found; .* with --file PATH \(usage: tuf-ceremony sigstore tlog end/,
    );
    const run = await tool(dir, [
      'sigstore',
      'tlog',
      'end',
      '--file',
      'new.json',
      '--base-url',
      'https://x.dev',
      '--end',
      '2030-01-01T00:00:00Z',
    ]);
    expect(run.code).toBe(2);
    expect(existsSync(join(dir, 'new.json'))).toBe(false);
  });

  it('builds a signing config: add, retire, selector', async () => {
    const sc = 'signing_config.json';
    const out = await ok(dir, [
      'sigstore',
      'signing-config',
      'add',
      '--file',
      sc,
      '--kind',
      'rekor',
      '--url',
      'https://rekor.example.dev',
      '--start',
      '2024-01-01T00:00:00Z',
      '--operator',
      'example.dev',
    ]);
    expect(out).toMatch(/\(created\)\n$/);
    await ok(dir, [
      'sigstore',
      'signing-config',
      'add',
      '--file',
      sc,
      '--kind',
      'rekor',
      '--url',
      'https://log2026-1.rekor.example.dev',
      '--start',
      '2026-01-01T00:00:00Z',
      '--operator',
      'example.dev',
      '--api-version',
      '2',
    ]);
    await ok(dir, [
      'sigstore',
      'signing-config',
      'end',
      '--file',
      sc,
      '--kind',
      'rekor',
      '--url',
      'https://rekor.example.dev',
      '--end',
      '2027-01-01T00:00:00Z',
    ]);
    await ok(dir, [
      'sigstore',
      'signing-config',
      'selector',
      '--file',
      sc,
      '--kind',
      'tsa',
      '--selector',
      'EXACT',
      '--count',
      '2',
    ]);
    const text = await readFile(join(dir, sc), 'utf8');
    expect(JSON.parse(text)).toEqual({
      mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
      rekorTlogUrls: [
        {
          url: 'https://log2026-1.rekor.example.dev',
          majorApiVersion: 2,
          validFor: { start: '2026-01-01T00:00:00Z' },
          operator: 'example.dev',
        },
        {
          url: 'https://rekor.example.dev',
          majorApiVersion: 1,
          validFor: { start: '2024-01-01T00:00:00Z', end: '2027-01-01T00:00:00Z' },
          operator: 'example.dev',
        },
      ],
      rekorTlogConfig: { selector: 'ANY' },
      tsaConfig: { selector: 'EXACT', count: 2 },
    });
    expect(text.endsWith('}\n')).toBe(true);
    const bad = await tool(dir, [
      'sigstore',
      'signing-config',
      'selector',
      '--file',
      sc,
      '--kind',
      'ca',
      '--selector',
      'ANY',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: selectors exist for --kind rekor and tsa only\n');
    expect(await readFile(join(dir, sc), 'utf8')).toBe(text);
  });
});

describe('sigstore smoke-test', () => {
  it('reports what the Sigstore client loaded, or its error with exit 1', async () => {
    const good = JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.trustedroot.v0.2+json',
    });
    const okRepo = await writeTinyRepo(join(dir, 'repo-ok'), {
      'trusted_root.json': Buffer.from(good),
    });
    await writeFile(join(dir, 'repo-ok.root.json'), okRepo.rootJson);
    const out = await ok(dir, [
      'sigstore',
      'smoke-test',
      '--repository',
      'repo-ok',
      '--root',
      'repo-ok.root.json',
    ]);
    expect(out).toMatch(
      /^the Sigstore client loaded trusted_root.json \(sha256 [0-9a-f]{64}\): 0 transparency logs, 0 certificate authorities, 0 CT logs, 0 timestamp authorities\n$/,
    );
    const badRepo = await writeTinyRepo(join(dir, 'repo-bad'), {
      'trusted_root.json': Buffer.from('{"tlogs": [{"hashAlgorithm": "MD5"}]}'),
    });
    await writeFile(join(dir, 'repo-bad.root.json'), badRepo.rootJson);
    const run = await tool(dir, [
      'sigstore',
      'smoke-test',
      '--repository',
      'repo-bad',
      '--root',
      'repo-bad.root.json',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error: the Sigstore client \(@sigstore\/tuf\) cannot use trusted_root.json from .*repo-bad: Unrecognized enum value MD5 for enum HashAlgorithm\n$/,
    );
  });
});
