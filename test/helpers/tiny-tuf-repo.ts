import {
  addRoleKey,
  addTarget,
  newRoot,
  newSnapshot,
  newTargets,
  newTimestamp,
  serializeRole,
  snapshotMeta,
  targetFileFor,
  timestampMeta,
} from '../../src/metadata/build.js';
import { signMetadata } from '../../src/metadata/sign.js';
import { writeRepository } from '../../src/repo/repository-writer.js';
import { ed25519FromSeed, SoftwareSigner } from '../../src/signing/software-signer.js';

/** A one-key TUF repository (consistent snapshots) publishing the given target files. */
export interface TinyRepo {
  /** Bytes of 1.root.json, the root a client bootstraps from. */
  rootJson: Uint8Array;
}

/**
 * Writes root/targets/snapshot/timestamp, all signed by one ed25519 key from a fixed seed and
 * valid for a year from the real clock (TUF clients check expiry against it), plus the targets.
 */
export async function writeTinyRepo(
  dir: string,
  targets: Readonly<Record<string, Uint8Array>>,
): Promise<TinyRepo> {
  const signer = new SoftwareSigner(ed25519FromSeed(new Uint8Array(32).fill(7)));
  const expires = Date.now() + 365 * 86_400_000;
  let root = newRoot({ expires, thresholds: { root: 1, targets: 1, snapshot: 1, timestamp: 1 } });
  for (const role of ['root', 'targets', 'snapshot', 'timestamp']) {
    root = addRoleKey(root, role, signer.key);
  }
  let targetsSigned = newTargets({ expires });
  for (const [path, bytes] of Object.entries(targets)) {
    targetsSigned = addTarget(targetsSigned, path, targetFileFor(bytes));
  }
  const rootRole = serializeRole('root', await signMetadata(root, [signer]));
  const targetsRole = serializeRole('targets', await signMetadata(targetsSigned, [signer]));
  const snapshot = newSnapshot({ expires, meta: snapshotMeta([targetsRole]) });
  const snapshotRole = serializeRole('snapshot', await signMetadata(snapshot, [signer]));
  const timestamp = newTimestamp({ expires, meta: timestampMeta(snapshotRole) });
  const timestampRole = serializeRole('timestamp', await signMetadata(timestamp, [signer]));
  await writeRepository(dir, {
    consistentSnapshot: true,
    roots: [rootRole],
    targets: targetsRole,
    snapshot: snapshotRole,
    timestamp: timestampRole,
    targetFiles: Object.entries(targets).map(([path, bytes]) => ({ path, bytes })),
  });
  return { rootJson: rootRole.file.bytes };
}
