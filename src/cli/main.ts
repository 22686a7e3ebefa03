#!/usr/bin/env node
import { guardOutputPipes } from './pipe-guard.js';
import { runCli } from './run.js';

guardOutputPipes();
process.exitCode = await runCli(process.argv.slice(2));
