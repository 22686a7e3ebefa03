import { digestHex, hexEquals, SUPPORTED_HASHES } from '../bytes.js';
import { CeremonyError, isCeremonyError, type ErrorCode } from '../errors.js';
import type { MetaFile } from '../model.js';
import { escapeUntrusted, printableCapped } from '../terminal-text.js';
import { formatExpiry, parseTime } from '../time.js';
import { describeResult, type VerificationResult } from '../verify.js';
import type { MetadataSource } from './source.js';

// The checks of the client workflow (spec section 5), each throwing a CeremonyError whose one-line
// message names the role, the file and the rule.

/**
 * Throws a client-workflow error: `<role> (<file>): <problem> (spec <rule>)`. Role and file names
 * come from metadata (delegated role names): capped and escaped.
 */
export function fail(
  code: ErrorCode,
  role: string,
  file: string,
  problem: string,
  rule: string,
): never {
  const where = `${escapeUntrusted(role, MAX_NAME)} (${escapeUntrusted(file, MAX_NAME)})`;
  const what = printableCapped(problem, MAX_PROBLEM);
  throw new CeremonyError(code, `${where}: ${what} (spec ${printableCapped(rule, MAX_NAME * 2)})`);
}

/** Longest role or file name quoted in a message. */
const MAX_NAME = 128;
/** Longest problem description (it may name roles and files of the metadata). */
const MAX_PROBLEM = 600;

/** Fetches a metadata file, refusing a missing file or one longer than `maxLength`. */
export async function fetchMetadataFile(
  source: MetadataSource,
  role: string,
  file: string,
  maxLength: number,
): Promise<Uint8Array> {
  const bytes = await guarded(role, file, maxLength, () => source.fetchMetadata(file, maxLength));
  if (bytes === undefined) fail('FILE_MISSING', role, file, 'file not found', '5: fetch metadata');
  if (bytes.length > maxLength) tooLarge(role, file, maxLength);
  return bytes;
}

/** Runs a source call, naming the role and file in its size and I/O errors. */
export async function guarded<T>(
  role: string,
  file: string,
  maxLength: number,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isCeremonyError(err, 'FILE_TOO_LARGE')) tooLarge(role, file, maxLength);
    const detail = err instanceof Error ? err.message : String(err);
    throw new CeremonyError('IO', `${role} (${file}): cannot be read: ${detail}`, { cause: err });
  }
}

/**
 * The most bytes to download of a metadata file: its listed length, or `fallback` when none is
 * listed, never more than `cap` (spec 5.5.1 / 5.6.1 let a client bound a listed length; a listed
 * length above the cap is refused before any byte is fetched).
 */
export function metadataLimit(
  listed: number | undefined,
  limits: { fallback: number; cap: number },
  role: string,
  file: string,
): number {
  if (listed !== undefined && listed > limits.cap) {
    fail(
      'FILE_TOO_LARGE',
      role,
      file,
      `listed as ${listed} bytes, more than the limit of ${limits.cap} bytes for any metadata file`,
      '5: download at most the listed or default length',
    );
  }
  return Math.min(listed ?? limits.fallback, limits.cap);
}

/** Throws FILE_TOO_LARGE for a file that passed its size limit. */
export function tooLarge(role: string, file: string, maxLength: number): never {
  fail(
    'FILE_TOO_LARGE',
    role,
    file,
    `larger than the limit of ${maxLength} bytes`,
    '5: download at most the listed or default length',
  );
}

/** What a file is checked against: the length and hashes its listing gives. */
export interface ListedFile {
  length?: number | undefined;
  hashes?: Record<string, string> | undefined;
}

/**
 * Spec 5.5.2 / 5.6.2 / 5.7.3: the bytes must match the length and every listed hash (hashes this
 * client cannot compute are skipped, but at least one listed hash must be checked). `sha256`:
 * the bytes' sha256 when the caller computed it already.
 */
export function checkLengthAndHashes(
  bytes: Uint8Array,
  expected: ListedFile,
  role: string,
  file: string,
  rule: string,
  listedBy: string,
  sha256?: string,
): void {
  const digest = (alg: string): string =>
    alg === 'sha256' && sha256 !== undefined ? sha256 : digestHex(alg, bytes);
  const measured = { length: bytes.length, digest };
  checkMeasured(measured, expected, { role, file, rule, listedBy });
}

/** Hash algorithms of a listing this client can check (spec 5.7.3). */
export function checkableHashes(expected: ListedFile): string[] {
  return Object.keys(expected.hashes ?? {}).filter((alg) => SUPPORTED_HASHES.has(alg));
}

/** The same checks as checkLengthAndHashes on a file measured as a stream. */
export function checkMeasured(
  measured: { length: number; digest: (algorithm: string) => string | undefined },
  expected: ListedFile,
  at: { role: string; file: string; rule: string; listedBy: string },
): void {
  const { role, file, rule, listedBy } = at;
  if (expected.length !== undefined && measured.length !== expected.length) {
    fail(
      'LENGTH_MISMATCH',
      role,
      file,
      `${measured.length} bytes, ${listedBy} lists ${expected.length}`,
      rule,
    );
  }
  if (expected.hashes === undefined) return;
  let checked = 0;
  for (const [algorithm, digest] of Object.entries(expected.hashes)) {
    if (!SUPPORTED_HASHES.has(algorithm)) continue;
    checked++;
    const actual = measured.digest(algorithm) ?? '';
    if (!hexEquals(actual, digest)) {
      fail(
        'HASH_MISMATCH',
        role,
        file,
        `${algorithm} ${actual.slice(0, 16)}… but ${listedBy} lists ${digest.slice(0, 16)}…`,
        rule,
      );
    }
  }
  if (checked === 0) {
    fail(
      'METADATA_INVALID',
      role,
      file,
      `${listedBy} lists only hash algorithms this client cannot check`,
      rule,
    );
  }
}

/** Throws THRESHOLD_NOT_MET when a verification result falls short of its threshold. */
export function checkThreshold(
  result: VerificationResult,
  role: string,
  file: string,
  rule: string,
): void {
  if (!result.verified) {
    fail('THRESHOLD_NOT_MET', role, file, describeResult(result), rule);
  }
}

/** Throws EXPIRED when `expires` is at or before `now`. */
export function checkExpiry(
  expires: string,
  now: number,
  role: string,
  file: string,
  rule: string,
): void {
  const at = parseTime(expires, `${file}: signed.expires`);
  if (at <= now) {
    fail('EXPIRED', role, file, `expired on ${formatExpiry(at)}, now ${formatExpiry(now)}`, rule);
  }
}

/** Throws VERSION_MISMATCH when a role's version differs from the one that lists it. */
export function checkVersion(
  actual: number,
  meta: MetaFile,
  role: string,
  file: string,
  rule: string,
  listedBy: string,
): void {
  if (actual !== meta.version) {
    fail(
      'VERSION_MISMATCH',
      role,
      file,
      `version ${actual}, ${listedBy} lists version ${meta.version}`,
      rule,
    );
  }
}
