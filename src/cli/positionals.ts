import { resolve } from 'node:path';
import { CeremonyError } from '../metadata/errors.js';
import { printable } from '../metadata/printable.js';
import type { CommandContext, ParsedArgs } from './command.js';

/** A usage error for an argument the command does not take, quoting it escaped. */
export function unexpectedArgument(arg: string | undefined, usage: string): CeremonyError {
  return new CeremonyError(
    'USAGE',
    `unexpected argument "${printable(arg ?? '')}" (usage: ${usage})`,
  );
}

/** The command's one optional DIR argument (default: the working directory), resolved. */
export function optionalDirArgument(ctx: CommandContext, args: ParsedArgs, usage: string): string {
  if (args.positionals.length > 1) throw unexpectedArgument(args.positionals[1], usage);
  return resolve(ctx.cwd, args.positionals[0] ?? '.');
}
