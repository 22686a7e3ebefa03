import { cp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bareRepo } from '../../helpers/bare-remote.js';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { git } from '../../helpers/git.js';

// `publish --check` judges a pull request from the trust the base branch has published, read
// from git, never from the pull request's own repository/1.root.json. An attacker who replaces
// repository/ with metadata signed by their own keys (a self-consistent repository that would
// verify from its own first root) fails with one line.

const NOW = { TUF_CEREMONY_NOW: '2026-11-23T10:00:00Z' };

async function finalizedCeremony(): Promise<CeremonyFixture> {
  const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
  Object.assign(ceremony.env, NOW);
  for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
  await ceremony.ok(['stage']);
  expect((await ceremony.sign('alice')).code).toBe(0);
  expect((await ceremony.finalize()).code).toBe(0);
  return ceremony;
}

/** Replaces the victim's repository/ files with the attacker's, optionally keeping some. */
async function plant(from: string, to: string, keep: readonly string[] = []): Promise<void> {
  for (const name of await readdir(to)) {
    if (!keep.includes(name)) await rm(join(to, name), { recursive: true, force: true });
  }
  for (const name of await readdir(from)) {
    if (!keep.includes(name)) await cp(join(from, name), join(to, name), { recursive: true });
  }
}

describe('publish --check anchored in the base branch', () => {
  it("fails a pull request whose repository/ is signed by an attacker's keys", async () => {
    const victim = await finalizedCeremony();
    const attacker = await finalizedCeremony();
    const origin = await bareRepo(join(victim.dir, '..'), 'origin');
    await git(victim.dir, ['add', '--all']);
    await git(victim.dir, ['commit', '-q', '-m', 'first ceremony']);
    await git(victim.dir, ['branch', '-M', 'main']);
    await git(victim.dir, ['remote', 'add', 'origin', origin]);
    await git(victim.dir, ['push', '-q', 'origin', 'main']);
    const check = ['publish', '--check', '--base', 'origin/main'];
    const repository = join(victim.dir, 'repository');

    // The whole repository/ replaced: the published 1.root.json changes, which never happens.
    await git(victim.dir, ['switch', '-q', '-c', 'ceremony/evil']);
    await plant(join(attacker.dir, 'repository'), repository);
    await git(victim.dir, ['commit', '-q', '-am', 'refresh']);
    // The same files verify from their own first root: only the base branch's root catches it.
    await attacker.ok(['verify', '--root', 'repository/1.root.json', 'repository']);
    const replaced = await victim.run(check);
    expect(replaced.code).toBe(1);
    expect(replaced.stderr.trim().split('\n')).toHaveLength(1);
    expect(replaced.stderr).toMatch(
      /repository\/1\.root\.json: the pull request changes a root already published on origin\/main/,
    );

    // The published roots kept, everything else the attacker's: the client workflow from
    // origin/main's root v1 refuses the attacker's timestamp.
    await git(victim.dir, ['reset', '-q', '--hard', 'main']);
    await plant(join(attacker.dir, 'repository'), repository, ['1.root.json', 'root.json']);
    await git(victim.dir, ['commit', '-q', '-am', 'refresh']);
    const forged = await victim.run(check);
    expect(forged.code).toBe(1);
    expect(forged.stderr.trim().split('\n')).toHaveLength(1);
    expect(forged.stderr).toMatch(/timestamp.*threshold/i);

    // A legitimate refresh of the online roles from the same base passes.
    await git(victim.dir, ['reset', '-q', '--hard', 'main']);
    await victim.ok([
      'refresh',
      'timestamp',
      '--force',
      '--no-stage',
      '--passphrase-env',
      victim.passphraseVar('online'),
    ]);
    await git(victim.dir, ['add', '--all']);
    await git(victim.dir, ['commit', '-q', '-m', 'refresh']);
    const passed = await victim.ok(check);
    expect(passed.stdout).toMatch(
      /published repository verifies: root v1 at .*, from origin\/main's root v1/,
    );
  });
});
