import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runProcess, type CliResult } from './cli.js';

// The air-gapped machine in tests: a fresh empty directory, an environment with nothing but
// PATH and the variables given, and a network namespace with no usable interface (`unshare -n`,
// available to root on Linux). Where unshare is refused, NETWORK_ISOLATION says so.

/** Whether `unshare -n` works here (root on Linux). */
export const NETWORK_ISOLATION = spawnSync('unshare', ['-n', 'true']).status === 0;

if (!NETWORK_ISOLATION && process.env.TUF_CEREMONY_REQUIRE_UNSHARE === '1') {
  throw new Error('unshare -n is required (TUF_CEREMONY_REQUIRE_UNSHARE=1) but does not work');
}

/** A new empty directory standing for the offline machine's working directory. */
export function emptyDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'tuf-ceremony-airgap-'));
}

/** Runs a program without network (unshare -n) in `cwd` with only PATH and `env`. */
export function runOffline(
  command: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CliResult> {
  const argv = NETWORK_ISOLATION ? ['unshare', '-n', ...command] : [...command];
  return runProcess(argv[0] ?? '', argv.slice(1), { cwd, env, onlyPath: true });
}

/** `tuf-ceremony sign-offline ...` of the built CLI, offline, in `cwd`. */
export function signOffline(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CliResult> {
  return runOffline([process.execPath, CLI, 'sign-offline', ...args], cwd, env);
}

/** Names of the files in a directory. */
export async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}
