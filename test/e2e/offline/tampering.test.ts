import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeKeyid, keyFingerprint } from '../../../src/metadata/keys.js';
import type { Key } from '../../../src/metadata/model.js';
import { CeremonyFixture, treeDigest } from '../../helpers/ceremony.js';
import { runTool, type CliResult } from '../../helpers/cli.js';
import { emptyDir, filesIn, signOffline } from '../../helpers/offline.js';

// Tampered signing requests and tampered or stale responses: each refused with a one-line
// error, nothing written offline, and the ceremony tree unchanged (digest before and after).

interface Request {
  roles: {
    canonical_signed: string;
    sha256: string;
    keys: { keyid: string; key: Key; fingerprint: string; counts_for?: string[] }[];
  }[];
}

let ceremony: CeremonyFixture;
let requestText: string;
let carry: string;
let aliceRef: string;

function oneLineError(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.stdout + result.stderr).toBe(1);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
}

async function offlineSign(
  name: string,
  text: string,
  passphrase = ceremony.env[ceremony.passphraseVar('alice')] ?? '',
): Promise<{ result: CliResult; dir: string }> {
  const file = join(carry, name);
  await writeFile(file, text);
  const dir = await emptyDir();
  const result = await signOffline(
    [
      file,
      '--key-ref',
      aliceRef,
      '--passphrase-env',
      'PASS',
      '--out',
      join(dir, 'response.json'),
      '--yes',
    ],
    dir,
    { PASS: passphrase },
  );
  return { result, dir };
}

async function refusedOffline(name: string, text: string, pattern: RegExp): Promise<void> {
  const before = await treeDigest(ceremony.dir);
  const { result, dir } = await offlineSign(name, text);
  oneLineError(result, pattern);
  expect(await filesIn(dir)).toEqual([]);
  expect(await treeDigest(ceremony.dir)).toEqual(before);
}

function tampered(change: (request: Request) => void): string {
  const request = JSON.parse(requestText) as Request;
  change(request);
  return JSON.stringify(request, null, 1);
}

