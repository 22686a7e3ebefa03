import { basename, relative } from 'node:path';
import { CeremonyError } from '../metadata/errors.js';
import { isInsideDirectory } from '../repo/inside-directory.js';

/**
 * Refuses a private key file inside the ceremony directory (resolved through symlinks), where
 * `git add` and `publish` would commit it; nothing has been written when this throws.
 */
export async function refuseKeyInsideCeremony(
  ceremonyDir: string,
  keyFile: string,
  /** How the flag is written before the path: `--key-file ` or `--key-ref file:`. */
  flag: string,
): Promise<void> {
  if (!(await isInsideDirectory(ceremonyDir, keyFile))) return;
  const shown = relative(ceremonyDir, keyFile) || keyFile;
  throw new CeremonyError(
    'USAGE',
    `${flag}${shown}: inside the ceremony repository ${ceremonyDir}, where git would commit the private key; keep it outside, e.g. ${flag}../keys/${basename(keyFile)}; nothing was written`,
  );
}
