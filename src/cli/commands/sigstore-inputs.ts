import { join, resolve } from 'node:path';
import { sha256Hex } from '../../metadata/bytes.js';
import { CeremonyError } from '../../metadata/errors.js';
import { ceremonyPaths } from '../../repo/ceremony-paths.js';
import { pathExists } from '../../repo/path-exists.js';
import { readBounded, MAX_BUNDLE_BYTES } from '../../repo/canaries.js';
import { targetInputPaths } from '../../repo/target-inputs.js';
import { userTime } from '../../sigstore/times.js';
import type { SigningConfigDoc } from '../../sigstore/signing-config-model.js';
import type { TrustedRootDoc } from '../../sigstore/trusted-root-model.js';
import { stringFlag, type CommandContext, type OptionSpec, type ParsedArgs } from '../command.js';
import { SIGSTORE_TARGET_PATHS } from './sigstore-document.js';

// The trust material `sigstore check` and `sigstore preview` read: files given with --file and
// --signing-config, or a ceremony's target inputs (what `stage` puts into the next targets).

/** Options naming the documents, or the ceremony whose target inputs hold them. */
export const TRUST_INPUT_OPTIONS: OptionSpec = {
  file: {
    type: 'string',
    valueName: 'TRUSTED_ROOT',
    description: "a trusted_root.json to check (default: the ceremony's targets/trusted_root.json)",
  },
  'signing-config': {
    type: 'string',
    valueName: 'FILE',
    description:
      "a signing_config v0.2 to check (default: the ceremony's signing_config.v0.2.json)",
  },
  dir: {
    type: 'string',
    short: 'C',
    valueName: 'DIR',
    description: 'the ceremony directory (default: the working directory)',
  },
};

/** `--at TIME`: the time checks and previews judge against (default: now). */
export const AT_OPTION: OptionSpec = {
  at: {
    type: 'string',
    valueName: 'TIME',
    description: 'judge validity windows at this time (default: now)',
  },
};

/** The --at time in epoch ms, or the command's now. */
export function atTime(ctx: CommandContext, args: ParsedArgs): number {
  const at = stringFlag(args, 'at');
  return at === undefined ? ctx.now() : userTime(at, '--at').ms;
}

/** The documents found, each with the file name messages use. */
export interface TrustInputs {
  trustedRoot?: { doc: TrustedRootDoc; file: string };
  signingConfig?: { doc: SigningConfigDoc; file: string };
  /** The ceremony directory when the documents are its target inputs. */
  ceremonyDir?: string;
}

/** Documents of at most 1 MiB each are read (Sigstore's are a few KiB). */
const MAX_DOCUMENT_BYTES = MAX_BUNDLE_BYTES;

/** The document readers, loaded only when a document exists (staging reads none in most ceremonies). */
const documents = () => import('../../sigstore/documents.js');

/** Decodes a trusted root (Sigstore's protobuf-specs JSON form). */
async function trustedRootOf(bytes: Uint8Array, file: string): Promise<TrustedRootDoc> {
  return (await documents()).decodeTrustedRoot(bytes, file);
}

/** Decodes a signing config (Sigstore's protobuf-specs JSON form). */
async function signingConfigOf(bytes: Uint8Array, file: string): Promise<SigningConfigDoc> {
  return (await documents()).decodeSigningConfig(bytes, file);
}

async function readDocument<T>(
  path: string,
  decode: (bytes: Uint8Array, file: string) => Promise<T>,
): Promise<{ doc: T; file: string }> {
  return { doc: await decode(await readBounded(path, MAX_DOCUMENT_BYTES), path), file: path };
}

/** Reads --file / --signing-config, or without them the ceremony's target inputs that exist. */
export async function readTrustInputs(ctx: CommandContext, args: ParsedArgs): Promise<TrustInputs> {
  const file = stringFlag(args, 'file');
  const config = stringFlag(args, 'signing-config');
  if (file !== undefined || config !== undefined) {
    if (stringFlag(args, 'dir') !== undefined) {
      throw new CeremonyError('USAGE', 'give --file/--signing-config or --dir, not both');
    }
    return {
      ...(file ? { trustedRoot: await readDocument(resolve(ctx.cwd, file), trustedRootOf) } : {}),
      ...(config
        ? { signingConfig: await readDocument(resolve(ctx.cwd, config), signingConfigOf) }
        : {}),
    };
  }
  const dir = resolve(ctx.cwd, stringFlag(args, 'dir') ?? '.');
  if (!(await pathExists(ceremonyPaths(dir).plan))) {
    throw new CeremonyError(
      'USAGE',
      `${ceremonyPaths(dir).plan}: not found; check a ceremony (run in its directory or pass --dir) or files with --file / --signing-config`,
    );
  }
  return readCeremonyTrustInputs(dir);
}

/**
 * The ceremony's target inputs trusted_root.json and signing_config.v0.2.json that exist, except
 * those whose sha256 `skipSha256` names for their path (e.g. exactly the published bytes).
 */
export async function readCeremonyTrustInputs(
  dir: string,
  skipSha256: (path: string) => string | undefined = () => undefined,
): Promise<TrustInputs> {
  const inputs = targetInputPaths(dir).dir;
  const read = async <T>(
    target: string,
    decode: (bytes: Uint8Array, file: string) => Promise<T>,
  ): Promise<{ doc: T; file: string } | undefined> => {
    const path = join(inputs, target);
    if (!(await pathExists(path))) return undefined;
    const bytes = await readBounded(path, MAX_DOCUMENT_BYTES);
    if (skipSha256(target) === sha256Hex(bytes)) return undefined;
    return { doc: await decode(bytes, path), file: path };
  };
  const trustedRoot = await read(SIGSTORE_TARGET_PATHS.trusted_root, trustedRootOf);
  const signingConfig = await read(SIGSTORE_TARGET_PATHS.signing_config, signingConfigOf);
  return {
    ceremonyDir: dir,
    ...(trustedRoot ? { trustedRoot } : {}),
    ...(signingConfig ? { signingConfig } : {}),
  };
}
