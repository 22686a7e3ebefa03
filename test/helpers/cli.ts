import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from './fixtures.js';

/** The built CLI entry point (tests run `npm run build` first, as `npm test` does). */
export const CLI = join(PROJECT_ROOT, 'dist', 'cli', 'main.js');

/** Outcome of one CLI run. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a separate process (same Node binary as the tests), no terminal. */
export function runTool(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {},
): Promise<CliResult> {
  return runProcess(process.execPath, [CLI, ...args], options);
}

/**
 * Runs a program with piped stdio and collects its output. Its environment is the tests' own
 * plus `env`, or with `onlyPath` nothing but PATH plus `env`.
 */
export function runProcess(
  program: string,
  args: readonly string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    input?: string;
    onlyPath?: boolean;
  } = {},
): Promise<CliResult> {
  const inherited = options.onlyPath ? { PATH: process.env.PATH ?? '/usr/bin:/bin' } : process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: { ...inherited, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
