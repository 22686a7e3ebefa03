#!/usr/bin/env node
import { enableCompileCache } from 'node:module';
import { join } from 'node:path';
import { toolCacheDir } from '../repo/tool-cache.js';

// V8's compiled code of the tool's modules, kept by Node in this user's cache folder of the tool
// (checked by Node against each module's source; a missing or stale entry is compiled again):
// every command is its own process, and loading the modules is a tenth of a short one.
// Enabled before the rest of the tool is imported, so that its modules are the ones cached.
try {
  enableCompileCache(join(toolCacheDir(process.env), 'compiled'));
} catch {
  // No cache folder to use: modules are compiled as usual.
}
const { guardOutputPipes } = await import('./pipe-guard.js');
const { runCli } = await import('./run.js');
const { keepSweepRecordsIn } = await import('../repo/leftover-sweep.js');
const { keepPlanValuesIn } = await import('../repo/plan-values.js');

// The folders each command's sweep for leftovers found clean (leftover-sweep.ts), and the values
// of the plans it read (plan-values.ts).
keepSweepRecordsIn(join(toolCacheDir(process.env), 'sweeps'));
keepPlanValuesIn(join(toolCacheDir(process.env), 'plan-values'));

guardOutputPipes();
process.exitCode = await runCli(process.argv.slice(2));
