// Pure repository building blocks: initial roles, keys, targets, delegations, succinct bins,
// versions and snapshot/timestamp meta computed from serialized bytes. Each builder returns a
// new `signed` object, leaves its input untouched and keeps unknown fields.

export {
  bumpVersion,
  newRoot,
  newSnapshot,
  newTargets,
  newTimestamp,
  setExpiry,
  setVersion,
  type NewRoleOptions,
  type NewRootOptions,
} from './build-roles.js';
export { addRoleKey, keyMap, removeRoleKey, setRoleKeys, setRoleThreshold } from './build-keys.js';
export {
  addTarget,
  addTargets,
  checkTargetPath,
  removeTargets,
  targetFileFor,
} from './build-targets.js';
export {
  addDelegation,
  buildBinRoles,
  checkRoleName,
  removeDelegation,
  setSuccinctDelegation,
  type PathDelegationInput,
  type SuccinctDelegationInput,
} from './build-delegations.js';
export {
  serializeRole,
  serializedRole,
  snapshotMeta,
  timestampMeta,
  updateSnapshotMeta,
  updateTimestampMeta,
  type SerializedRole,
} from './build-meta.js';
