import {
  addRoleKey,
  newRoot,
  newSnapshot,
  newTargets,
  newTimestamp,
  snapshotMeta,
  timestampMeta,
} from '../metadata/build.js';
import type { TargetFile } from '../metadata/model.js';
import { signRole } from '../metadata/signed-file.js';
import type { Signer } from '../metadata/signer.js';
import { writeRepository, type TargetFileWrite } from './repository-writer.js';

/** What a repository signed by one key lists and serves. */
export interface SingleKeyRepositoryInput {
  /** Signs all four top-level roles (threshold 1 each). */
  signer: Signer;
  /** Expiry of every role, epoch ms. */
  expires: number;
  /** The targets role's listing, written as given (length, hashes, custom). */
  targets: Readonly<Record<string, TargetFile>>;
  /** Bytes of listed targets to serve (consistent snapshot names). */
  files: readonly TargetFileWrite[];
}

/**
 * Writes a consistent-snapshot repository whose root, targets, snapshot and timestamp are signed
 * by one key: for throwaway repositories a client is pointed at (the Sigstore smoke test) and for
 * examples. Returns the bytes of 1.root.json, the root a client bootstraps from.
 */
export async function writeSingleKeyRepository(
  dir: string,
  input: SingleKeyRepositoryInput,
): Promise<{ rootJson: Uint8Array }> {
  const { signer, expires } = input;
  let root = newRoot({ expires, thresholds: { root: 1, targets: 1, snapshot: 1, timestamp: 1 } });
  for (const role of ['root', 'targets', 'snapshot', 'timestamp'])
    root = addRoleKey(root, role, signer.key);
  const targets = { ...newTargets({ expires }), targets: { ...input.targets } };
  const rootRole = await signRole('root', root, [signer]);
  const targetsRole = await signRole('targets', targets, [signer]);
  const snapshot = newSnapshot({ expires, meta: snapshotMeta([targetsRole]) });
  const snapshotRole = await signRole('snapshot', snapshot, [signer]);
  const timestamp = newTimestamp({ expires, meta: timestampMeta(snapshotRole) });
  const timestampRole = await signRole('timestamp', timestamp, [signer]);
  await writeRepository(dir, {
    consistentSnapshot: true,
    roots: [rootRole],
    targets: targetsRole,
    snapshot: snapshotRole,
    timestamp: timestampRole,
    targetFiles: input.files,
  });
  return { rootJson: rootRole.file.bytes };
}
