import { loadCheckedSignatures, saveCheckedSignatures } from '../repo/checked-signatures.js';
import type { CommandContext } from './command.js';

/**
 * Runs a ceremony command (status, review, sign, finalize) with the signature checks earlier
 * commands on this machine found valid, and leaves its own for the next one. Client-grade
 * commands (verify, publish --check) never use this: they check every signature themselves.
 */
export async function withCheckedSignatures(
  ctx: CommandContext,
  run: () => Promise<number>,
): Promise<number> {
  await loadCheckedSignatures(ctx.env);
  try {
    return await run();
  } finally {
    await saveCheckedSignatures(ctx.env);
  }
}
