import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTool } from '../../helpers/cli.js';
import { HAVE_SOFTHSM } from '../../helpers/softhsm.js';
import { readWithTufJs } from '../../helpers/tuf-js-client.js';

// The first-ceremony scenario with hardware-backed root and targets keys: `demo --hsm` creates one
// SoftHSM2 token per holder, generates each holder's key on the token, and signs through PKCS#11.

describe.runIf(HAVE_SOFTHSM)('the example ceremony on SoftHSM2 tokens', () => {
  it('signs root and targets on tokens, and the result verifies in tuf-ceremony and tuf-js', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'tuf-ceremony-demo-hsm-')), 'demo');
    const result = await runTool(['demo', '--hsm', '--out', out], { env: { SOFTHSM2_CONF: '' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/generate alice's key on their token/);
    expect(result.stdout).not.toMatch(/alice-pin-1234/);
    for (const holder of ['alice', 'bob', 'carol']) {
      const [file] = await readdir(join(out, 'keys', holder));
      const record = JSON.parse(await readFile(join(out, 'keys', holder, file ?? ''), 'utf8')) as {
        key_ref_scheme: string;
        key: { keytype: string };
      };
      // The token URI stays on this machine; the committed record names only the scheme.
      expect(record.key_ref_scheme).toBe('pkcs11');
      expect(record).not.toHaveProperty('key_ref');
      expect(result.stdout).toMatch(new RegExp(`key ref: +pkcs11:.*token=${holder}`));
      expect(record.key.keytype).toBe('ecdsa');
    }
    const repo = join(out, 'repository');
    const verified = await runTool(['verify', '--root', join(repo, '1.root.json'), repo]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/root +1 .*2 valid of threshold 2/);
    await readWithTufJs(repo);
  });

  it('refuses --hsm with --deterministic', async () => {
    const result = await runTool([
      'demo',
      '--hsm',
      '--deterministic',
      '--out',
      join(tmpdir(), 'unused-demo'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/do not go together/);
  });
});
