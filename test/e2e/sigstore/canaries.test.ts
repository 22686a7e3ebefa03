import { generateKeyPairSync } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CeremonyFixture, treeDigest } from '../../helpers/ceremony.js';
import { runTool } from '../../helpers/cli.js';
import { BUNDLES, CANARY_WHEEL } from '../../helpers/fixtures.js';
import {
  fixtureTrustedRoot,
  HAVE_FIXTURES,
  sigstoreTarget,
} from '../../unit/sigstore/fixture-files.js';
import type { TrustedRootDoc } from '../../../src/sigstore/index.js';

// A real production signature (rfc8785 0.1.2, 2024-03-19) as a canary: `sigstore check` verifies
// it with sigstore-js against Sigstore's trusted root and names the failed step for broken copies;
// in a ceremony it blocks `sign` of a trusted root that would stop verifying it.

const BUNDLE = join(BUNDLES, `${CANARY_WHEEL}.sigstore.json`);
const WHEEL = join(BUNDLES, CANARY_WHEEL);

describe.runIf(HAVE_FIXTURES)('Sigstore canaries', () => {
  let dir: string;
  const copy = async (name: string, edit: (doc: TrustedRootDoc) => void): Promise<string> => {
    const doc = fixtureTrustedRoot();
    edit(doc);
    const file = join(dir, name);
    await writeFile(file, JSON.stringify(doc, null, 2));
    return file;
  };
  const check = (file: string) =>
    runTool(['sigstore', 'check', '--file', file, '--canary', BUNDLE, '--artifact', WHEEL], {
      cwd: dir,
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuf-ceremony-canary-'));
  });

  it('sigstore check verifies the production bundle against the production trusted root', async () => {
    const file = join(dir, 'trusted_root.json');
    await writeFile(file, sigstoreTarget('trusted_root.json'));
    const r = await check(file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `canary ${CANARY_WHEEL}: verified (https://github.com/trailofbits/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2, issuer https://token.actions.githubusercontent.com, logged 2024-03-19T22:41:16Z)\n` +
        'ok: 1 of 1 canaries verified, 0 blocking, 0 warnings\n',
    );
  });

  it('sigstore preview flags the clients disagreeing on Rekor before Rekor v2 starts', async () => {
    const config = join(dir, 'signing_config_rekor_v2.v0.2.json');
    await writeFile(config, sigstoreTarget('signing_config_rekor_v2.v0.2.json'));
    const at = (time: string) =>
      runTool(['sigstore', 'preview', '--signing-config', config, '--at', time], { cwd: dir });
    const before = await at('2025-12-01T00:00:00Z');
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(
      /^Rekor: CLIENTS DISAGREE\n {2}sigstore-go \/ cosign: https:\/\/rekor\.sigstore\.dev\n/m,
    );
    expect(before.stdout).toMatch(/^ {2}sigstore-js: https:\/\/log2025-1\.rekor\.sigstore\.dev$/m);
    const after = await at('2026-08-22T00:00:00Z');
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toMatch(/^all clients agree$/m);
  });

  it.each([
    [
      'Fulcio CAs ending before 2024-03-19',
      (d: TrustedRootDoc) => {
        for (const ca of d.certificateAuthorities) ca.validFor.end = '2024-03-01T00:00:00Z';
      },
      /certificate chain: CA fulcio\.sigstore\.dev \(sigstore\) closed at 2024-03-01T00:00:00Z, before the certificate was issued 2024-03-19/,
    ],
    [
      'CT logs ending before 2024-03-19',
      (d: TrustedRootDoc) => {
        for (const log of d.ctlogs) log.publicKey.validFor.end = '2024-03-01T00:00:00Z';
      },
      /SCT: CT log https:\/\/ctfe\.sigstore\.dev\/2022 closed at 2024-03-01T00:00:00Z/,
    ],
    [
      'no Rekor v1 key',
      (d: TrustedRootDoc) => {
        d.tlogs = d.tlogs.filter((l) => l.baseUrl !== 'https://rekor.sigstore.dev');
      },
      /tlog inclusion: no transparency log in the trusted root has log id wNI9atQGlz\+VWfO6LRygH4QUfY\/8W4RFwiT5i5WRgB0=/,
    ],
  ])('sigstore check fails for a copy with %s and names the step', async (name, edit, reason) => {
    const file = await copy(`${name.replace(/\W+/g, '-')}.json`, edit);
    const r = await check(file);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(`^canary ${CANARY_WHEEL.replace(/\./g, '\\.')}: ${reason.source}`, 'm'),
    );
    expect(r.stdout).toMatch(/^FAILED: 0 of 1 canaries verified, 1 blocking/m);
  });

  it('blocks sign when the staged trusted root closes the CA before the canary was issued', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
    await mkdir(join(ceremony.dir, 'sigstore-canaries'));
    await copyFile(
      BUNDLE,
      join(ceremony.dir, 'sigstore-canaries', `${CANARY_WHEEL}.sigstore.json`),
    );
    await copyFile(WHEEL, join(ceremony.dir, 'sigstore-canaries', CANARY_WHEEL));
    const production = join(ceremony.dir, '..', 'production.json');
    await writeFile(production, sigstoreTarget('trusted_root.json'));
    await ceremony.ok(['targets', 'add', production, '--path', 'trusted_root.json']);
    const input = join(ceremony.dir, 'targets', 'trusted_root.json');
    const good = await readFile(input);
    // A lint error (a chain listed anchor first) stops stage before it writes anything.
    const reversed = fixtureTrustedRoot();
    reversed.certificateAuthorities[1]?.certChain.certificates.reverse();
    await writeFile(input, JSON.stringify(reversed));
    const unstaged = await treeDigest(ceremony.dir);
    const lint = await ceremony.run(['stage']);
    expect(lint.code).toBe(1);
    expect(lint.stderr).toMatch(
      /^error: Sigstore clients would reject the trust material \(1 error\(s\)\); nothing was staged: ca-chain-order: .*trusted_root\.json: certificateAuthorities\[1\] \(https:\/\/fulcio\.sigstore\.dev\): certificate 1 is not issued by certificate 2/,
    );
    expect(await treeDigest(ceremony.dir)).toEqual(unstaged);
    await writeFile(input, good);
    await ceremony.ok([
      'sigstore',
      'ca',
      'end',
      '--uri',
      'https://fulcio.sigstore.dev',
      '--end',
      '2023-01-01T00:00:00Z',
    ]);
    await ceremony.ok(['stage']);
    const before = await treeDigest(ceremony.dir);
    const refused = await ceremony.sign('alice');
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr.trim()).toMatch(
      new RegExp(
        `^error: the staged Sigstore trust material fails 1 check\\(s\\), nothing was signed: canary ${CANARY_WHEEL.replace(/\./g, '\\.')}: certificate chain: CA fulcio\\.sigstore\\.dev \\(sigstore\\) closed at 2023-01-01T00:00:00Z, before the certificate was issued 2024-03-19T22:41:1\\dZ$`,
      ),
    );
    expect(await treeDigest(ceremony.dir)).toEqual(before);

    await writeFile(input, good);
    await ceremony.ok(['stage', '--restage']);
    const signed = await ceremony.sign('alice');
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stdout).toMatch(
      new RegExp(`^canary ${CANARY_WHEEL.replace(/\./g, '\\.')}: verified`, 'm'),
    );
    const check = await ceremony.ok(['sigstore', 'check']);
    expect(check.stdout).toMatch(/^ok: 1 of 1 canaries verified/m);
    expect((await ceremony.finalize()).code).toBe(0);

    // The next change, reviewed as operations: a new Rekor v2 shard, the 2022 CT log closed.
    const shard = join(ceremony.dir, '..', 'shard.pub');
    await writeFile(
      shard,
      generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    );
    await ceremony.ok([
      'sigstore',
      'tlog',
      'add',
      '--base-url',
      'https://log2026-1.rekor.example.dev',
      '--public-key',
      shard,
      '--api-version',
      '2',
      '--start',
      '2026-06-01T00:00:00Z',
    ]);
    await ceremony.ok([
      'sigstore',
      'ctlog',
      'end',
      '--base-url',
      'https://ctfe.sigstore.dev/2022',
      '--end',
      '2030-01-01T00:00:00Z',
    ]);
    const staged = JSON.parse((await ceremony.ok(['stage', '--json'])).stdout) as { id: string };
    const review = JSON.parse((await ceremony.ok(['review', '--json'])).stdout) as {
      sigstore: { kind: string; list: string; url: string; text: string }[];
    };
    expect(review.sigstore.map((o) => `${o.kind} ${o.list} ${o.url}`)).toEqual([
      'adds tlogs https://log2026-1.rekor.example.dev',
      'closes ctlogs https://ctfe.sigstore.dev/2022',
    ]);
    const text = (await ceremony.ok(['review'])).stdout;
    expect(text).toMatch(
      /^ {2}adds transparency log https:\/\/log2026-1\.rekor\.example\.dev \(Rekor v2, Ed25519, log id \S+, valid from 2026-06-01T00:00:00Z\)$/m,
    );
    expect(text).toMatch(
      /^ {2}closes CT log https:\/\/ctfe\.sigstore\.dev\/2022 at 2030-01-01T00:00:00Z$/m,
    );
    const bob = await ceremony.sign('bob');
    expect(bob.code, bob.stderr).toBe(0);
    expect(bob.stdout).toMatch(/^ {2}closes CT log https:\/\/ctfe\.sigstore\.dev\/2022 at 2030/m);
    const summary = (await ceremony.ok(['log', 'summary', '--ceremony', staged.id])).stdout;
    expect(summary).toMatch(
      /## Sigstore trust material\n\n- \S+, staged:\n {2}- adds transparency log https:\/\/log2026-1/,
    );
    expect(summary).toMatch(/checked before bob signed:\n(.*\n)* {2}- canaries verified: rfc8785/);
  });
});
