// Sigstore trust material: trusted_root.json and signing_config documents, pure edits over them,
// byte-stable serialization, the standalone file mode and the client smoke test.

export {
  TRUSTED_ROOT_V01,
  TRUSTED_ROOT_V01_LEGACY,
  TRUSTED_ROOT_V02,
  SIGNING_CONFIG_V02,
  trustedRootVersion,
  trustedRootMediaType,
  type TrustedRootVersion,
} from './media-types.js';
export type {
  CertificateAuthorityJson,
  DistinguishedNameJson,
  LogIdJson,
  PublicKeyJson,
  TransparencyLogJson,
  TrustedRootDoc,
  TrustedRootList,
} from './trusted-root-model.js';
export type { TimeRangeJson } from './times.js';
export { parseTrustedRoot } from './trusted-root-parse.js';
export { serializeTrustedRoot } from './trusted-root-serialize.js';
export {
  emptyTrustedRoot,
  decodeTrustedRoot,
  encodeTrustedRoot,
  decodeSigningConfig,
  encodeSigningConfig,
  editTrustedRootBytes,
  editSigningConfigBytes,
  type EditedBytes,
} from './documents.js';
export {
  addTransparencyLog,
  endTransparencyLog,
  addCtLog,
  endCtLog,
  type LogAddInput,
  type LogEndInput,
} from './transparency-logs.js';
export {
  addCertificateAuthority,
  endCertificateAuthority,
  addTimestampAuthority,
  endTimestampAuthority,
  type AuthorityAddInput,
  type AuthorityEndInput,
} from './authorities.js';
export {
  emptySigningConfig,
  parseSigningConfig,
  serializeSigningConfig,
  type ServiceConfigJson,
  type ServiceJson,
  type ServiceList,
  type SigningConfigDoc,
} from './signing-config-model.js';
export {
  addService,
  endService,
  setSelector,
  SERVICE_LISTS,
  type ServiceAddInput,
  type ServiceEndInput,
  type ServiceKind,
} from './signing-config.js';
export {
  checkpointOrigin,
  logKeyFromPem,
  logKeyFromSpki,
  rfc6962LogId,
  signedNoteKeyId,
  type LogPublicKey,
} from './log-keys.js';
export { validateTrustedRootText, validateSigningConfigText } from './validate.js';
export { editTrustedRootFile, editSigningConfigFile, type FileEditResult } from './file-store.js';
export { smokeTestTrustedRoot, type SmokeTestInput, type SmokeTestResult } from './smoke-test.js';
