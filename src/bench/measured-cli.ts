import { writeFileSync } from 'node:fs';
import { enableToolCompileCache, useMachineRecords } from '../cli/process-setup.js';

// The CLI as the ceremony benchmark runs it, set up as src/cli/main.ts sets it up: one command
// per process, then its peak resident memory (maxRSS, KiB) and CPU time (user + system,
// microseconds) from process.resourceUsage(), as JSON in the file BENCH_RSS_FILE names.

enableToolCompileCache(process.env);
const { runCli } = await import('../cli/run.js');
await useMachineRecords(process.env);
const code = await runCli(process.argv.slice(2));
const file = process.env.BENCH_RSS_FILE;
if (file) {
  const usage = process.resourceUsage();
  writeFileSync(
    file,
    JSON.stringify({ maxRSS: usage.maxRSS, cpu: usage.userCPUTime + usage.systemCPUTime }),
  );
}
process.exitCode = code;
