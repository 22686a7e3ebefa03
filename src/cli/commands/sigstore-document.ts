import { join, resolve } from 'node:path';
import { CeremonyError } from '../../metadata/errors.js';
import { ceremonyPaths } from '../../repo/ceremony-paths.js';
import { targetInputPaths } from '../../repo/target-inputs.js';
import {
  JSON_OPTION,
  stringFlag,
  type CommandContext,
  type OptionSpec,
  type ParsedArgs,
} from '../command.js';
import { DIR_OPTION } from '../ceremony-context.js';
import { pathExists } from '../../repo/path-exists.js';

// Where a `sigstore ...` edit lands: a standalone file (--file), or the ceremony's own target
// input (targets/trusted_root.json, targets/signing_config.v0.2.json), which `stage` then puts
// into the next targets version and `sign` smoke-tests with the Sigstore client.

/** The two Sigstore documents a deployment publishes as TUF targets. */
export type SigstoreDocument = 'trusted_root' | 'signing_config';

/** Target path of each document, as Sigstore's clients fetch them. */
export const SIGSTORE_TARGET_PATHS: Readonly<Record<SigstoreDocument, string>> = {
  trusted_root: 'trusted_root.json',
  signing_config: 'signing_config.v0.2.json',
};

/** `--start TIME` and `--operator NAME` of commands that add an entry with a validity window. */
export const VALIDITY_START_OPTIONS: OptionSpec = {
  start: {
    type: 'string',
    valueName: 'TIME',
    description: 'start of validity, YYYY-MM-DDTHH:MM:SSZ (required)',
  },
  operator: {
    type: 'string',
    valueName: 'NAME',
    description: 'who operates it, e.g. example.dev (v0.2 files; required in a signing_config)',
  },
};

/** `--end TIME` of commands that close an entry's validity window. */
export const VALIDITY_END_OPTION: OptionSpec = {
  end: {
    type: 'string',
    valueName: 'TIME',
    description: 'end of validity, YYYY-MM-DDTHH:MM:SSZ (required)',
  },
};

/** Options of every command that edits a document: --file PATH or --dir CEREMONY, and --json. */
export const DOCUMENT_OPTIONS: OptionSpec = {
  file: {
    type: 'string',
    valueName: 'PATH',
    description:
      'edit this standalone file (created when missing) instead of the ceremony target input',
  },
  ...DIR_OPTION,
  ...JSON_OPTION,
};

/** The file a command edits, and whether it is a ceremony's target input. */
export interface DocumentLocation {
  path: string;
  /** Set when the file is the ceremony's target input (then `stage` must follow). */
  ceremonyDir?: string;
}

/**
 * `--file PATH` names a standalone document; without it, the ceremony in `--dir` (or the working
 * directory) is edited through its target input for the document.
 */
export async function documentLocation(
  ctx: CommandContext,
  args: ParsedArgs,
  document: SigstoreDocument,
  usage: string,
): Promise<DocumentLocation> {
  const file = stringFlag(args, 'file');
  const dirFlag = stringFlag(args, 'dir');
  if (file !== undefined && dirFlag !== undefined) {
    throw new CeremonyError('USAGE', `give --file or --dir, not both (usage: ${usage})`);
  }
  if (file !== undefined) {
    if (file === '') throw new CeremonyError('USAGE', `--file needs a path (usage: ${usage})`);
    return { path: resolve(ctx.cwd, file) };
  }
  const dir = resolve(ctx.cwd, dirFlag ?? '.');
  const plan = ceremonyPaths(dir).plan;
  if (!(await pathExists(plan))) {
    throw new CeremonyError(
      'USAGE',
      `${plan}: not found; edit a ceremony (run in its directory or pass --dir) or a standalone file with --file PATH (usage: ${usage})`,
    );
  }
  return {
    path: join(targetInputPaths(dir).dir, SIGSTORE_TARGET_PATHS[document]),
    ceremonyDir: dir,
  };
}

/** After an edit of a ceremony's target input: what to run next (none for a standalone file). */
export function ceremonyNext(location: DocumentLocation): string | null {
  return location.ceremonyDir === undefined
    ? null
    : 'tuf-ceremony stage (stage --restage while a ceremony is staged) puts it into the next targets version; signing runs the Sigstore client on it first';
}
