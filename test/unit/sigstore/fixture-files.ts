import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HAVE_FIXTURES, PUBLISHED } from '../../helpers/fixtures.js';
import type { TrustedRootDoc } from '../../../src/sigstore/index.js';

/** Text of a published Sigstore target by its name (files are stored as `<sha256>.<name>`). */
export function sigstoreTarget(name: string): Buffer {
  const dir = join(PUBLISHED, 'targets');
  const file = readdirSync(dir).find(
    (f) => f.endsWith(`.${name}`) && f.length === 65 + name.length,
  );
  if (file === undefined) throw new Error(`fixture target ${name} not found`);
  return readFileSync(join(dir, file));
}

/** PEM of DER bytes given as base64 (keys or certificates from trusted_root.json). */
export function pemOf(label: 'PUBLIC KEY' | 'CERTIFICATE', base64: string): string {
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The published trusted_root.json, parsed as plain JSON (independent of the code under test). */
export function fixtureTrustedRoot(): TrustedRootDoc {
  return JSON.parse(sigstoreTarget('trusted_root.json').toString('utf8')) as TrustedRootDoc;
}

export { HAVE_FIXTURES };
