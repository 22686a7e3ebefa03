import { enableCompileCache } from 'node:module';
import { join } from 'node:path';
import { toolCacheDir } from '../repo/tool-cache.js';

// What a process running the tool's commands sets up before the first command runs, from the
// tool's cache folder of this machine (src/repo/tool-cache.ts).

/**
 * V8's compiled code of the tool's modules, kept by Node in the cache folder (checked by Node
 * against each module's source; a missing or stale entry is compiled again): every command is
 * its own process, and loading the modules is a tenth of a short one. To be called before the
 * rest of the tool is imported, so that its modules are the ones cached.
 */
export function enableToolCompileCache(env: Readonly<Record<string, string | undefined>>): void {
  try {
    enableCompileCache(join(toolCacheDir(env), 'compiled'));
  } catch {
    // No cache folder to use: modules are compiled as usual.
  }
}

/**
 * Lets the commands of this process keep their records in the cache folder: the folders each
 * sweep for leftovers found clean (leftover-sweep.ts) and the values of the plans it read
 * (plan-values.ts).
 */
export async function useMachineRecords(
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const [{ keepSweepRecordsIn }, { keepPlanValuesIn }] = await Promise.all([
    import('../repo/leftover-sweep.js'),
    import('../repo/plan-values.js'),
  ]);
  keepSweepRecordsIn(join(toolCacheDir(env), 'sweeps'));
  keepPlanValuesIn(join(toolCacheDir(env), 'plan-values'));
}
