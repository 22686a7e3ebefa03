import pkcs11js from 'pkcs11js';
import { describe, expect, it } from 'vitest';
import { CKF, CKR } from '../../../src/hsm/constants.js';
import { mapPkcs11Error, pinTriesText, pkcs11Code } from '../../../src/hsm/pkcs11-errors.js';
import { CeremonyError, isCeremonyError } from '../../../src/metadata/errors.js';

// pkcs11js raises Pkcs11Error objects built from the module's CKR_ return value.
const ckr = (name: string, code: number): Error => new pkcs11js.Pkcs11Error(`${name}:${code}`);

describe('PKCS#11 errors for holders', () => {
  it.each([
    ['CKR_PIN_INCORRECT', CKR.PIN_INCORRECT, /wrong PIN \(CKR_PIN_INCORRECT\)$/],
    ['CKR_PIN_LOCKED', CKR.PIN_LOCKED, /PIN is locked .* unblock it with the PUK or SO PIN/],
    ['CKR_TOKEN_NOT_PRESENT', CKR.TOKEN_NOT_PRESENT, /not present; insert it/],
    ['CKR_DEVICE_REMOVED', CKR.DEVICE_REMOVED, /was removed; insert it/],
    ['CKR_USER_NOT_LOGGED_IN', CKR.USER_NOT_LOGGED_IN, /needs a PIN login/],
    ['CKR_MECHANISM_INVALID', CKR.MECHANISM_INVALID, /does not support the signing mechanism/],
    [
      'CKR_KEY_FUNCTION_NOT_PERMITTED',
      CKR.KEY_FUNCTION_NOT_PERMITTED,
      /not allowed to sign \(its CKA_SIGN attribute is false\)/,
    ],
    ['CKR_FUNCTION_CANCELED', CKR.FUNCTION_CANCELED, /cancelled on the token/],
  ])('maps %s to a one-line HSM error', (name, code, message) => {
    const err = ckr(name, code);
    expect(pkcs11Code(err)).toBe(code);
    const mapped = mapPkcs11Error(err, 'token "alice"');
    expect(isCeremonyError(mapped, 'HSM')).toBe(true);
    expect(mapped.message).toMatch(/^token "alice": /);
    expect(mapped.message).toMatch(message);
    expect(mapped.message).toContain(`(${name})`);
    expect(mapped.message).not.toContain('\n');
  });

  it('names unknown return codes and keeps other errors as they are', () => {
    expect(mapPkcs11Error(ckr('CKR_VENDOR_DEFINED', 0x80000000), 'x').message).toBe(
      'x: the token refused the operation (CKR_VENDOR_DEFINED)',
    );
    const own = new CeremonyError('USAGE', 'bad');
    expect(mapPkcs11Error(own, 'x')).toBe(own);
    expect(mapPkcs11Error(new Error('dlopen failed\nstack'), 'module m').message).toBe(
      'module m: dlopen failed',
    );
    expect(pkcs11Code(new Error('CKR_PIN_INCORRECT'))).toBeUndefined();
  });

  it('describes the PIN tries the token reports', () => {
    expect(pinTriesText(0)).toMatch(/does not report/);
    expect(pinTriesText(CKF.USER_PIN_COUNT_LOW)).toBe('the token reports few tries left');
    expect(pinTriesText(CKF.USER_PIN_COUNT_LOW | CKF.USER_PIN_FINAL_TRY)).toBe(
      'the token reports 1 try left before it locks',
    );
    expect(pinTriesText(CKF.USER_PIN_LOCKED | CKF.USER_PIN_COUNT_LOW)).toBe(
      'the PIN is now locked',
    );
  });
});
