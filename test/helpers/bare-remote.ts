import { join } from 'node:path';
import type { CeremonyFixture } from './ceremony.js';
import { git } from './git.js';
import type { GitHubEmulator } from './github-emulator/index.js';

/** A bare repository `<name>.git` in `dir` whose default branch is main: a remote to push to. */
export async function bareRepo(dir: string, name: string): Promise<string> {
  const bare = join(dir, `${name}.git`);
  await git(dir, ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  return bare;
}

/** The commit a branch of a bare repository points at, or undefined when it has no such branch. */
export async function headOf(bare: string, ref: string): Promise<string | undefined> {
  try {
    return (await git(bare, ['rev-parse', '--verify', '--quiet', `refs/heads/${ref}`])).trim();
  } catch {
    return undefined;
  }
}

/** The environment of a CLI run against the emulator: its API, a token, no user git config. */
export function emulatedGitHubEnv(
  gh: GitHubEmulator,
  token: string,
  now: string,
): Record<string, string> {
  return {
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GITHUB_API_URL: gh.url,
    GITHUB_TOKEN: token,
    TUF_CEREMONY_NOW: now,
  };
}

/** Commits everything in the ceremony as main and pushes it to `origin` (a new remote). */
export async function pushFirstCommit(ceremony: CeremonyFixture, origin: string): Promise<void> {
  await git(ceremony.dir, ['add', '--all']);
  await git(ceremony.dir, ['commit', '--quiet', '-m', 'plan and keys']);
  await git(ceremony.dir, ['branch', '-M', 'main']);
  await git(ceremony.dir, ['remote', 'add', 'origin', origin]);
  await git(ceremony.dir, ['push', '--quiet', 'origin', 'main']);
}
