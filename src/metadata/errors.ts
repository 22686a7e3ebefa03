/** Machine-readable reason for a failure anywhere in the tool; src/cli maps codes to exit codes. */
export type ErrorCode =
  | 'METADATA_INVALID'
  | 'CANONICAL_JSON'
  | 'KEY_UNSUPPORTED'
  | 'KEYID_MISMATCH'
  | 'SIGNATURE_INVALID'
  | 'THRESHOLD_NOT_MET'
  | 'VERSION_ROLLBACK'
  | 'VERSION_MISMATCH'
  | 'EXPIRED'
  | 'HASH_MISMATCH'
  | 'LENGTH_MISMATCH'
  | 'FILE_MISSING'
  | 'FILE_TOO_LARGE'
  | 'TARGET_NOT_FOUND'
  | 'PLAN_INVALID'
  | 'STATE_INVALID'
  | 'USAGE'
  | 'SECRET_INVALID'
  | 'KEY_MISMATCH'
  | 'HSM'
  | 'PUBLISH'
  | 'IO';

/** An expected failure with a one-line, user-facing message (never a stack trace for users). */
export class CeremonyError extends Error {
  override readonly name = 'CeremonyError';
  /** The file or argument the error is about, when one is (shown in --json errors). */
  readonly file: string | undefined;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; file?: string },
  ) {
    super(message, options);
    this.file = options?.file;
  }
}

/** The user cancelled (Ctrl-C at a prompt, "no" at a confirmation); nothing was changed. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
}

/** True when `err` is a CeremonyError, optionally with the given code. */
export function isCeremonyError(err: unknown, code?: ErrorCode): err is CeremonyError {
  return err instanceof CeremonyError && (code === undefined || err.code === code);
}
