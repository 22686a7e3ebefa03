import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture, treeDigest } from '../../helpers/ceremony.js';
import { readWithTufJs } from '../../helpers/tuf-js-client.js';

// Sigstore trust material edited inside a ceremony: `sigstore ...` without --file writes the
// ceremony's targets/trusted_root.json and targets/signing_config.v0.2.json, `stage` lists them,
// and `sign` first lets the real Sigstore client (@sigstore/tuf) load the staged trusted_root.json
// from a repository served on 127.0.0.1; a file the client rejects stops signing.

function ecdsaPem(): string {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

function ed25519Pem(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

async function transcriptTypes(dir: string, holder: string, ceremonyId: string): Promise<string[]> {
  const text = await readFile(join(dir, 'ceremony-logs', ceremonyId, `${holder}.jsonl`), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { type: string }).type);
}

describe('sigstore trust material staged in a ceremony', () => {
  it('edits the staged trusted_root.json, smoke-tests it before signing, and blocks a file the client rejects', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
    const base = join(ceremony.dir, '..');
    const rekorPem = join(base, 'rekor.pub');
    await writeFile(rekorPem, ecdsaPem());
    const shardPem = join(base, 'shard.pub');
    await writeFile(shardPem, ed25519Pem());

    // No --file: the ceremony's own target inputs (run from inside the ceremony directory).
    const added = await ceremony.ok([
      'sigstore',
      'tlog',
      'add',
      '--base-url',
      'https://rekor.example.dev',
      '--public-key',
      rekorPem,
      '--start',
      '2026-01-01T00:00:00Z',
    ]);
    const trustedRoot = join(ceremony.dir, 'targets', 'trusted_root.json');
    expect(added.stdout).toContain(`in ${trustedRoot} (created)`);
    expect(added.stdout).toMatch(/next: tuf-ceremony stage/);
    await ceremony.ok(
      [
        'sigstore',
        'signing-config',
        'add',
        '--dir',
        ceremony.dir,
        '--kind',
        'rekor',
        '--url',
        'https://rekor.example.dev',
        '--start',
        '2026-01-01T00:00:00Z',
        '--operator',
        'example.dev',
        '--api-version',
        '1',
      ],
      base,
    );
    const staged = await ceremony.ok(['stage', '--json']);
    const id = (JSON.parse(staged.stdout) as { id: string }).id;
    const review = await ceremony.ok(['review']);
    expect(review.stdout).toMatch(/\+ target trusted_root\.json/);
    expect(review.stdout).toMatch(/\+ target signing_config\.v0\.2\.json/);

    const signed = await ceremony.sign('alice');
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stdout).toMatch(
      /the Sigstore client loaded the staged trusted_root\.json \(sha256 [0-9a-f]{64}\): 1 transparency logs, 0 certificate authorities/,
    );
    expect(await transcriptTypes(ceremony.dir, 'alice', id)).toContain('sigstore.smoke_tested');
    expect((await ceremony.finalize()).code).toBe(0);
    const repo = join(ceremony.dir, 'repository');
    await ceremony.ok([
      'sigstore',
      'smoke-test',
      '--repository',
      repo,
      '--root',
      join(repo, '1.root.json'),
    ]);
    const published = await readWithTufJs(repo, ['trusted_root.json', 'signing_config.v0.2.json']);
    expect(published.get('trusted_root.json')).toEqual(await readFile(trustedRoot));

    // A trusted_root.json saved with a byte-order mark: JSON.parse in the client rejects it.
    const good = await readFile(trustedRoot);
    const broken = join(base, 'trusted_root.json');
    await writeFile(broken, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), good]));
    await ceremony.ok(['targets', 'add', broken]);
    await ceremony.ok(['stage']);
    const before = await treeDigest(ceremony.dir);
    const refused = await ceremony.sign('bob');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(
      /the Sigstore client \(@sigstore\/tuf\) cannot use trusted_root\.json from the staged .*targets\.json: .*JSON/,
    );
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(await treeDigest(ceremony.dir)).toEqual(before);

    // The fix: the good bytes again, one more shard (Rekor v2, ed25519), re-stage, sign.
    await writeFile(trustedRoot, good);
    await ceremony.ok([
      'sigstore',
      'tlog',
      'add',
      '--base-url',
      'https://log2026-1.rekor.example.dev',
      '--public-key',
      shardPem,
      '--api-version',
      '2',
      '--start',
      '2026-06-01T00:00:00Z',
    ]);
    await ceremony.ok(['stage', '--restage']);
    const fixed = await ceremony.sign('bob');
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(/loaded the staged trusted_root\.json .*: 2 transparency logs/);
    expect((await ceremony.finalize()).code).toBe(0);
    const smoke = await ceremony.ok([
      'sigstore',
      'smoke-test',
      '--repository',
      repo,
      '--root',
      join(repo, '1.root.json'),
    ]);
    expect(smoke.stdout).toMatch(/2 transparency logs/);
  });

  it('names the rule when there is neither --file nor a ceremony, or both --file and --dir', async () => {
    const ceremony = await CeremonyFixture.create(['alice'], 1);
    const base = join(ceremony.dir, '..');
    const pem = join(base, 'rekor.pub');
    await writeFile(pem, ecdsaPem());
    const args = [
      'sigstore',
      'tlog',
      'add',
      '--base-url',
      'https://r.example',
      '--public-key',
      pem,
    ];
    const outside = await ceremony.run([...args, '--start', '2026-01-01T00:00:00Z'], {}, base);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/ceremony\.yaml: not found; .*--file PATH/);
    const both = await ceremony.run([
      ...args,
      '--start',
      '2026-01-01T00:00:00Z',
      '--file',
      join(base, 'x.json'),
      '--dir',
      ceremony.dir,
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give --file or --dir, not both/);
  });
});
