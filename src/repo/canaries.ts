import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CeremonyError } from '../metadata/errors.js';
import { pathExists } from './path-exists.js';

// A ceremony's canaries: real Sigstore bundles that must keep verifying against every trusted
// root it signs. `sigstore-canaries/NAME.sigstore.json`, plus the artifact `NAME` beside it for a
// message-signature bundle (a DSSE bundle carries its payload). Reading is bounded by design.

/** The folder of a ceremony's canaries. */
export const CANARY_DIR = 'sigstore-canaries';

const BUNDLE_SUFFIX = '.sigstore.json';
/** At most this many canaries are read. */
export const MAX_CANARIES = 64;
/** A bundle larger than this is refused (production bundles are a few KiB). */
export const MAX_BUNDLE_BYTES = 1024 * 1024;
/** An artifact larger than this is refused (it is hashed in memory by the verifier). */
export const MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;

/** One canary as read from disk. */
export interface CanaryFiles {
  name: string;
  bundle: Uint8Array;
  artifact?: Uint8Array;
}

/** Reads a whole file, refusing it once it is larger than `max` bytes (never reads more). */
export async function readBounded(file: string, max: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(max + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > max) {
        throw new CeremonyError('FILE_TOO_LARGE', `${file}: larger than ${max} bytes`);
      }
    }
    return new Uint8Array(buffer.subarray(0, length));
  } finally {
    await handle.close();
  }
}

/** Reads one canary: the bundle and, when it exists (or is named), its artifact. */
export async function readCanary(bundleFile: string, artifactFile?: string): Promise<CanaryFiles> {
  const base = bundleFile.split(/[\\/]/).pop() ?? bundleFile;
  const name = base.endsWith(BUNDLE_SUFFIX) ? base.slice(0, -BUNDLE_SUFFIX.length) : base;
  const bundle = await readBounded(bundleFile, MAX_BUNDLE_BYTES);
  const beside = bundleFile.endsWith(BUNDLE_SUFFIX)
    ? bundleFile.slice(0, -BUNDLE_SUFFIX.length)
    : undefined;
  const artifactPath =
    artifactFile ?? (beside !== undefined && (await pathExists(beside)) ? beside : undefined);
  if (artifactPath === undefined) return { name, bundle };
  return { name, bundle, artifact: await readBounded(artifactPath, MAX_ARTIFACT_BYTES) };
}

/** The canaries of the ceremony at `root`, by name (empty without a sigstore-canaries folder). */
export async function readCeremonyCanaries(root: string): Promise<CanaryFiles[]> {
  const dir = join(root, CANARY_DIR);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
  const bundles = names.filter((n) => n.endsWith(BUNDLE_SUFFIX)).sort();
  if (bundles.length > MAX_CANARIES) {
    throw new CeremonyError(
      'STATE_INVALID',
      `${dir}: ${bundles.length} canaries, more than the ${MAX_CANARIES} checked before signing`,
    );
  }
  const canaries: CanaryFiles[] = [];
  for (const file of bundles) canaries.push(await readCanary(join(dir, file)));
  return canaries;
}
