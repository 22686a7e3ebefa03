import type { CommandContext } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/run.js';

/** Outcome of one in-process CLI run. */
export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with a context that records stdout and stderr, no terminal. */
export async function runCaptured(
  argv: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CommandContext = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    // The run's own cache folder (test/global-setup.ts), never the user's.
    env: { TUF_CEREMONY_CACHE: process.env.TUF_CEREMONY_CACHE, ...options.env },
    cwd: options.cwd ?? process.cwd(),
    now: () => Date.parse('2026-01-01T00:00:00Z'),
    interactive: false,
  };
  const code = await runCli(argv, ctx);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
