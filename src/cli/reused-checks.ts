import { loadCheckedSignatures, saveCheckedSignatures } from '../repo/checked-signatures.js';
import type { CommandContext } from './command.js';
import { consultDelegationFree } from '../repo/delegation-free.js';
import { toolCacheDir } from '../repo/tool-cache.js';

/**
 * Runs a ceremony command (status, review, sign, finalize) with the signature checks earlier
 * commands on this machine found valid (and the published bins it knows hold no delegations),
 * and leaves its own checks for the next one. Client-grade
 * commands (verify, publish --check) never use this: they check every signature themselves.
 */
export async function withCheckedSignatures(
  ctx: CommandContext,
  run: () => Promise<number>,
): Promise<number> {
  await loadCheckedSignatures(ctx.env);
  consultDelegationFree(toolCacheDir(ctx.env));
  try {
    return await run();
  } finally {
    await saveCheckedSignatures(ctx.env);
  }
}
