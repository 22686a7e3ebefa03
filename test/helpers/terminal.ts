import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI } from './cli.js';
import { PROJECT_ROOT } from './fixtures.js';

/** One step of a terminal script: wait for `expect`, print /proc/<pid>/<proc...>, type `send`. */
export interface TerminalStep {
  expect: string;
  send: string;
  /** Files of /proc/<pid of the CLI>/ to print (between `[proc NAME]` and `[/proc]`). */
  proc?: string[];
}

/** Runs the built CLI with `args` in a real pseudo-terminal (test/helpers/pty_driver.py). */
export function inTerminal(
  cwd: string,
  script: TerminalStep[],
  env: Record<string, string>,
  args: readonly string[] = [],
): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'python3',
      [
        join(PROJECT_ROOT, 'test', 'helpers', 'pty_driver.py'),
        JSON.stringify(script),
        '--',
        process.execPath,
        CLI,
        ...args,
      ],
      {
        cwd,
        env: { ...process.env, ...env, TERM: 'xterm', COLUMNS: '200' },
      },
    );
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (screen += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (screen += d));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, screen });
    });
  });
}

/** Down arrow, to move a select prompt to its next choice. */
export const DOWN = '\u001b[B';
