import { CancelledError, CeremonyError } from '../metadata/errors.js';
import { boolFlag, type CommandContext, type ParsedArgs } from './command.js';
import { terminalPrompter } from './prompt.js';

/**
 * Asks for confirmation in a terminal; without one, `--yes` is the confirmation. Refusing (or no
 * `--yes` in a script) changes nothing.
 */
export async function confirmOrRefuse(
  ctx: CommandContext,
  args: ParsedArgs,
  question: string,
): Promise<void> {
  if (boolFlag(args, 'yes')) return;
  if (!ctx.interactive) {
    throw new CeremonyError(
      'USAGE',
      `${question.replace(/\?$/, '')}: confirm with --yes when running without a terminal`,
    );
  }
  const ok = await terminalPrompter().confirm(question, false);
  if (!ok) throw new CancelledError('declined');
}
