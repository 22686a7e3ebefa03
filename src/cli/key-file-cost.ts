import { CeremonyError } from '../metadata/errors.js';
import { MIN_SCRYPT_LOG2_N, SCRYPT_LOG2_N, type KeyFileWriteOptions } from '../signing/key-file.js';
import type { CommandContext } from './command.js';

/**
 * Test suites only: lowers the scrypt cost of NEW key files to N=2^VALUE (10..17) so hundreds of
 * enrollments stay fast. Every use prints a warning, and the file records its N.
 */
export const TEST_SCRYPT_VARIABLE = 'TUF_CEREMONY_TEST_SCRYPT_LOG2N';

/**
 * The scrypt cost for a new key file: N=2^17, unless TUF_CEREMONY_TEST_SCRYPT_LOG2N asks for a
 * lower one, which is honoured only with a warning on stderr naming the file.
 */
export function keyFileCost(ctx: CommandContext, file: string): KeyFileWriteOptions {
  const text = ctx.env[TEST_SCRYPT_VARIABLE];
  if (text === undefined || text === '') return {};
  const log2n = Number(text);
  if (!/^\d{1,2}$/.test(text) || log2n < MIN_SCRYPT_LOG2_N || log2n > SCRYPT_LOG2_N) {
    throw new CeremonyError(
      'USAGE',
      `${TEST_SCRYPT_VARIABLE}=${JSON.stringify(text)}: must be a whole number from ${MIN_SCRYPT_LOG2_N} to ${SCRYPT_LOG2_N}`,
    );
  }
  if (log2n < SCRYPT_LOG2_N) {
    ctx.err(
      `WARNING: ${TEST_SCRYPT_VARIABLE}=${log2n} weakens ${file}: scrypt N=2^${log2n} instead of 2^${SCRYPT_LOG2_N}; for test suites only, never for a real key (unset it and enroll again)`,
    );
  }
  return { scryptLog2N: log2n };
}
