import { CeremonyError } from '../metadata/errors.js';
import { CKF, CKR } from './constants.js';

// PKCS#11 return values become one-line, holder-facing CeremonyErrors (code HSM). The message
// says what happened and what to do; the CKR_ name is kept at the end for support requests.
// PINs never reach this file: errors are built from return codes and context only.

const EXPLAIN: Readonly<Record<number, string>> = {
  [CKR.PIN_INCORRECT]: 'wrong PIN',
  [CKR.PIN_INVALID]: 'the PIN has characters the token does not accept',
  [CKR.PIN_LEN_RANGE]: 'the PIN is too short or too long for this token',
  [CKR.PIN_EXPIRED]: 'the PIN has expired; change it with the vendor tool first',
  [CKR.PIN_LOCKED]:
    'the PIN is locked after too many wrong tries; unblock it with the PUK or SO PIN (vendor tool)',
  [CKR.USER_PIN_NOT_INITIALIZED]: 'the token has no user PIN yet; initialize it first',
  [CKR.TOKEN_NOT_PRESENT]: 'the token is not present; insert it and try again',
  [CKR.TOKEN_NOT_RECOGNIZED]: 'the token is not recognized by this module',
  [CKR.DEVICE_REMOVED]: 'the token was removed; insert it and try again',
  [CKR.DEVICE_ERROR]: 'the token reported a device error; re-insert it and try again',
  [CKR.DEVICE_MEMORY]: 'the token is out of memory',
  [CKR.USER_NOT_LOGGED_IN]: 'the token needs a PIN login for this and none is active',
  [CKR.MECHANISM_INVALID]: 'the token does not support the signing mechanism this key needs',
  [CKR.MECHANISM_PARAM_INVALID]: 'the token refused the mechanism parameters',
  [CKR.KEY_FUNCTION_NOT_PERMITTED]:
    'the key is not allowed to sign (its CKA_SIGN attribute is false)',
  [CKR.KEY_TYPE_INCONSISTENT]: 'the key type does not fit the signing mechanism',
  [CKR.KEY_HANDLE_INVALID]: 'the key is no longer on the token',
  [CKR.OBJECT_HANDLE_INVALID]: 'the key is no longer on the token',
  [CKR.FUNCTION_CANCELED]: 'the operation was cancelled on the token (touch timeout?)',
  [CKR.FUNCTION_NOT_SUPPORTED]: 'the token does not support this operation',
  [CKR.TEMPLATE_INCONSISTENT]: 'the token refused the key attributes',
  [CKR.TEMPLATE_INCOMPLETE]: 'the token needs more key attributes than given',
  [CKR.ATTRIBUTE_VALUE_INVALID]: 'the token refused an attribute value',
  [CKR.TOKEN_WRITE_PROTECTED]: 'the token is write-protected',
  [CKR.SESSION_READ_ONLY]: 'the token only allows read-only sessions',
  [CKR.SESSION_COUNT]: 'the token has too many open sessions; close other programs using it',
  [CKR.SESSION_HANDLE_INVALID]: 'the session with the token was lost; try again',
  [CKR.ACTION_PROHIBITED]: 'the token prohibits this action on the key',
  [CKR.DATA_LEN_RANGE]: 'the token refused the length of the data to sign',
  [CKR.GENERAL_ERROR]: 'the token reported a general error',
};

/** The numeric CKR_ code of a pkcs11js error, or undefined for anything else. */
export function pkcs11Code(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { name?: unknown; code?: unknown; message?: unknown };
  if (e.name === 'Pkcs11Error' && typeof e.code === 'number') return e.code;
  return undefined;
}

function ckrName(err: unknown, code: number): string {
  const msg = (err as { message?: unknown }).message;
  return typeof msg === 'string' && /^CKR_[A-Z_0-9]+$/.test(msg)
    ? msg
    : `CKR 0x${code.toString(16)}`;
}

/** Turns a PKCS#11 failure into `CeremonyError('HSM', '<context>: <explanation> (CKR_...)')`. */
export function mapPkcs11Error(err: unknown, context: string): CeremonyError {
  if (err instanceof CeremonyError) return err;
  const code = pkcs11Code(err);
  if (code === undefined) {
    const text = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return new CeremonyError('HSM', `${context}: ${text ?? 'unknown failure'}`, { cause: err });
  }
  const why = EXPLAIN[code] ?? 'the token refused the operation';
  return new CeremonyError('HSM', `${context}: ${why} (${ckrName(err, code)})`, { cause: err });
}

/** What the token's flags say about the remaining PIN tries (PKCS#11 3.0 section 3.2, CK_TOKEN_INFO). */
export function pinTriesText(tokenFlags: number): string {
  if (tokenFlags & CKF.USER_PIN_LOCKED) return 'the PIN is now locked';
  if (tokenFlags & CKF.USER_PIN_FINAL_TRY) return 'the token reports 1 try left before it locks';
  if (tokenFlags & CKF.USER_PIN_COUNT_LOW) return 'the token reports few tries left';
  return 'the token does not report how many tries are left';
}
