import { CeremonyError } from '../metadata/errors.js';
import { secretAttempts } from '../signing/file-key-resolver.js';
import type { SecretSource } from '../signing/key-ref.js';
import { CKF, CKR, CKU } from './constants.js';
import { mapPkcs11Error, pinTriesText, pkcs11Code } from './pkcs11-errors.js';
import { describeToken, tokenFlags, type TokenDescriptor } from './tokens.js';

// One session per operation: opened, logged in with a PIN from the SecretSource, closed when
// the operation ends. A wrong PIN is asked again (at most MAX_PIN_ATTEMPTS times, and only when
// the source can answer differently: a prompt, not an environment variable) with what the token
// reports about the remaining tries; the same wrong PIN is never sent twice.

/** How often a holder may retype a wrong PIN in one operation. */
export const MAX_PIN_ATTEMPTS = 3;

/** An open session on a token; `close` is idempotent. */
export interface TokenSession {
  readonly token: TokenDescriptor;
  readonly handle: Buffer;
  /** Logs in again for one operation (CKA_ALWAYS_AUTHENTICATE keys); needs `keepPin`. */
  contextLogin(): void;
  /** Drops a kept PIN once it is known not to be needed again. */
  forgetPin(): void;
  close(): void;
}

/** How to open a session. */
export interface SessionOptions {
  /** Read-write session (key generation). */
  write?: boolean;
  /** Keep the PIN in memory until close, for keys that need a login per signature. */
  keepPin?: boolean;
}

/** Opens a session and logs the user in (when the token requires a login and `secrets` is given). */
export async function openSession(
  token: TokenDescriptor,
  secrets: SecretSource | undefined,
  options: SessionOptions = {},
): Promise<TokenSession> {
  const { pkcs11 } = token.module;
  const what = `token ${describeToken(token)}`;
  let handle: Buffer;
  try {
    const flags = CKF.SERIAL_SESSION | (options.write ? CKF.RW_SESSION : 0);
    handle = pkcs11.C_OpenSession(token.slot, flags);
  } catch (err) {
    throw mapPkcs11Error(err, what);
  }
  let closed = false;
  let pin: string | undefined;
  const close = (): void => {
    if (closed) return;
    closed = true;
    pin = undefined;
    try {
      pkcs11.C_CloseSession(handle);
    } catch {
      // the token may be gone already; the module is finalized at exit anyway
    }
  };
  try {
    // Without a secret source the session sees public objects only (listing).
    const used = secrets ? await login(token, handle, secrets) : undefined;
    if (options.keepPin) pin = used;
  } catch (err) {
    close();
    throw err;
  }
  return {
    token,
    handle,
    close,
    forgetPin(): void {
      pin = undefined;
    },
    contextLogin(): void {
      try {
        pkcs11.C_Login(handle, CKU.CONTEXT_SPECIFIC, pin);
      } catch (err) {
        throw mapPkcs11Error(err, `${what}: per-signature PIN check`);
      }
    },
  };
}

async function login(
  token: TokenDescriptor,
  handle: Buffer,
  secrets: SecretSource,
): Promise<string | undefined> {
  const { pkcs11 } = token.module;
  const what = `token ${describeToken(token)}`;
  let flags = tokenFlags(token);
  if (!(flags & CKF.LOGIN_REQUIRED)) return undefined;
  if (flags & CKF.USER_PIN_LOCKED) {
    throw new CeremonyError(
      'HSM',
      `${what}: the PIN is locked after too many wrong tries; unblock it with the PUK or SO PIN (vendor tool) (CKR_PIN_LOCKED)`,
    );
  }
  if (flags & CKF.PROTECTED_AUTHENTICATION_PATH) {
    // spec 3.0 5.6 C_Login: a PIN pad reads the PIN itself when none is passed.
    tryLogin(token, handle, undefined);
    return undefined;
  }
  // A prompt may be answered again; an environment variable would only repeat the wrong PIN.
  const attempts = Math.min(MAX_PIN_ATTEMPTS, secretAttempts(secrets, 'PIN'));
  let previous: string | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const label =
      attempt === 1
        ? `token "${token.label}"`
        : `token "${token.label}" (wrong PIN; ${pinTriesText(flags)})`;
    const pin = await secrets.get('PIN', label, attempt);
    if (previous !== undefined && pin === previous) {
      throw new CeremonyError(
        'HSM',
        `${what}: wrong PIN, and the same PIN was given again, so it was not sent (${pinTriesText(flags)}) (CKR_PIN_INCORRECT)`,
      );
    }
    try {
      pkcs11.C_Login(handle, CKU.USER, pin);
      return pin;
    } catch (err) {
      const code = pkcs11Code(err);
      if (code === CKR.USER_ALREADY_LOGGED_IN) return pin;
      if (code !== CKR.PIN_INCORRECT) throw mapPkcs11Error(err, what);
      flags = tokenFlags(token);
      if (flags & CKF.USER_PIN_LOCKED || attempt === attempts) {
        throw new CeremonyError(
          'HSM',
          `${what}: wrong PIN, ${attempt} attempt(s); ${pinTriesText(flags)} (CKR_PIN_INCORRECT)`,
          { cause: err },
        );
      }
      previous = pin;
    }
  }
  /* c8 ignore next */
  throw new CeremonyError('HSM', `${what}: no PIN accepted`);
}

function tryLogin(token: TokenDescriptor, handle: Buffer, pin: string | undefined): void {
  try {
    token.module.pkcs11.C_Login(handle, CKU.USER, pin);
  } catch (err) {
    if (pkcs11Code(err) === CKR.USER_ALREADY_LOGGED_IN) return;
    throw mapPkcs11Error(err, `token ${describeToken(token)}`);
  }
}
