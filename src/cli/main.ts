#!/usr/bin/env node
import { enableToolCompileCache, useMachineRecords } from './process-setup.js';

// Enabled before the rest of the tool is imported, so that its modules are the ones cached.
enableToolCompileCache(process.env);
const { guardOutputPipes } = await import('./pipe-guard.js');
const { runCli } = await import('./run.js');
await useMachineRecords(process.env);

guardOutputPipes();
process.exitCode = await runCli(process.argv.slice(2));
