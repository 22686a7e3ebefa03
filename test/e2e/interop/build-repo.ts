import {
  addDelegation,
  addRoleKey,
  addTargets,
  buildBinRoles,
  bumpVersion,
  newRoot,
  newSnapshot,
  newTargets,
  newTimestamp,
  removeRoleKey,
  serializeRole,
  setRoleThreshold,
  setSuccinctDelegation,
  snapshotMeta,
  targetFileFor,
  timestampMeta,
  type SerializedRole,
} from '../../../src/metadata/build.js';
import type { RootSigned, TargetsSigned } from '../../../src/metadata/model.js';
import { signMetadata } from '../../../src/metadata/sign.js';
import type { Signer } from '../../../src/metadata/signer.js';
import { writeRepository } from '../../../src/repo/repository-writer.js';
import {
  SoftwareSigner,
  ed25519FromSeed,
  generatePrivateKey,
} from '../../../src/signing/software-signer.js';

// A repository written by the core the way a ceremony would: four top-level roles, a path
// delegation, a role delegating to succinct hash bins, consistent snapshots, root rotated once,
// ed25519 and ECDSA P-256 keys, thresholds above 1.

const DAY = 86_400_000;

function ed(seedByte: number): Signer {
  return new SoftwareSigner(ed25519FromSeed(new Uint8Array(32).fill(seedByte)));
}
function ec(): Signer {
  return new SoftwareSigner(generatePrivateKey('ecdsa-p256'));
}

/** The target files the repository publishes, by path. */
export const TARGET_FILES: Readonly<Record<string, Uint8Array>> = {
  'readme.txt': Buffer.from('top-level target\n'),
  'apps/hello.txt': Buffer.from('hello from the apps delegation\n'),
  'apps/tool-1.0.tar.gz': Buffer.from('tool bytes \x00\x01\x02'),
  'packages/alpha-1.0.tgz': Buffer.from('alpha package in a hash bin\n'),
  'packages/beta-2.1.tgz': Buffer.from('beta package in a hash bin\n'),
};

/** What the test needs to know about the written repository. */
export interface BuiltRepository {
  roots: SerializedRole[];
  bins: Map<string, TargetsSigned>;
  binOf: Map<string, string>;
  files: string[];
}

function filesUnder(prefix: string) {
  return Object.entries(TARGET_FILES)
    .filter(([path]) => path.startsWith(prefix))
    .map(([path, bytes]) => [path, targetFileFor(bytes, { origin: 'interop' })] as const);
}

/** Builds, signs and writes the repository into `dir`. */
export async function buildRepository(dir: string, now: number): Promise<BuiltRepository> {
  const expires = now + 365 * DAY;
  const [rootA, rootB, rootC] = [ed(1), ec(), ed(3)] as [Signer, Signer, Signer];
  const [targets1, targets2] = [ec(), ed(5)] as [Signer, Signer];
  const snapshotKey = ed(6);
  const timestampKey = ec();
  const [apps1, apps2] = [ed(8), ec()] as [Signer, Signer];
  const packagesKey = ed(10);
  const [bin1, bin2] = [ec(), ed(12)] as [Signer, Signer];

  // Root v1: root keys A (ed25519) and B (ECDSA), threshold 2.
  let root: RootSigned = newRoot({
    expires,
    thresholds: { root: 2, targets: 2, snapshot: 1, timestamp: 1 },
  });
  root = addRoleKey(addRoleKey(root, 'root', rootA.key), 'root', rootB.key);
  root = addRoleKey(addRoleKey(root, 'targets', targets1.key), 'targets', targets2.key);
  root = addRoleKey(root, 'snapshot', snapshotKey.key);
  root = addRoleKey(root, 'timestamp', timestampKey.key);
  const root1 = serializeRole('root', await signMetadata(root, [rootA, rootB]));

  // Root v2: A leaves, C joins; signed by a threshold of v1 (A, B) and of v2 (B, C).
  let root2Signed = removeRoleKey(
    addRoleKey(bumpVersion(root), 'root', rootC.key),
    'root',
    rootA.keyid,
  );
  root2Signed = setRoleThreshold(root2Signed, 'root', 2);
  const root2 = serializeRole('root', await signMetadata(root2Signed, [rootA, rootB, rootC]));

  // Bins: `packages` delegates to 8 succinct bins (bit_length 3) held by two keys, threshold 2.
  const packages = setSuccinctDelegation(newTargets({ expires }), {
    keys: [bin1.key, bin2.key],
    threshold: 2,
    bitLength: 3,
    namePrefix: 'bin',
  });
  const succinct = packages.delegations?.succinct_roles;
  if (!succinct) throw new Error('succinct_roles missing');
  const bins = buildBinRoles(succinct, { expires }, Object.fromEntries(filesUnder('packages/')));

  const apps = addTargets(newTargets({ expires }), filesUnder('apps/'));
  let targets = addTargets(newTargets({ expires }), filesUnder('readme'));
  targets = addDelegation(targets, {
    name: 'apps',
    keys: [apps1.key, apps2.key],
    threshold: 2,
    paths: ['apps/*'],
    terminating: true,
  });
  targets = addDelegation(targets, {
    name: 'packages',
    keys: [packagesKey.key],
    threshold: 1,
    paths: ['packages/*'],
  });

  const delegated: SerializedRole[] = [
    serializeRole('apps', await signMetadata(apps, [apps1, apps2])),
    serializeRole('packages', await signMetadata(packages, [packagesKey])),
  ];
  for (const [name, bin] of bins) {
    delegated.push(serializeRole(name, await signMetadata(bin, [bin1, bin2])));
  }
  const targetsFile = serializeRole('targets', await signMetadata(targets, [targets1, targets2]));
  const snapshot = serializeRole(
    'snapshot',
    await signMetadata(newSnapshot({ expires, meta: snapshotMeta([targetsFile, ...delegated]) }), [
      snapshotKey,
    ]),
  );
  const timestamp = serializeRole(
    'timestamp',
    await signMetadata(newTimestamp({ expires, meta: timestampMeta(snapshot) }), [timestampKey]),
  );
  const files = await writeRepository(dir, {
    consistentSnapshot: true,
    roots: [root1, root2],
    targets: targetsFile,
    delegated,
    snapshot,
    timestamp,
    targetFiles: Object.entries(TARGET_FILES).map(([path, bytes]) => ({ path, bytes })),
  });
  const binOf = new Map<string, string>();
  for (const [name, bin] of bins)
    for (const path of Object.keys(bin.targets)) binOf.set(path, name);
  return { roots: [root1, root2], bins, binOf, files };
}
