// PKCS#11 constants used by this adapter (PKCS#11 v3.0 base specification, section 6 and
// pkcs11t.h). Kept here so the native library is only loaded when a token is actually used.

/** Attribute types (CKA_*). */
export const CKA = {
  CLASS: 0x0,
  TOKEN: 0x1,
  PRIVATE: 0x2,
  LABEL: 0x3,
  VALUE: 0x11,
  KEY_TYPE: 0x100,
  ID: 0x102,
  SENSITIVE: 0x103,
  SIGN: 0x108,
  VERIFY: 0x10a,
  EXTRACTABLE: 0x162,
  EC_PARAMS: 0x180,
  EC_POINT: 0x181,
  ALWAYS_AUTHENTICATE: 0x202,
} as const;

/** Object classes (CKO_*). */
export const CKO = { CERTIFICATE: 0x1, PUBLIC_KEY: 0x2, PRIVATE_KEY: 0x3 } as const;

/** Key types (CKK_*); EC_EDWARDS is PKCS#11 3.0. */
export const CKK = { RSA: 0x0, EC: 0x3, EC_EDWARDS: 0x40 } as const;

/** Mechanisms (CKM_*); the Edwards ones are PKCS#11 3.0. */
export const CKM = {
  ECDSA_KEY_PAIR_GEN: 0x1040,
  ECDSA: 0x1041,
  ECDSA_SHA256: 0x1044,
  EC_EDWARDS_KEY_PAIR_GEN: 0x1055,
  EDDSA: 0x1057,
} as const;

/** User types for C_Login (CKU_*). */
export const CKU = { USER: 0x1, CONTEXT_SPECIFIC: 0x2 } as const;

/** Session, token and mechanism flags (CKF_*). */
export const CKF = {
  RW_SESSION: 0x2,
  SERIAL_SESSION: 0x4,
  LOGIN_REQUIRED: 0x4,
  WRITE_PROTECTED: 0x2,
  PROTECTED_AUTHENTICATION_PATH: 0x100,
  TOKEN_INITIALIZED: 0x400,
  USER_PIN_COUNT_LOW: 0x10000,
  USER_PIN_FINAL_TRY: 0x20000,
  USER_PIN_LOCKED: 0x40000,
  MECH_SIGN: 0x800,
} as const;

/** Return values (CKR_*) this adapter explains to holders. */
export const CKR = {
  GENERAL_ERROR: 0x5,
  ATTRIBUTE_SENSITIVE: 0x11,
  ATTRIBUTE_TYPE_INVALID: 0x12,
  ATTRIBUTE_VALUE_INVALID: 0x13,
  ACTION_PROHIBITED: 0x1b,
  DATA_LEN_RANGE: 0x21,
  DEVICE_ERROR: 0x30,
  DEVICE_MEMORY: 0x31,
  DEVICE_REMOVED: 0x32,
  FUNCTION_CANCELED: 0x50,
  FUNCTION_NOT_SUPPORTED: 0x54,
  KEY_HANDLE_INVALID: 0x60,
  KEY_TYPE_INCONSISTENT: 0x63,
  KEY_FUNCTION_NOT_PERMITTED: 0x68,
  MECHANISM_INVALID: 0x70,
  MECHANISM_PARAM_INVALID: 0x71,
  OBJECT_HANDLE_INVALID: 0x82,
  PIN_INCORRECT: 0xa0,
  PIN_INVALID: 0xa1,
  PIN_LEN_RANGE: 0xa2,
  PIN_EXPIRED: 0xa3,
  PIN_LOCKED: 0xa4,
  SESSION_COUNT: 0xb1,
  SESSION_HANDLE_INVALID: 0xb3,
  SESSION_READ_ONLY: 0xb5,
  TEMPLATE_INCOMPLETE: 0xd0,
  TEMPLATE_INCONSISTENT: 0xd1,
  TOKEN_NOT_PRESENT: 0xe0,
  TOKEN_NOT_RECOGNIZED: 0xe1,
  TOKEN_WRITE_PROTECTED: 0xe2,
  USER_ALREADY_LOGGED_IN: 0x100,
  USER_NOT_LOGGED_IN: 0x101,
  USER_PIN_NOT_INITIALIZED: 0x102,
  CRYPTOKI_ALREADY_INITIALIZED: 0x191,
} as const;
