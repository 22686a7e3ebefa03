// The PKCS#11 adapter: hardware keys behind the same Signer port as software keys.

export {
  verifyYubiKeyAttestation,
  type AttestationInput,
  type ChainEntry,
  type YubiKeyAttestation,
} from './attestation.js';
export {
  enrollTokenKey,
  generateTokenKey,
  type EnrolledTokenKey,
  type TokenAlgorithm,
} from './enroll.js';
export { listTokens, readTokenPublicKey, type ListedKey, type ListedToken } from './list.js';
export { detectModules, finalizeModules, KNOWN_MODULES, type ModuleLocation } from './modules.js';
export { openPkcs11Signer, Pkcs11Signer, pkcs11KeyRefResolver } from './signer.js';
export type { ModuleOptions } from './tokens.js';
export { formatPkcs11Uri, parsePkcs11Uri, type Pkcs11Uri } from './uri.js';
