import { resolve } from 'node:path';
import type { EnrolledKey } from '../ceremony/enrolled-key.js';
import { CeremonyError, isCeremonyError } from '../metadata/errors.js';
import type { Key } from '../metadata/model.js';
import { pathExists } from '../repo/path-exists.js';
import { FileKeyResolver } from '../signing/file-key-resolver.js';
import { stringFlag, type CommandContext, type ParsedArgs } from './command.js';
import type { LoadedCeremony } from './ceremony-context.js';
import { terminalPrompter } from './prompt.js';
import { secretSourceFor } from './secrets.js';
import { openCeremonyHasEvent } from './transcript.js';

// A rerun of `key add --generate --key-file PATH` after a run that was killed once PATH was
// written continues with the key in PATH (docs/crash-consistency.md, rule 5).

/** The `--key-file` of a `--generate` run when that file already exists, else undefined. */
export async function existingKeyFile(
  ctx: CommandContext,
  args: ParsedArgs,
): Promise<string | undefined> {
  const file = stringFlag(args, 'key-file');
  if (stringFlag(args, 'generate') === undefined || file === undefined) return undefined;
  const path = resolve(ctx.cwd, file);
  return (await pathExists(path)) ? path : undefined;
}

/**
 * The key in a key file an interrupted run wrote: it must open with the holder's passphrase (so
 * it is theirs and whole); a file that does not open is never replaced.
 */
export async function continueWithKeyFile(
  ctx: CommandContext,
  args: ParsedArgs,
  holder: string,
  path: string,
): Promise<{ key: Key; ref: string; resumed: true }> {
  const secrets = secretSourceFor(ctx, args, terminalPrompter());
  let signer;
  try {
    signer = await new FileKeyResolver(ctx.cwd).open(`file:${path}`, secrets);
  } catch (err) {
    if (!isCeremonyError(err, 'SECRET_INVALID')) throw err;
    throw new CeremonyError(
      'IO',
      `${path}: already exists and does not open with ${holder}'s passphrase; refusing to overwrite it`,
    );
  }
  await signer.close();
  ctx.err(`${path} already exists (an earlier run was stopped): enrolling the key it holds`);
  return { key: signer.key, ref: `file:${path}`, resumed: true };
}

/** Whether the open ceremony's transcript records the enrollment of this key. */
export async function enrollmentRecorded(
  ctx: CommandContext,
  loaded: LoadedCeremony,
  record: EnrolledKey,
): Promise<boolean> {
  return openCeremonyHasEvent(
    loaded.paths,
    ctx.now(),
    'key.enrolled',
    (data) => data.keyid === record.keyid && data.retired !== true,
  );
}