describe('tampered requests and responses', () => {
  beforeAll(async () => {
    ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
    const [record] = await filesIn(join(ceremony.dir, 'keys', 'alice'));
    // Key records name only the scheme; where the key is stays on this machine.
    aliceRef = await ceremony.keyRef((record ?? '').replace(/\.json$/, ''));
    await ceremony.ok(['stage']);
    carry = await emptyDir();
    await ceremony.ok(['sign', '--holder', 'alice', '--export', join(carry, 'alice.json')]);
    requestText = await readFile(join(carry, 'alice.json'), 'utf8');
  });

  it('refuses changed bytes, a changed sha256, a swapped key and a truncated file', async () => {
    await refusedOffline(
      'bytes.json',
      tampered((r) => {
        const role = r.roles[0];
        if (role)
          role.canonical_signed = role.canonical_signed.replace('"version":1', '"version":7');
      }),
      /^error: .*bytes\.json: roles\[0\] \(root\)\.canonical_signed: the bytes have sha256 [0-9a-f]{64}, not [0-9a-f]{64}$/m,
    );
    await refusedOffline(
      'sha.json',
      tampered((r) => {
        if (r.roles[1]) r.roles[1].sha256 = 'ab'.repeat(32);
      }),
      /roles\[1\] \(targets\)\.canonical_signed: the bytes have sha256/,
    );
    await refusedOffline(
      'key.json',
      tampered((r) => {
        const key = r.roles[0]?.keys[0]?.key;
        if (key) key.keyval.public = 'cd'.repeat(32);
      }),
      /roles\[0\] \(root\)\.keys\[0\]\.keyid: is not the sha256 of the canonical key/,
    );
    // A consistent swap (another key with its own keyid): the holder's key is not the expected one.
    const bobKey = (JSON.parse(requestText) as Request).roles[0]?.keys[0]?.key;
    const bob = JSON.parse(
      await readFile(
        join(
          ceremony.dir,
          'keys',
          'bob',
          (await filesIn(join(ceremony.dir, 'keys', 'bob')))[0] ?? '',
        ),
        'utf8',
      ),
    ) as { key: Key };
    expect(bobKey).toBeDefined();
    await refusedOffline(
      'swapped.json',
      tampered((r) => {
        for (const role of r.roles)
          role.keys = [
            {
              keyid: computeKeyid(bob.key),
              key: bob.key,
              fingerprint: keyFingerprint(bob.key),
              counts_for: ['new root v1'],
            },
          ];
      }),
      /holds the key with fingerprint [0-9a-f:]{19}, which the request does not expect .*nothing was signed$/m,
    );
    await refusedOffline(
      'cut.json',
      requestText.slice(0, Math.floor(requestText.length / 2)),
      /cut\.json: \(top level\): not valid UTF-8 JSON \(damaged or cut short\)$/m,
    );
  });

  it('unlocks the key while reviewing yet reports the request first, and a wrong passphrase after', async () => {
    // The key file is unlocked while the request is read; a refused request still names the
    // request, never the passphrase, and a good request with a wrong passphrase signs nothing.
    const wrong = 'not the passphrase of alice';
    const cut = await offlineSign('cut-wrong.json', requestText.slice(0, 200), wrong);
    oneLineError(cut.result, /cut-wrong\.json: \(top level\): not valid UTF-8 JSON/);
    expect(await filesIn(cut.dir)).toEqual([]);
    const good = await offlineSign('good-wrong.json', requestText, wrong);
    oneLineError(good.result, /passphrase/i);
    expect(good.result.stderr).not.toContain(wrong);
    expect(await filesIn(good.dir)).toEqual([]);
  });

  it('refuses tampered and stale responses, imports once, and twice changes nothing', async () => {
    const { result, dir } = await offlineSign('good.json', requestText);
    expect(result.code, result.stderr).toBe(0);
    const responseText = await readFile(join(dir, 'response.json'), 'utf8');
    const response = JSON.parse(responseText) as {
      signatures: { sig: string; signed_sha256: string }[];
    };
    const importRefused = async (name: string, text: string, pattern: RegExp): Promise<void> => {
      const file = join(carry, name);
      await writeFile(file, text);
      const before = await treeDigest(ceremony.dir);
      oneLineError(await ceremony.run(['sign', '--import', file]), pattern);
      expect(await treeDigest(ceremony.dir)).toEqual(before);
    };
    const flipped = structuredClone(response);
    const first = flipped.signatures[1];
    if (first) first.sig = first.sig.replace(/^../, (b) => (b === '00' ? '01' : '00'));
    await importRefused(
      'flipped.json',
      JSON.stringify(flipped),
      /signatures\[1\] \(targets\): the signature does not verify/,
    );
    const moved = structuredClone(response);
    if (moved.signatures[0]) moved.signatures[0].signed_sha256 = 'ef'.repeat(32);
    await importRefused(
      'moved.json',
      JSON.stringify(moved),
      /signatures\[0\] \(root\): stale: root was signed over sha256 efefefef/,
    );
    await importRefused('cut.json', responseText.slice(0, 100), /not valid UTF-8 JSON/);

    const responseFile = join(dir, 'response.json');
    await ceremony.ok(['sign', '--import', responseFile]);
    const once = await treeDigest(ceremony.dir);
    const again = await ceremony.ok(['sign', '--import', responseFile]);
    expect(again.stdout).toMatch(/already stored; nothing changed/);
    expect(await treeDigest(ceremony.dir)).toEqual(once);

    await ceremony.editPlan((text) =>
      text.replace(
        'targets: { holders: [alice, bob], threshold: 1, expires: 365d',
        'targets: { holders: [alice, bob], threshold: 1, expires: 300d',
      ),
    );
    await ceremony.ok(['stage', '--restage']);
    await importRefused(
      'stale.json',
      responseText,
      /\(targets\): stale: targets was signed over sha256 [0-9a-f]{16}…, the staged bytes are/,
    );
  });

  it('carries request and response through stdout and stdin, and prints QR codes', async () => {
    const file = join(carry, 'again.json');
    await ceremony.ok(['sign', '--holder', 'alice', '--export', file]);
    const exported = await ceremony.ok(['sign', '--holder', 'alice', '--export', '-']);
    expect(exported.stdout).toBe(await readFile(file, 'utf8'));
    expect(exported.stderr).toMatch(/wrote the signing request for alice .* to stdout/);
    const qr = await ceremony.ok(['sign', '--holder', 'alice', '--export', '-', '--qr']);
    expect(qr.stdout).toMatch(/^QR code 1 of \d+ \(signing request for alice\):\n[█▀▄ ]+\n/);
    const signed = await runTool(
      [
        'sign-offline',
        '-',
        '--key-ref',
        aliceRef,
        '--passphrase-env',
        'PASS',
        '--out',
        '-',
        '--yes',
      ],
      {
        cwd: await emptyDir(),
        env: { PASS: ceremony.env[ceremony.passphraseVar('alice')] ?? '' },
        input: exported.stdout,
      },
    );
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stderr).toMatch(/signed targets v\d+ with [0-9a-f]{8}; verified/);
    const imported = await runTool(['sign', '--import', '-'], {
      cwd: ceremony.dir,
      env: ceremony.env,
      input: signed.stdout,
    });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/imported alice's signature of targets/);
    expect(imported.stdout).toMatch(/ready to finalize/);
  });
});
