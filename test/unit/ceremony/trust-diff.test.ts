import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSigningConfigs, diffTrustedRoots } from '../../../src/ceremony/trust-diff.js';
import { parseSigningConfig } from '../../../src/sigstore/signing-config-model.js';
import { readTrustedRootLeniently } from '../../../src/sigstore/trusted-root-lenient.js';
import { parseTrustedRoot } from '../../../src/sigstore/trusted-root-parse.js';
import { HAVE_FIXTURES, LEGACY, PUBLISHED } from '../../helpers/fixtures.js';

// Sigstore's real history replayed as review text: the trusted root of 2024-08-30 (go-tuf era)
// against the one of 2026-08-21, the 2022 retirement of the first CT log, and the Rekor v2
// signing config against the Rekor v1 one. Unchanged entries are never listed.

function target(folder: string, name: string): string {
  const dir = join(folder, 'targets');
  const file = readdirSync(dir).find(
    (f) => f.endsWith(`.${name}`) && f.length === 65 + name.length,
  );
  if (file === undefined) throw new Error(`${name} not in ${dir}`);
  return readFileSync(join(dir, file), 'utf8');
}

const published = () => parseTrustedRoot(target(PUBLISHED, 'trusted_root.json'), 'after');
const texts = (ops: { text: string }[]) => ops.map((o) => o.text);

describe.skipIf(!HAVE_FIXTURES)("trust material changes in the holder's language", () => {
  it('lists what Sigstore changed in its trusted root between 2024-08 and 2026-08', () => {
    const before = readTrustedRootLeniently(target(LEGACY, 'trusted_root.json'));
    const ops = diffTrustedRoots(before, published());
    expect(texts(ops)).toEqual([
      'adds transparency log https://log2025-1.rekor.sigstore.dev (Rekor v2, Ed25519, log id zxGZFVvd0FEmjR8WrFwMdcAJ9vtaY/QXf44Y1wUeP6A=, valid from 2025-09-23T00:00:00Z)',
      'adds timestamp authority https://timestamp.sigstore.dev/api/v1/timestamp (chain: sigstore-tsa -> sigstore-tsa-selfsigned, not after 2035-04-06T06:59:43Z, valid from 2025-07-04T00:00:00Z)',
      'removes timestamp authority (no uri) (chain: TSA Timestamping -> TSA intermediate -> Internal Services Root, not after 2024-04-13T00:00:00Z, valid from 2023-04-14T00:00:00.000Z)',
    ]);
    expect(ops.map((o) => `${o.kind} ${o.list}`)).toEqual([
      'adds tlogs',
      'adds timestampAuthorities',
      'removes timestampAuthorities',
    ]);
  });

  it('shows closing and reopening an entry as such, and nothing for an unchanged document', () => {
    const open = published();
    delete open.ctlogs[0]?.publicKey.validFor.end;
    expect(texts(diffTrustedRoots(open, published()))).toEqual([
      'closes CT log https://ctfe.sigstore.dev/test at 2022-10-31T23:59:59.999Z',
    ]);
    expect(texts(diffTrustedRoots(published(), open))).toEqual([
      'reopens CT log https://ctfe.sigstore.dev/test (was closed at 2022-10-31T23:59:59.999Z)',
    ]);
    const early = published();
    const ca = early.certificateAuthorities[1];
    if (ca) ca.validFor.end = '2023-01-01T00:00:00Z';
    expect(texts(diffTrustedRoots(published(), early))).toEqual([
      'closes Fulcio CA https://fulcio.sigstore.dev at 2023-01-01T00:00:00Z',
    ]);
    expect(diffTrustedRoots(published(), published())).toEqual([]);
  });

  it('lists the signing config change to Rekor v2, and a new signing config whole', () => {
    const v1 = parseSigningConfig(target(PUBLISHED, 'signing_config.v0.2.json'), 'a');
    const v2 = parseSigningConfig(target(PUBLISHED, 'signing_config_rekor_v2.v0.2.json'), 'b');
    expect(texts(diffSigningConfigs(v1, v2))).toEqual([
      'signing_config: adds Rekor v2 service https://log2025-1.rekor.sigstore.dev (operator sigstore.dev, valid from 2026-01-01T00:00:00Z)',
    ]);
    const fresh = texts(diffSigningConfigs(undefined, v2));
    expect(fresh).toHaveLength(7);
    expect(fresh.slice(-2)).toEqual([
      'signing_config: tlog selector ANY',
      'signing_config: TSA selector ANY',
    ]);
  });
});
