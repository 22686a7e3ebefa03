import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  diffSigningConfigs,
  diffTrustedRoots,
  type TrustOperation,
} from '../ceremony/trust-diff.js';
import { sha256Hex } from '../metadata/bytes.js';
import { errorText } from '../metadata/printable.js';
import type { TargetFile } from '../metadata/model.js';
import { readTargetInput } from '../repo/target-inputs.js';
import type { LoadedCeremony } from './ceremony-context.js';
import { SIGSTORE_TARGET_PATHS } from './commands/sigstore-document.js';
import { stagedSigstoreTargets } from './staged-sigstore.js';

// The operations a staged targets role makes on Sigstore trust material, against the published
// documents in repository/: what `review`, `sign`, the pull-request body and the transcript show.

/** The published bytes of a target (repository/targets/, hash-prefixed with consistent snapshots). */
async function publishedTarget(
  loaded: LoadedCeremony,
  path: string,
): Promise<Uint8Array | undefined> {
  const entry: TargetFile | undefined = loaded.published.targets?.metadata.signed.targets[path];
  const sha256 = entry?.hashes.sha256;
  if (sha256 === undefined) return undefined;
  const consistent = loaded.published.root?.metadata.signed.consistent_snapshot === true;
  const file = join(loaded.paths.repository, 'targets', consistent ? `${sha256}.${path}` : path);
  try {
    const bytes = new Uint8Array(await readFile(file));
    // spec 5.7.3: only bytes matching the signed hash are the published document.
    return sha256Hex(bytes) === sha256 ? bytes : undefined;
  } catch {
    return undefined;
  }
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

function unreadable(document: TrustOperation['document'], err: unknown): TrustOperation {
  return {
    document,
    kind: 'changes',
    list: '',
    url: '',
    text: `the staged ${SIGSTORE_TARGET_PATHS[document]} cannot be read by Sigstore clients: ${errorText(err)}`,
  };
}

/** Trust operations of the staged targets role; undefined when it changes no Sigstore document. */
export async function stagedTrustOperations(
  loaded: LoadedCeremony,
): Promise<TrustOperation[] | undefined> {
  const targets = stagedSigstoreTargets(loaded);
  if (targets === undefined || targets.changed.size === 0) return undefined;
  // Loaded on demand: only a ceremony that changes Sigstore trust material reads it.
  const { decodeSigningConfig, decodeTrustedRoot } = await import('../sigstore/documents.js');
  const { parseSigningConfig } = await import('../sigstore/signing-config-model.js');
  const { readTrustedRootLeniently } = await import('../sigstore/trusted-root-lenient.js');
  const ops: TrustOperation[] = [];
  const root = targets.changed.get(SIGSTORE_TARGET_PATHS.trusted_root);
  if (root !== undefined) {
    const path = SIGSTORE_TARGET_PATHS.trusted_root;
    const before = await publishedTarget(loaded, path);
    try {
      const after = decodeTrustedRoot(await readTargetInput(loaded.paths.root, path, root), path);
      ops.push(...diffTrustedRoots(before && readTrustedRootLeniently(text(before)), after));
    } catch (err) {
      ops.push(unreadable('trusted_root', err));
    }
  }
  const config = targets.changed.get(SIGSTORE_TARGET_PATHS.signing_config);
  if (config !== undefined) {
    const path = SIGSTORE_TARGET_PATHS.signing_config;
    const before = await publishedTarget(loaded, path);
    try {
      const after = decodeSigningConfig(
        await readTargetInput(loaded.paths.root, path, config),
        path,
      );
      let previous;
      try {
        previous = before && parseSigningConfig(text(before), path);
      } catch {
        previous = undefined;
      }
      ops.push(...diffSigningConfigs(previous, after));
    } catch (err) {
      ops.push(unreadable('signing_config', err));
    }
  }
  return ops;
}
