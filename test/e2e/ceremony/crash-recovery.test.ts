import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { readWithTufJs } from '../../helpers/tuf-js-client.js';

// Scenario 4: the process killed with SIGKILL at injected crash points during `sign` and during
// `finalize`, then run again: nothing is lost and the result verifies.

async function readyCeremony(): Promise<CeremonyFixture> {
  const ceremony = await CeremonyFixture.create(['alice', 'bob', 'carol'], 2);
  for (const holder of ['alice', 'bob', 'carol', 'online']) await ceremony.addKey(holder);
  await ceremony.ok(['stage']);
  return ceremony;
}

async function verifies(ceremony: CeremonyFixture): Promise<void> {
  const repo = join(ceremony.dir, 'repository');
  await ceremony.ok(['verify', '--root', join(repo, '1.root.json'), repo]);
  await readWithTufJs(repo);
}

describe('crash recovery', () => {
  it('keeps a signature made before a crash in sign, and continues where it stopped', async () => {
    const ceremony = await readyCeremony();
    const crashed = await ceremony.sign('alice', ceremony.dir, {
      TUF_CEREMONY_CRASH_AT: 'sign:after-signature',
    });
    expect(crashed.signal).toBe('SIGKILL');
    const stored = JSON.parse(
      await readFile(join(ceremony.dir, 'staged', 'signatures', 'alice.json'), 'utf8'),
    ) as { signatures: Record<string, unknown[]> };
    expect(Object.keys(stored.signatures)).toEqual(['root']);
    const resumed = await ceremony.sign('alice');
    expect(resumed.stdout).toMatch(/signed targets v1/);
    expect(resumed.stdout).not.toMatch(/signed root v1/);
    expect((await ceremony.sign('bob')).code).toBe(0);
    expect((await ceremony.status()).json.ready).toBe(true);

    const midWrite = await ceremony.finalize({ TUF_CEREMONY_CRASH_AT: 'finalize:mid-write' });
    expect(midWrite.signal).toBe('SIGKILL');
    const partial = await readdir(join(ceremony.dir, 'repository'));
    expect(partial).not.toContain('timestamp.json');
    const rerun = await ceremony.finalize();
    expect(rerun.code, rerun.stderr).toBe(0);
    await verifies(ceremony);
  });

  it('finishes a finalize that crashed after publishing but before clearing the staging area', async () => {
    const ceremony = await readyCeremony();
    for (const holder of ['alice', 'carol']) expect((await ceremony.sign(holder)).code).toBe(0);
    const crashed = await ceremony.finalize({ TUF_CEREMONY_CRASH_AT: 'finalize:after-write' });
    expect(crashed.signal).toBe('SIGKILL');
    const timestamp = await readFile(join(ceremony.dir, 'repository', 'timestamp.json'));
    const rerun = await ceremony.finalize();
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/already published; staging cleared/);
    expect(await readFile(join(ceremony.dir, 'repository', 'timestamp.json'))).toEqual(timestamp);
    await verifies(ceremony);
  });
});
