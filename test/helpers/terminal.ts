import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI } from './cli.js';
import { PROJECT_ROOT } from './fixtures.js';

/** One prompt the pty driver waits for (a regular expression) and the keys it then types. */
export interface TerminalStep {
  expect: string;
  send: string;
}

/** Down arrow, to move a select prompt to its next choice. */
export const DOWN = '\u001b[B';

/** Runs the built CLI with no arguments (the guided mode) in a real pseudo-terminal. */
export function inTerminal(
  cwd: string,
  script: TerminalStep[],
  env: Record<string, string>,
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
