import { cp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
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

async function finalizedCeremony(target?: string): Promise<CeremonyFixture> {
  const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
  Object.assign(ceremony.env, NOW);
  for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
  if (target !== undefined) {
    const file = join(ceremony.dir, '..', 'a.txt');
    await writeFile(file, target);
    await ceremony.ok(['targets', 'add', file, '--path', 'files/a.txt']);
  }
  await ceremony.ok(['stage']);
  expect((await ceremony.sign('alice')).code).toBe(0);
  expect((await ceremony.finalize()).code).toBe(0);
  return ceremony;
}

/** Commits the ceremony as `main` and pushes it to a new bare `origin`. */
async function pushToOrigin(dir: string): Promise<void> {
  const origin = await bareRepo(join(dir, '..'), 'origin');
  await git(dir, ['add', '--all']);
  await git(dir, ['commit', '-q', '-m', 'first ceremony']);
  await git(dir, ['branch', '-M', 'main']);
  await git(dir, ['remote', 'add', 'origin', origin]);
  await git(dir, ['push', '-q', 'origin', 'main']);
}

/** Back on main, re-signs the timestamp with the online key: a legitimate pull request. */
async function refreshTimestampFromMain(ceremony: CeremonyFixture): Promise<void> {
  await git(ceremony.dir, ['reset', '-q', '--hard', 'main']);
  const passphrase = ceremony.passphraseVar('online');
  await ceremony.ok([
    'refresh',
    'timestamp',
    '--force',
    '--no-stage',
    '--passphrase-env',
    passphrase,
  ]);
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
    await pushToOrigin(victim.dir);
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
    await refreshTimestampFromMain(victim);
    await git(victim.dir, ['add', '--all']);
    await git(victim.dir, ['commit', '-q', '-m', 'refresh']);
    const passed = await victim.ok(check);
    expect(passed.stdout).toMatch(
      /published repository verifies: root v1 at .*, from origin\/main's root v1/,
    );
  });

  it('fails a pull request that changes, adds or removes a target file against its listing', async () => {
    const ceremony = await finalizedCeremony('release notes\n');
    await pushToOrigin(ceremony.dir);
    const check = ['publish', '--check', '--base', 'origin/main'];
    const folder = join(ceremony.dir, 'repository', 'targets', 'files');
    const [listed] = await readdir(folder);
    expect(listed).toMatch(/^[0-9a-f]{64}\.a\.txt$/);
    const refused = async (change: () => Promise<void>, pattern: RegExp): Promise<void> => {
      await git(ceremony.dir, ['reset', '-q', '--hard', 'main']);
      await change();
      await git(ceremony.dir, ['add', '--all']);
      await git(ceremony.dir, ['commit', '-q', '-m', 'targets']);
      const result = await ceremony.run(check);
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(pattern);
    };
    await git(ceremony.dir, ['switch', '-q', '-c', 'ceremony/targets']);
    // The metadata is untouched: only the bytes a client downloads change.
    await refused(
      () => writeFile(join(folder, listed ?? ''), 'release NOTES\n'),
      /targets\/files\/[0-9a-f]{64}\.a\.txt\): .*sha256.*spec 5\.7\.3/,
    );
    await refused(
      () => writeFile(join(folder, listed ?? ''), 'release notes, edited\n'),
      /files\/[0-9a-f]{64}\.a\.txt\): larger than the limit of 14 bytes/,
    );
    await refused(
      () => writeFile(join(folder, 'b.txt'), 'unlisted\n'),
      /targets\/files\/b\.txt\): not a file of any target a trusted targets role lists/,
    );
    await refused(
      () => writeFile(join(folder, `${'0'.repeat(64)}.a.txt`), 'release notes\n'),
      /not a file of any target a trusted targets role lists/,
    );
    await refused(
      () => unlink(join(folder, listed ?? '')),
      /targets\/files\/[0-9a-f]{64}\.a\.txt\): removed, yet a trusted targets role still lists it/,
    );
    // Re-adding the same bytes under its listed name is fine.
    await refreshTimestampFromMain(ceremony);
    await writeFile(join(folder, listed ?? ''), 'release notes\n');
    await git(ceremony.dir, ['add', '--all']);
    await git(ceremony.dir, ['commit', '-q', '-m', 'refresh']);
    expect((await ceremony.ok(check)).stdout).toMatch(/published repository verifies/);
  });
});
