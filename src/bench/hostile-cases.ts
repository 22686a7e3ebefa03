import { canonicalBytes } from '../metadata/canonical.js';
import { isCeremonyError } from '../metadata/errors.js';
import { encodeUtf8 } from '../metadata/json.js';
import type { Signature, TargetsSigned } from '../metadata/model.js';
import { MAX_SIGNATURES, parseMetadata } from '../metadata/parse.js';
import { pathMatches } from '../metadata/path-pattern.js';
import { signMetadata } from '../metadata/sign.js';
import type { Signer } from '../metadata/signer.js';
import { verifyRoleSignatures } from '../metadata/verify.js';

// Hostile inputs for `npm run bench`: a targets file padded with signatures under unknown keyids
// (refused by the cap before JSON.parse, or verified in linear time below it) and a delegation
// path pattern built to make a backtracking matcher take exponential time.

/** A one-target targets file signed by `signer`, padded with `padding` unknown signatures. */
export async function paddedTargets(signer: Signer, padding: number): Promise<Uint8Array> {
  const signed: TargetsSigned = {
    _type: 'targets',
    spec_version: '1.0.31',
    version: 1,
    expires: '2030-01-01T00:00:00Z',
    targets: { 'a.txt': { length: 1, hashes: { sha256: 'ab'.repeat(32) } } },
  };
  const md = await signMetadata(signed, [signer]);
  const signatures: Signature[] = [...md.signatures];
  for (let i = 0; i < padding; i++) signatures.push({ keyid: i.toString(16), sig: 'abcd' });
  return encodeUtf8(JSON.stringify({ signed: md.signed, signatures }));
}

/** Parses and verifies a padded file; true when trusted, false when refused by the cap. */
export function parsePadded(bytes: Uint8Array, signer: Signer): boolean {
  try {
    const md = parseMetadata(bytes, 'targets', 'targets.json');
    const result = verifyRoleSignatures(
      'targets',
      canonicalBytes(md.signed),
      md.signatures,
      { [signer.keyid]: signer.key },
      { keyids: [signer.keyid], threshold: 1 },
    );
    return result.verified;
  } catch (err) {
    if (isCeremonyError(err, 'METADATA_INVALID')) return false;
    throw err;
  }
}

/** verifyRoleSignatures over `n` signatures under distinct unknown keyids (the set path). */
export function unknownSignatures(n: number): number {
  const signatures: Signature[] = new Array<Signature>(n);
  for (let i = 0; i < n; i++) signatures[i] = { keyid: i.toString(16), sig: 'abcd' };
  const result = verifyRoleSignatures(
    'targets',
    new Uint8Array(1),
    signatures,
    {},
    {
      keyids: ['authorized'],
      threshold: 1,
    },
  );
  return result.unknown.length;
}

/** `*a` x14 + `*b` against a 40-character name of `a`s, `repeat` times; the matches found. */
export function backtrackingPattern(repeat: number): number {
  const pattern = `${'*a'.repeat(14)}*b`;
  const name = 'a'.repeat(40);
  let matches = 0;
  for (let i = 0; i < repeat; i++) if (pathMatches(pattern, name)) matches++;
  return matches;
}

/** The largest padding the cap lets through. */
export const PADDING_UNDER_CAP = MAX_SIGNATURES - 1;
