import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { git } from '../../helpers/git.js';
import { readWithTufJs } from '../../helpers/tuf-js-client.js';

// Scenario 5: two holders sign at the same time in two clones of the ceremony repository; their
// branches merge with git without conflicts (one signature file per holder) and the result verifies.

describe('two holders signing in parallel clones', () => {
  it('merges both signatures without conflicts and the result verifies', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob', 'carol'], 2);
    for (const holder of ['alice', 'bob', 'carol', 'online']) await ceremony.addKey(holder);
    await ceremony.ok(['stage']);
    await git(ceremony.dir, ['checkout', '-q', '-b', 'main']);
    await git(ceremony.dir, ['add', '-A']);
    await git(ceremony.dir, ['commit', '-q', '-m', 'stage root and targets v1']);
    const work = await mkdtemp(join(tmpdir(), 'tuf-ceremony-clones-'));
    const remote = join(work, 'remote.git');
    await git(work, ['clone', '-q', '--bare', ceremony.dir, remote]);
    const clones = { alice: join(work, 'alice'), bob: join(work, 'bob') };
    for (const [holder, dir] of Object.entries(clones)) {
      await git(work, ['clone', '-q', remote, dir]);
      await git(dir, ['checkout', '-q', '-b', `sign-${holder}`]);
    }
    const results = await Promise.all(
      Object.entries(clones).map(([holder, dir]) => ceremony.sign(holder, dir)),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    for (const [holder, dir] of Object.entries(clones)) {
      await git(dir, ['add', '-A']);
      await git(dir, ['commit', '-q', '-m', `${holder} signs`]);
      await git(dir, ['push', '-q', 'origin', `sign-${holder}`]);
    }
    const merger = join(work, 'merger');
    await git(work, ['clone', '-q', remote, merger]);
    await git(merger, ['merge', '-q', '--no-edit', 'origin/sign-alice']);
    await git(merger, ['merge', '-q', '--no-edit', 'origin/sign-bob']);
    expect(await git(merger, ['status', '--porcelain'])).toBe('');
    const status = await ceremony.run(['status', '--json'], {}, merger);
    expect(status.code, status.stderr).toBe(0);
    const final = await ceremony.run(
      ['finalize', '--passphrase-env', ceremony.passphraseVar('online')],
      {},
      merger,
    );
    expect(final.code, final.stderr).toBe(0);
    const repo = join(merger, 'repository');
    await ceremony.ok(['verify', '--root', join(repo, '1.root.json'), repo], merger);
    await readWithTufJs(repo);
  });
});
