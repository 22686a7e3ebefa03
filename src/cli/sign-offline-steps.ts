import { CeremonyError } from '../metadata/errors.js';
import { stringFlag, type CommandContext, type OptionSpec, type ParsedArgs } from './command.js';

/** The options `sign` takes for air-gapped signing (export a request, import a response). */
export const OFFLINE_SIGN_OPTIONS: OptionSpec = {
  export: {
    type: 'string',
    valueName: 'FILE',
    description: 'write a signing request for sign-offline instead of signing here (- for stdout)',
  },
  import: {
    type: 'string',
    valueName: 'RESPONSE',
    description: 'store the signatures of a sign-offline response (- for stdin)',
  },
};

/** Runs `sign --export` or `sign --import` when asked; undefined for an ordinary `sign`. */
export function offlineSignStep(
  ctx: CommandContext,
  args: ParsedArgs,
): Promise<number> | undefined {
  const exportTo = stringFlag(args, 'export');
  const importFrom = stringFlag(args, 'import');
  if (importFrom !== undefined) {
    if (exportTo !== undefined)
      throw new CeremonyError('USAGE', '--export and --import do not go together');
    return import('./sign-import.js').then((m) => m.importSigningResponse(ctx, args, importFrom));
  }
  if (exportTo === undefined) return undefined;
  const holder = stringFlag(args, 'holder');
  if (!holder) throw new CeremonyError('USAGE', 'sign --export needs --holder NAME');
  return import('./sign-export.js').then((m) =>
    m.exportSigningRequest(ctx, args, holder, exportTo),
  );
}
