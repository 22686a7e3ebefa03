import { targetFileFor } from '../../src/metadata/build.js';
import { writeSingleKeyRepository } from '../../src/repo/single-key-repository.js';
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
export function writeTinyRepo(
  dir: string,
  targets: Readonly<Record<string, Uint8Array>>,
): Promise<TinyRepo> {
  return writeSingleKeyRepository(dir, {
    signer: new SoftwareSigner(ed25519FromSeed(new Uint8Array(32).fill(7))),
    expires: Date.now() + 365 * 86_400_000,
    targets: Object.fromEntries(
      Object.entries(targets).map(([path, bytes]) => [path, targetFileFor(bytes)]),
    ),
    files: Object.entries(targets).map(([path, bytes]) => ({ path, bytes })),
  });
}
