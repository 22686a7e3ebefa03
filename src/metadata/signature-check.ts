import { constants, hash, verify as cryptoVerify } from 'node:crypto';
import type { PublicKeyHandle } from './keys.js';

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

// One process checks the same signature over the same bytes more than once (finalize: the
// ceremony status, then the client check of the release; 16,384 bins make that 32,768 checks of
// 0.2 ms each). The outcome is a pure function of key, signature and bytes, so it is remembered
// under the key's identity, the signature and the sha256 of the bytes (content, not object
// identity: bytes changed in between are checked again). Large messages are not remembered:
// hashing them costs about what checking them does. Commands of a ceremony hand what they found
// valid to the next command on the same machine (see src/repo/checked-signatures.ts).
const REMEMBERED_MAX_BYTES = 1 << 20;
/** Longer signatures than any supported scheme makes (RSA-8192: 2,048 hex digits) are not remembered. */
const REMEMBERED_MAX_SIG_HEX = 2048;
const REMEMBERED_MAX_ENTRIES = 200_000;
const remembered = new Map<string, boolean>();
/** Valid checks this process made itself (not taken from an earlier one), in order. */
const learned = new Set<string>();

/**
 * Verifies one hex signature over `bytes` (spec 5.3.x: signatures are over the canonical form of
 * `signed`). ECDSA signatures are DER, high-S accepted; RSA-PSS salt length is auto-detected.
 */
export function checkSignature(
  handle: PublicKeyHandle,
  bytes: Uint8Array,
  sigHex: string,
): boolean {
  if (!HEX.test(sigHex)) return false;
  const { key, known } = recall(handle, bytes, sigHex);
  return known ?? remember(key, verifyOnce(handle, bytes, sigHex));
}

/** The key a check is remembered under (rememberedKey) and its remembered outcome, if any. */
function recall(
  handle: PublicKeyHandle,
  bytes: Uint8Array,
  sigHex: string,
): { key: string | undefined; known: boolean | undefined } {
  const key = rememberedKey(handle, bytes, sigHex);
  return { key, known: key === undefined ? undefined : knownOutcome(key) };
}

/**
 * Where a check is remembered, or undefined for one not to remember: a large message (hashing
 * it costs about what checking it does) or a hostile file's oversized signature, which must not
 * grow the memory of what was checked.
 */
function rememberedKey(
  handle: PublicKeyHandle,
  bytes: Uint8Array,
  sigHex: string,
): string | undefined {
  if (bytes.length > REMEMBERED_MAX_BYTES || sigHex.length > REMEMBERED_MAX_SIG_HEX)
    return undefined;
  return hash('sha256', `${handle.scheme}:${handle.identity}:${sigHex}:${hash('sha256', bytes)}`);
}

function remember(key: string | undefined, result: boolean): boolean {
  if (key === undefined) return result;
  if (remembered.size >= REMEMBERED_MAX_ENTRIES) remembered.clear();
  remembered.set(key, result);
  if (result && learned.size < REMEMBERED_MAX_ENTRIES) learned.add(key);
  return result;
}

/**
 * The checks this process found valid, each as the sha256 (hex) of scheme, key, signature and
 * the sha256 of the bytes: what a later process on the same machine may take as checked.
 */
export function validChecks(): string[] {
  const out: string[] = [];
  for (const [key, valid] of remembered) if (valid) out.push(key);
  return out;
}

/** The valid checks this process made itself since the last call: what it adds to the record. */
export function takeNewValidChecks(): string[] {
  const out = [...learned];
  learned.clear();
  return out;
}

/**
 * Checks earlier processes found valid, one per line, searched as text: a command that checks a
 * few signatures (a holder signing one bin) need not build a map of 50,000. Only a whole line
 * matches, so a line that is not a check (64 hex digits) never stands for one.
 */
let earlierChecks: string | undefined;
let earlierLookups = 0;
/** Lookups in the text before its lines are taken into the map (a full verification). */
const TEXT_LOOKUPS = 64;

/** The remembered outcome of the check under `key`, if any. */
function knownOutcome(key: string): boolean | undefined {
  const known = remembered.get(key);
  if (known !== undefined || earlierChecks === undefined) return known;
  if (++earlierLookups <= TEXT_LOOKUPS) return earlierChecks.includes(`\n${key}\n`) || undefined;
  const lines = earlierChecks.split('\n');
  earlierChecks = undefined;
  for (const line of lines) {
    if (remembered.size >= REMEMBERED_MAX_ENTRIES) break;
    if (line.length === 64 && !remembered.has(line)) remembered.set(line, true);
  }
  return remembered.get(key);
}

/** Takes the checks an earlier process found valid (validChecks, one per line) as done. */
export function rememberValidChecks(lines: string): void {
  earlierChecks = `\n${lines}\n`;
  earlierLookups = 0;
}

/**
 * checkSignature made on the thread pool, so the caller's thread can do other work meanwhile (a
 * holder signing 16,384 bins signs the next ones while the last are checked on the second core).
 * Remembered as checkSignature remembers.
 */
export async function checkSignatureOffThread(
  handle: PublicKeyHandle,
  bytes: Uint8Array,
  sigHex: string,
): Promise<boolean> {
  if (!HEX.test(sigHex)) return false;
  const { key, known } = recall(handle, bytes, sigHex);
  if (known !== undefined) return known;
  const { algorithm, key: publicKey } = verifyParameters(handle);
  const valid = await new Promise<boolean>((resolve) => {
    try {
      cryptoVerify(algorithm, bytes, publicKey, Buffer.from(sigHex, 'hex'), (err, result) => {
        resolve(!err && result);
      });
    } catch {
      resolve(false);
    }
  });
  return remember(key, valid);
}

/** The digest and key options node:crypto verifies a scheme's signatures with. */
function verifyParameters(handle: PublicKeyHandle): {
  algorithm: string | null;
  key: Parameters<typeof cryptoVerify>[2];
} {
  switch (handle.scheme) {
    case 'ed25519':
      return { algorithm: null, key: handle.keyObject };
    case 'ecdsa-sha2-nistp256':
      return { algorithm: 'sha256', key: { key: handle.keyObject, dsaEncoding: 'der' } };
    case 'rsassa-pss-sha256':
      return {
        algorithm: 'sha256',
        key: {
          key: handle.keyObject,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_AUTO,
        },
      };
  }
}

function verifyOnce(handle: PublicKeyHandle, bytes: Uint8Array, sigHex: string): boolean {
  const { algorithm, key } = verifyParameters(handle);
  try {
    return cryptoVerify(algorithm, bytes, key, Buffer.from(sigHex, 'hex'));
  } catch {
    return false;
  }
}
