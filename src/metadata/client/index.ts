// The TUF client workflow (spec section 5), pure: files come from an injected MetadataSource.
export { verifyRepository, type VerifyOptions } from './verify-repository.js';
export type { RoleReport, RootStep, TargetReport, VerifyReport } from './report.js';
export {
  DEFAULT_LIMITS,
  MAX_ROOT_ROTATIONS,
  type MeasuredFile,
  type MetadataSource,
  type SizeLimits,
} from './source.js';
export type { PreviousMetadata } from './timestamp-snapshot.js';
export { findTarget, isSafeTargetPath, targetFileNames } from './target-file.js';
export { roleFileName } from './listed-role.js';
export {
  authorityDigest,
  verifiedRoleKey,
  type RecordedRole,
  type VerifiedRoles,
} from './verified-roles.js';
